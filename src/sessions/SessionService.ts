import type { KeyObject } from 'node:crypto';
import { type Account, parseAccount } from '../auth/parseAccount.js';
import { AppError } from '../errors/AppError.js';
import type { AccessTokens } from './AccessTokens.js';
import { makeRefreshToken, newSessionId, readRefreshToken } from './refreshTokens.js';
import type { SessionStore } from './SessionStore.js';
import type { SiwsAuthenticator, SiwsSignIn } from './SiwsAuthenticator.js';
import type { IssuedNonce, SiwsNonces } from './SiwsNonces.js';

const MS_PER_SECOND = 1000;

/** What login and refresh answer. */
export interface SessionTokens {
  tokenType: 'Bearer';
  accessToken: string;
  /** ms since the epoch. */
  accessTokenExpiresAt: number;
  /** Single use: each refresh answers a new one; presenting an old one ends the session. */
  refreshToken: string;
  refreshTokenExpiresAt: number;
  /** SS58 (prefix 42) of the signed-in account. */
  address: string;
}

export interface SessionServiceOptions {
  siws: SiwsAuthenticator;
  nonces: SiwsNonces;
  accessTokens: AccessTokens;
  refreshKey: KeyObject;
  store: SessionStore;
  refreshTtlSeconds: number;
  now?: () => number;
}

/**
 * Sign-In with Substrate sessions: one wallet signature buys a short-lived access token and a
 * rotating refresh token (OAuth 2.0 Security BCP §4.14: refresh-token rotation with reuse detection).
 */
export class SessionService {
  readonly #options: SessionServiceOptions;
  readonly #now: () => number;

  constructor(options: SessionServiceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get storeKind(): SessionStore['kind'] {
    return this.#options.store.kind;
  }

  nonce(): IssuedNonce {
    return this.#options.nonces.issue();
  }

  /** The account that signed a SIWS message (its nonce is spent); `start` then opens its session. */
  verifySignIn(signIn: SiwsSignIn): Promise<Account> {
    return this.#options.siws.authenticate(signIn);
  }

  async login(signIn: SiwsSignIn): Promise<SessionTokens> {
    return this.start(await this.verifySignIn(signIn));
  }

  async start(account: Account): Promise<SessionTokens> {
    const sessionId = newSessionId();
    await this.#options.store.create(sessionId, account.address, this.#refreshTtlMs());
    return this.#tokens(sessionId, 0, account.address);
  }

  async refresh(refreshToken: string): Promise<SessionTokens> {
    const parts = this.#readRefreshToken(refreshToken);
    const result = await this.#options.store.rotate(parts.sessionId, parts.generation, this.#refreshTtlMs());
    switch (result.outcome) {
      case 'rotated':
        return this.#tokens(parts.sessionId, result.generation, result.address);
      case 'reused':
        throw new AppError(
          'REFRESH_TOKEN_REUSED',
          'this refresh token was already used; the session has been revoked: sign in again',
        );
      default:
        throw sessionEnded();
    }
  }

  /** Ends the session of a refresh token; ending an ended session is fine. */
  async logout(refreshToken: string): Promise<void> {
    await this.#options.store.revoke(this.#readRefreshToken(refreshToken).sessionId);
  }

  /** Ends the session an access token belongs to. */
  async logoutWithAccessToken(accessToken: string): Promise<void> {
    const { sessionId } = await this.#options.accessTokens.verify(accessToken);
    await this.#options.store.revoke(sessionId);
  }

  /** The account of a valid access token whose session is still open. */
  async authenticate(accessToken: string): Promise<Account> {
    const claims = await this.#options.accessTokens.verify(accessToken);
    const account = parseAccount(claims.address);
    if (account === null) throw new AppError('TOKEN_INVALID', 'the access token is not valid');
    if (!(await this.#options.store.isActive(claims.sessionId))) throw sessionEnded();
    return account;
  }

  async #tokens(sessionId: string, generation: number, address: string): Promise<SessionTokens> {
    const access = await this.#options.accessTokens.issue({ address, sessionId });
    return {
      tokenType: 'Bearer',
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: makeRefreshToken(this.#options.refreshKey, { sessionId, generation }),
      refreshTokenExpiresAt: this.#now() + this.#refreshTtlMs(),
      address,
    };
  }

  #readRefreshToken(token: string) {
    const parts = readRefreshToken(this.#options.refreshKey, token);
    if (parts === null) throw new AppError('TOKEN_INVALID', 'the refresh token is not valid');
    return parts;
  }

  #refreshTtlMs(): number {
    return this.#options.refreshTtlSeconds * MS_PER_SECOND;
  }
}

function sessionEnded(): AppError {
  return new AppError(
    'SESSION_REVOKED',
    'the session has ended (logged out, revoked or expired): sign in again',
  );
}
