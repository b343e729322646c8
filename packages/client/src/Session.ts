import type { HttpApi } from './HttpApi.js';
import { LivestreamApiError } from './LivestreamApiError.js';
import type { SessionCredentials } from './signers.js';

/**
 * An access token is refreshed when it has less than this left: a call made with it still arrives
 * in time, and a client clock a little ahead of the server's does not matter.
 */
export const ACCESS_TOKEN_REFRESH_MARGIN_MS = 60_000;
/** HTTP statuses of `/auth/refresh` that end the session (reused, revoked, expired or unknown token). */
const SESSION_ENDING_STATUS = 401;

/** What `/auth/login` and `/auth/refresh` answer. */
export interface SessionTokens {
  tokenType: 'Bearer';
  accessToken: string;
  /** ms since the epoch. */
  accessTokenExpiresAt: number;
  /** Single use: each refresh answers a new one, and presenting an old one ends the session. */
  refreshToken: string;
  refreshTokenExpiresAt: number;
  /** SS58 (prefix 42) of the signed-in account. */
  address: string;
}

/**
 * Where a session's tokens are kept between app starts (e.g. the Keychain through
 * `expo-secure-store`, or `localStorage` on the web, which any script of the page can read). The
 * newest pair is saved after each rotation; only the newest refresh token works.
 */
export interface SessionStorage {
  load(): Promise<SessionTokens | undefined>;
  save(tokens: SessionTokens): Promise<void>;
  clear(): Promise<void>;
}

export interface SessionOptions {
  /** The API (`/auth/refresh`, `/auth/logout`). */
  http: HttpApi;
  tokens: SessionTokens;
  storage?: SessionStorage;
  /** The clock (ms since the epoch); tests pass their own. */
  now?: () => number;
}

/**
 * A signed-in session (`signIn` or `resumeSession`): hands out access tokens, refreshing them before
 * they expire (one refresh at a time, however many calls ask), and keeps only the newest refresh
 * token. Pass it as `session` to `createLivestreamClient`. The tokens are private fields: logging or
 * serializing the session shows none of them.
 */
export class Session implements SessionCredentials {
  readonly address: string;
  readonly #http: HttpApi;
  readonly #storage: SessionStorage | undefined;
  readonly #now: () => number;
  readonly #endListeners = new Set<() => void>();
  #tokens: SessionTokens | undefined;
  #refreshing: Promise<string> | undefined;

  constructor(options: SessionOptions) {
    this.address = options.tokens.address;
    this.#http = options.http;
    this.#storage = options.storage;
    this.#now = options.now ?? Date.now;
    this.#tokens = options.tokens;
  }

  /** False once signed out, or once the server ended the session. */
  get signedIn(): boolean {
    return this.#tokens !== undefined;
  }

  /** A valid access token: the current one, or a new one when it is about to expire. */
  async accessToken(): Promise<string> {
    const tokens = this.#current();
    if (tokens.accessTokenExpiresAt - this.#now() > ACCESS_TOKEN_REFRESH_MARGIN_MS) return tokens.accessToken;
    return this.refresh();
  }

  /**
   * Rotates now (the client calls it once when the server refused an access token). Concurrent
   * calls share one rotation. Rejects with `SIGNED_OUT`, or the server's code when it ended the
   * session (`REFRESH_TOKEN_REUSED`, `SESSION_REVOKED`, …), after which `signedIn` is false.
   */
  refresh(): Promise<string> {
    this.#refreshing ??= this.#rotate().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /**
   * Ends the session here (at once, whatever the network does) and on the server, whose access
   * tokens for it stop working. Rejects only if the server could not be told (the refresh token is
   * forgotten here all the same, so the session just expires there).
   */
  async signOut(): Promise<void> {
    const tokens = this.#tokens;
    if (!tokens) return;
    await this.#end();
    try {
      await this.#http.post('/auth/logout', { refreshToken: tokens.refreshToken });
    } catch (error) {
      // Already ended there (revoked, rotated elsewhere): nothing is left to end.
      if (!(error instanceof LivestreamApiError && error.status === SESSION_ENDING_STATUS)) throw error;
    }
  }

  /** Told once when the session ends: signed out here, or ended by the server. */
  onSignedOut(listener: () => void): () => void {
    this.#endListeners.add(listener);
    return () => this.#endListeners.delete(listener);
  }

  #current(): SessionTokens {
    const tokens = this.#tokens;
    if (!tokens) throw new LivestreamApiError('SIGNED_OUT', 'the session has ended: sign in again');
    return tokens;
  }

  async #rotate(): Promise<string> {
    const used = this.#current();
    if (used.refreshTokenExpiresAt <= this.#now()) {
      await this.#end();
      throw new LivestreamApiError('SIGNED_OUT', 'the session has expired: sign in again');
    }
    // Another tab or process sharing the storage may have rotated already: its newer pair is this
    // session's too (refreshing with the old token would count as a reuse and end the session).
    const stored = await this.#storage?.load();
    if (
      stored &&
      stored.address === used.address &&
      stored.refreshToken !== used.refreshToken &&
      stored.accessTokenExpiresAt - this.#now() > ACCESS_TOKEN_REFRESH_MARGIN_MS
    ) {
      this.#tokens = stored;
      return stored.accessToken;
    }
    let next: SessionTokens;
    try {
      next = await this.#http.post<SessionTokens>('/auth/refresh', { refreshToken: used.refreshToken });
    } catch (error) {
      if (error instanceof LivestreamApiError && error.status === SESSION_ENDING_STATUS) await this.#end();
      throw error;
    }
    // Signed out while the refresh was on its way: the new pair is not kept.
    if (this.#tokens === undefined) throw new LivestreamApiError('SIGNED_OUT', 'signed out during a refresh');
    this.#tokens = next;
    await this.#storage?.save(next);
    return next.accessToken;
  }

  async #end(): Promise<void> {
    if (this.#tokens === undefined) return;
    this.#tokens = undefined;
    await this.#storage?.clear();
    for (const listener of [...this.#endListeners]) listener();
  }
}
