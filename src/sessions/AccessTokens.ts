import type { KeyObject } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../errors/AppError.js';

/** The only algorithm accepted; `none`, asymmetric algorithms and other HMAC sizes are refused. */
export const ACCESS_TOKEN_ALG = 'HS256';
/** RFC 9068's type for access tokens: a LiveKit or any other JWT is never mistaken for one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const ACCESS_TOKEN_ISSUER = 'stardust-livestream';
export const ACCESS_TOKEN_AUDIENCE = 'stardust-livestream-api';
/** Tokens longer than this are not ours (ours are ~330 characters). */
const MAX_ACCESS_TOKEN_CHARS = 2048;
const MS_PER_SECOND = 1000;

export interface AccessTokensOptions {
  key: KeyObject;
  ttlSeconds: number;
  now?: () => number;
}

export interface AccessTokenClaims {
  /** SS58 (prefix 42) of the signed-in account. */
  address: string;
  /** The session (refresh-token family) the token belongs to. */
  sessionId: string;
}

export interface IssuedAccessToken {
  token: string;
  /** ms since the epoch. */
  expiresAt: number;
}

/** Short-lived session access tokens: JWT, HS256 with a key of our own, `typ` at+jwt. */
export class AccessTokens {
  readonly #key: KeyObject;
  readonly #ttlSeconds: number;
  readonly #now: () => number;

  constructor(options: AccessTokensOptions) {
    this.#key = options.key;
    this.#ttlSeconds = options.ttlSeconds;
    this.#now = options.now ?? Date.now;
  }

  async issue(claims: AccessTokenClaims): Promise<IssuedAccessToken> {
    const issuedAt = Math.floor(this.#now() / MS_PER_SECOND);
    const expiresAt = issuedAt + this.#ttlSeconds;
    const token = await new SignJWT({ sid: claims.sessionId })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setSubject(claims.address)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.#key);
    return { token, expiresAt: expiresAt * MS_PER_SECOND };
  }

  /** The claims of a valid token; TOKEN_EXPIRED or TOKEN_INVALID (with no detail an attacker could use). */
  async verify(token: string): Promise<AccessTokenClaims> {
    if (token.length > MAX_ACCESS_TOKEN_CHARS) throw invalid();
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: [ACCESS_TOKEN_ALG],
        typ: ACCESS_TOKEN_TYPE,
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat'],
        currentDate: new Date(this.#now()),
      });
      const { sub, sid } = payload;
      if (typeof sub !== 'string' || typeof sid !== 'string') throw invalid();
      return { address: sub, sessionId: sid };
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof errors.JWTExpired) {
        throw new AppError('TOKEN_EXPIRED', 'the access token has expired: refresh the session', {
          cause: error,
        });
      }
      throw invalid(error);
    }
  }
}

function invalid(cause?: unknown): AppError {
  return new AppError('TOKEN_INVALID', 'the access token is not valid', { cause });
}
