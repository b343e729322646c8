import { DEFAULT_REQUEST_TIMEOUT_MS, HttpApi } from './HttpApi.js';
import { Session, type SessionStorage, type SessionTokens } from './Session.js';
import {
  injectedSigner,
  type KeyringPairLike,
  keyringSigner,
  type Signer,
  type SignRawInjector,
} from './signers.js';
import { siwsMessage } from './siwsMessage.js';
import { type FetchLike, globalFetch } from './transport.js';

export const DEFAULT_SIGN_IN_STATEMENT = 'Sign in to Stardust Live';

interface ApiOptions {
  /** `http(s)://host:port` of the backend. */
  baseUrl: string;
  /** Where there is no global `fetch`. */
  fetch?: FetchLike;
  requestTimeoutMs?: number;
  /** Keeps the session's tokens across app starts (see `resumeSession`); default: memory only. */
  storage?: SessionStorage;
  /** The clock (ms since the epoch); tests pass their own. */
  now?: () => number;
}

/** Who signs the sign-in message: any `Signer`, a keyring pair, or an extension's `signRaw`. */
export type SignInWallet =
  | { signer: Signer }
  | { pair: KeyringPairLike }
  | { address: string; signRaw: NonNullable<SignRawInjector['signRaw']> };

export type SignInOptions = ApiOptions &
  SignInWallet & {
    /**
     * `host[:port]` the message names; must be one of the server's AUTH_DOMAINS. Default: the page's
     * host in a browser, else the host of `baseUrl` (a mobile app passes its own).
     */
    domain?: string;
    /** The app's URI, on `domain`. Default: the page's origin in a browser, else `baseUrl`'s origin. */
    uri?: string;
    /** The line the wallet shows. */
    statement?: string;
  };

/**
 * Signs in once with Sign-In with Substrate: a nonce from the server, the SIWS message signed by
 * the wallet (one prompt), then login. The session refreshes its access token by itself; pass it
 * as `session` to `createLivestreamClient`. Rejects with `LivestreamApiError` (`SIWS_DOMAIN_MISMATCH`,
 * `INVALID_SIGNATURE`, `NONCE_REUSED`, `RATE_LIMIT_EXCEEDED`, `NETWORK_ERROR`, …).
 */
export async function signIn(options: SignInOptions): Promise<Session> {
  const http = httpOf(options);
  const now = options.now ?? Date.now;
  const signer = signerOf(options);
  const origin = defaultOrigin(options.baseUrl);
  const { nonce } = await http.post<{ nonce: string }>('/auth/nonce', {});
  const message = siwsMessage({
    domain: options.domain ?? origin.host,
    uri: options.uri ?? origin.uri,
    address: signer.address,
    statement: options.statement ?? DEFAULT_SIGN_IN_STATEMENT,
    nonce,
    issuedAt: now(),
  });
  const signature = await signer.signText(message);
  const tokens = await http.post<SessionTokens>('/auth/login', { message, signature });
  await options.storage?.save(tokens);
  return sessionOf(http, tokens, options);
}

/**
 * The session kept in `storage` by an earlier `signIn`, or undefined when there is none or its
 * refresh token has expired (then sign in again).
 */
export async function resumeSession(
  options: ApiOptions & { storage: SessionStorage },
): Promise<Session | undefined> {
  const tokens = await options.storage.load();
  if (!tokens) return undefined;
  if (tokens.refreshTokenExpiresAt <= (options.now ?? Date.now)()) {
    await options.storage.clear();
    return undefined;
  }
  return sessionOf(httpOf(options), tokens, options);
}

function httpOf(options: ApiOptions): HttpApi {
  const fetchImpl = options.fetch ?? globalFetch();
  if (!fetchImpl) throw new TypeError('no global fetch: pass options.fetch');
  return new HttpApi({
    baseUrl: options.baseUrl,
    fetch: fetchImpl,
    timeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  });
}

function sessionOf(http: HttpApi, tokens: SessionTokens, options: ApiOptions): Session {
  return new Session({
    http,
    tokens,
    ...(options.storage ? { storage: options.storage } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}

function signerOf(wallet: SignInWallet): Signer {
  if ('signer' in wallet) return wallet.signer;
  if ('pair' in wallet) return keyringSigner(wallet.pair);
  return injectedSigner(wallet.address, { signRaw: wallet.signRaw });
}

/** The page's host and origin in a browser; elsewhere `baseUrl`'s (by hand: React Native's URL is partial). */
function defaultOrigin(baseUrl: string): { host: string; uri: string } {
  const page = (globalThis as { location?: { host?: unknown; origin?: unknown } }).location;
  if (typeof page?.host === 'string' && page.host && typeof page.origin === 'string') {
    return { host: page.host, uri: page.origin };
  }
  const match = /^(https?):\/\/([^/?#]+)/i.exec(baseUrl.trim());
  if (!match) throw new TypeError(`baseUrl must be an http(s) URL, got ${JSON.stringify(baseUrl)}`);
  const [, scheme = '', host = ''] = match;
  return { host, uri: `${scheme.toLowerCase()}://${host}` };
}
