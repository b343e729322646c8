import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { type ClaimGrants, claimsToJwtPayload } from 'livekit-server-sdk';
import { grantsForRole, type LiveKitRole } from './grantsForRole.js';
import { livekitRoomName } from './livekitRoomName.js';
import { type CoHostMedia, DEFAULT_CO_HOST_MEDIA, STAGE_MEDIA_ATTRIBUTE } from './stagePermission.js';

const MS_PER_SECOND = 1000;

/** The JOSE header of every token, as the SDK's `AccessToken` writes it. */
const JWT_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url');

export type TokenMinterOptions = {
  apiKey: string;
  apiSecret: string;
  /** LiveKit URL handed to clients (e.g. `wss://live.example.com`). */
  url: string;
  /** Join-token lifetime. Short on purpose: LiveKit refreshes tokens of connected clients. */
  ttlSeconds: number;
  /** Clock in ms for `nbf`, `exp` and `expiresAt`; default Date.now. */
  now?: () => number;
};

export type MintRequest = {
  identity: string;
  /** The participant's display name in LiveKit (`name` claim). */
  name?: string;
  roomId: number;
  role: LiveKitRole;
  coHostMedia?: CoHostMedia;
};

/** The token response of the token endpoints. */
export type MintedToken = {
  token: string;
  url: string;
  roomName: string;
  identity: string;
  /** The role granted, which the chain decides (a host asking for a viewer token gets `publisher`). */
  role: LiveKitRole;
  /** When the token stops being accepted for a new connection, in ms since the epoch. */
  expiresAt: number;
};

/** Signs LiveKit join tokens (HS256, `iss` = API key) for publisher, viewer and co-host. */
export class TokenMinter {
  readonly #apiKey: string;
  /** The HMAC key, built once: the SDK's `toJwt` builds one per token. */
  readonly #signingKey: KeyObject;
  readonly #url: string;
  readonly #ttlSeconds: number;
  readonly #now: () => number;

  constructor(options: TokenMinterOptions) {
    if (options.apiKey.length === 0 || options.apiSecret.length === 0) {
      throw new RangeError('LiveKit apiKey and apiSecret must not be empty');
    }
    if (!Number.isSafeInteger(options.ttlSeconds) || options.ttlSeconds <= 0) {
      throw new RangeError(`ttlSeconds must be a positive integer, got ${options.ttlSeconds}`);
    }
    this.#apiKey = options.apiKey;
    this.#signingKey = createSecretKey(Buffer.from(options.apiSecret, 'utf8'));
    this.#url = options.url;
    this.#ttlSeconds = options.ttlSeconds;
    this.#now = options.now ?? Date.now;
  }

  async mint(request: MintRequest): Promise<MintedToken> {
    if (request.identity.length === 0) {
      throw new RangeError('identity must not be empty');
    }
    const roomName = livekitRoomName(request.roomId);
    const issuedAtSeconds = Math.floor(this.#now() / MS_PER_SECOND);
    const expiresAtSeconds = issuedAtSeconds + this.#ttlSeconds;
    const media = request.coHostMedia ?? DEFAULT_CO_HOST_MEDIA;
    const grants: ClaimGrants = {
      video: grantsForRole(request.role, roomName, media),
      ...(request.name === undefined ? {} : { name: request.name }),
      // Promotion in place reads it back to keep what this token asked for (stagePermission.ts).
      ...(request.role === 'coHost' ? { attributes: { [STAGE_MEDIA_ATTRIBUTE]: media } } : {}),
    };
    // The claims of the SDK's `AccessToken.toJwt` (test/livekit/TokenMinter.test.ts compares the
    // two), signed here: the SDK's jose path costs ~25 µs a token, this ~10 µs (bench/micro/tokenMint.bench.ts).
    const payload = Object.assign(claimsToJwtPayload(grants), {
      iss: this.#apiKey,
      sub: request.identity,
      nbf: issuedAtSeconds,
      exp: expiresAtSeconds,
    });
    const signingInput = `${JWT_HEADER}.${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')}`;
    const signature = createHmac('sha256', this.#signingKey).update(signingInput).digest('base64url');
    const token = `${signingInput}.${signature}`;
    return {
      token,
      url: this.#url,
      roomName,
      identity: request.identity,
      role: request.role,
      expiresAt: expiresAtSeconds * MS_PER_SECOND,
    };
  }
}
