import { AccessToken } from 'livekit-server-sdk';
import { type CoHostMedia, grantsForRole, type LiveKitRole } from './grantsForRole.js';
import { livekitRoomName } from './livekitRoomName.js';

const MS_PER_SECOND = 1000;

export type TokenMinterOptions = {
  apiKey: string;
  apiSecret: string;
  /** LiveKit URL handed to clients (e.g. `wss://live.example.com`). */
  url: string;
  /** Join-token lifetime. Short on purpose: LiveKit refreshes tokens of connected clients. */
  ttlSeconds: number;
  /** Clock for `expiresAt`, in ms. The SDK stamps `nbf`/`exp` from the system clock. */
  now?: () => number;
};

export type MintRequest = {
  identity: string;
  name?: string;
  roomId: number;
  role: LiveKitRole;
  coHostMedia?: CoHostMedia;
};

/** The token response of DESIGN.md §4.2. */
export type MintedToken = {
  token: string;
  url: string;
  roomName: string;
  identity: string;
  /** When the token stops being accepted for a new connection, in ms since the epoch. */
  expiresAt: number;
};

/** Signs LiveKit join tokens (HS256, `iss` = API key) for the roles of DESIGN.md §4.2. */
export class TokenMinter {
  readonly #apiKey: string;
  readonly #apiSecret: string;
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
    this.#apiSecret = options.apiSecret;
    this.#url = options.url;
    this.#ttlSeconds = options.ttlSeconds;
    this.#now = options.now ?? Date.now;
  }

  async mint(request: MintRequest): Promise<MintedToken> {
    if (request.identity.length === 0) {
      throw new RangeError('identity must not be empty');
    }
    const roomName = livekitRoomName(request.roomId);
    // Read the clock before signing: the SDK's `exp` is then never earlier than `expiresAt`.
    const issuedAtSeconds = Math.floor(this.#now() / MS_PER_SECOND);
    const accessToken = new AccessToken(this.#apiKey, this.#apiSecret, {
      identity: request.identity,
      ttl: this.#ttlSeconds,
      ...(request.name === undefined ? {} : { name: request.name }),
    });
    accessToken.addGrant(grantsForRole(request.role, roomName, request.coHostMedia));
    const token = await accessToken.toJwt();
    return {
      token,
      url: this.#url,
      roomName,
      identity: request.identity,
      expiresAt: (issuedAtSeconds + this.#ttlSeconds) * MS_PER_SECOND,
    };
  }
}
