import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/*
 * How the LiveKit server authenticates a request (livekit/livekit `pkg/service/auth.go`,
 * livekit/protocol `auth/verifier.go`): HS256 only, the key named by `iss`, `exp` required, 60 s
 * leeway.
 */

/** go-jose's default leeway, used by the server for `exp`, `nbf` and `iat`. */
const JWT_LEEWAY_SECONDS = 60;

const VideoGrantSchema = z.looseObject({
  roomCreate: z.boolean().optional(),
  roomJoin: z.boolean().optional(),
  roomList: z.boolean().optional(),
  roomRecord: z.boolean().optional(),
  roomAdmin: z.boolean().optional(),
  room: z.string().optional(),
  ingressAdmin: z.boolean().optional(),
  canPublish: z.boolean().optional(),
  canSubscribe: z.boolean().optional(),
  canPublishData: z.boolean().optional(),
  canPublishSources: z.array(z.string()).optional(),
  canUpdateOwnMetadata: z.boolean().optional(),
  hidden: z.boolean().optional(),
  recorder: z.boolean().optional(),
  agent: z.boolean().optional(),
  destinationRoom: z.string().optional(),
});
export type VideoGrantClaims = z.infer<typeof VideoGrantSchema>;

const ClaimsSchema = z.looseObject({
  iss: z.string().optional(),
  sub: z.string().optional(),
  exp: z.number().optional(),
  nbf: z.number().optional(),
  iat: z.number().optional(),
  name: z.string().optional(),
  metadata: z.string().optional(),
  attributes: z.record(z.string(), z.string()).optional(),
  video: VideoGrantSchema.optional(),
  kind: z.string().optional(),
  sha256: z.string().optional(),
});
export type TokenClaims = z.infer<typeof ClaimsSchema>;

const JwtHeaderSchema = z.looseObject({ alg: z.string() });

export type Authentication = { ok: true; claims: TokenClaims | undefined } | { ok: false; message: string };

/** Checks an `Authorization` header value against the server's keys (key → secret). */
export function authenticateHeader(
  header: string | undefined,
  secrets: ReadonlyMap<string, string>,
  nowSeconds: number,
): Authentication {
  if (header === undefined || header === '') {
    // No token: the request goes on without grants and fails the per-method check.
    return { ok: true, claims: undefined };
  }
  if (!header.startsWith('Bearer ')) {
    return { ok: false, message: 'invalid authorization header. Must start with Bearer ' };
  }
  const token = header.slice('Bearer '.length);
  const parsed = parseJwt(token);
  if (parsed === undefined) {
    return { ok: false, message: 'invalid authorization token' };
  }
  const secret = secrets.get(parsed.claims.iss ?? '');
  if (secret === undefined) {
    return { ok: false, message: `invalid API key: ${parsed.claims.iss ?? ''}` };
  }
  const problem = verifyJwt(parsed, secret, nowSeconds);
  if (problem !== undefined) {
    return { ok: false, message: `invalid token: ${token}, error: ${problem}` };
  }
  return { ok: true, claims: parsed.claims };
}

type ParsedJwt = { signingInput: string; signature: Buffer; alg: string; claims: TokenClaims };

/** Decodes without verifying, as the server does to find the key (`iss`). */
function parseJwt(token: string): ParsedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) {
    return undefined;
  }
  const [header = '', payload = '', signature = ''] = parts;
  try {
    const headerJson = JwtHeaderSchema.safeParse(
      JSON.parse(Buffer.from(header, 'base64url').toString('utf8')),
    );
    const claims = ClaimsSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    if (!headerJson.success || !claims.success) {
      return undefined;
    }
    return {
      signingInput: `${header}.${payload}`,
      signature: Buffer.from(signature, 'base64url'),
      alg: headerJson.data.alg,
      claims: claims.data,
    };
  } catch {
    return undefined;
  }
}

/** Returns what is wrong, or undefined. */
function verifyJwt(jwt: ParsedJwt, secret: string, nowSeconds: number): string | undefined {
  if (jwt.alg !== 'HS256') {
    return `unexpected signature algorithm "${jwt.alg}"`;
  }
  const expected = createHmac('sha256', secret).update(jwt.signingInput).digest();
  if (expected.length !== jwt.signature.length || !timingSafeEqual(expected, jwt.signature)) {
    return 'go-jose/go-jose: error in cryptographic primitive';
  }
  const { exp, nbf, iat } = jwt.claims;
  if (exp === undefined) {
    return 'exp claim is required';
  }
  if (nowSeconds - JWT_LEEWAY_SECONDS > exp) {
    return 'go-jose/go-jose/jwt: validation failed, token is expired (exp)';
  }
  if (nbf !== undefined && nowSeconds + JWT_LEEWAY_SECONDS < nbf) {
    return 'go-jose/go-jose/jwt: validation failed, token not valid yet (nbf)';
  }
  if (iat !== undefined && nowSeconds + JWT_LEEWAY_SECONDS < iat) {
    return 'go-jose/go-jose/jwt: validation field, token issued in the future (iat)';
  }
  return undefined;
}
