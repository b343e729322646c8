import { hexToU8a, u8aToHex, u8aWrapBytes } from '@polkadot/util';
import { SiwsMessage } from '@talismn/siws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestService, type TestService } from '../../../test/support/startTestService.js';
import { testPair } from '../../../test/support/testPair.js';
import {
  ACCESS_TOKEN_REFRESH_MARGIN_MS,
  createLivestreamClient,
  LivestreamApiError,
  type RealtimeConnection,
  resumeSession,
  type SessionStorage,
  type SessionTokens,
  type SignInWallet,
  signIn,
  siwsMessage,
} from '../src/index.js';
import { EventRecorder } from './support/EventRecorder.js';

/** The test configuration's first sign-in domain (AUTH_DOMAINS' default outside production). */
const DOMAIN = 'localhost:3001';

/** A storage in memory that records what it was asked to keep. */
class RecordingStorage implements SessionStorage {
  tokens: SessionTokens | undefined;
  saves = 0;
  async load() {
    return this.tokens;
  }
  async save(tokens: SessionTokens) {
    this.saves++;
    this.tokens = tokens;
  }
  async clear() {
    this.tokens = undefined;
  }
}

async function failure(call: Promise<unknown>): Promise<LivestreamApiError> {
  const error = await call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LivestreamApiError);
  return error as LivestreamApiError;
}

describe('the SIWS message', () => {
  it('is the text @talismn/siws writes, with and without an expiry', () => {
    const fields = {
      domain: 'app.example.com',
      uri: 'https://app.example.com',
      address: testPair('sr25519', 'Alice').address,
      nonce: 'n0nce',
      statement: 'Sign in to Stardust Live',
      issuedAt: Date.now(),
    };
    expect(siwsMessage(fields)).toBe(new SiwsMessage(fields).prepareMessage());
    const expiring = { ...fields, statement: 'Hi', expirationTime: fields.issuedAt + 3_600_000 };
    expect(siwsMessage(expiring)).toBe(new SiwsMessage(expiring).prepareMessage());
    expect(() => siwsMessage({ ...fields, statement: 'two\nlines' })).toThrow(TypeError);
  });
});

describe('signing in with the client against the server', () => {
  let service: TestService;
  const open: RealtimeConnection[] = [];
  /** Moves the session's clock ahead of the real one (the server still checks with its own). */
  let skewMs = 0;
  const now = () => Date.now() + skewMs;

  beforeAll(async () => {
    service = await startTestService();
  });
  afterEach(() => {
    skewMs = 0;
    for (const connection of open.splice(0)) connection.close();
  });
  afterAll(() => service?.close());

  const options = (wallet: SignInWallet, storage?: SessionStorage) => ({
    baseUrl: service.url,
    domain: DOMAIN,
    uri: `http://${DOMAIN}`,
    now,
    ...wallet,
    ...(storage ? { storage } : {}),
  });

  it('signs in with a keyring pair; token calls then carry the session, without a signature each', async () => {
    const pair = testPair('sr25519', 'SessionKeyring');
    const storage = new RecordingStorage();
    const session = await signIn(options({ pair }, storage));
    expect(session.address).toBe(pair.address);
    expect(storage.tokens?.address).toBe(pair.address);
    // Nothing secret when the session is logged or serialized.
    expect(JSON.stringify(session)).not.toContain(storage.tokens?.refreshToken);
    const client = createLivestreamClient({ baseUrl: service.url, session });
    expect(client.address).toBe(pair.address);
    expect(await client.viewerToken(0)).toMatchObject({ identity: pair.address, role: 'viewer' });
    await client.viewerLeave(0);
  });

  it("signs in through an extension's signRaw (the <Bytes>-wrapped text)", async () => {
    const pair = testPair('ed25519', 'SessionExtension');
    const signRaw = async ({ data }: { address: string; data: string }) => ({
      signature: u8aToHex(pair.sign(u8aWrapBytes(hexToU8a(data)))),
    });
    const session = await signIn(options({ address: pair.address, signRaw }));
    expect(await createLivestreamClient({ baseUrl: service.url, session }).viewerToken(0)).toMatchObject({
      identity: pair.address,
    });
  });

  it('refuses a domain the server does not accept, with the typed error', async () => {
    const error = await failure(
      signIn({ ...options({ pair: testPair('sr25519', 'SessionDomain') }), domain: 'evil.example' }),
    );
    expect(error.code).toBe('SIWS_DOMAIN_MISMATCH');
    expect(error.status).toBe(401);
  });

  it('refreshes an access token about to expire, once for concurrent calls, keeping only the newest pair', async () => {
    const storage = new RecordingStorage();
    const session = await signIn(options({ pair: testPair('sr25519', 'SessionRefresh') }, storage));
    const first = storage.tokens as SessionTokens;
    expect(await session.accessToken()).toBe(first.accessToken);

    skewMs = first.accessTokenExpiresAt - Date.now() - ACCESS_TOKEN_REFRESH_MARGIN_MS + 1;
    const tokens = await Promise.all([session.accessToken(), session.accessToken(), session.refresh()]);
    // One rotation (an access token made in the same second for the same session may read the same).
    expect(new Set(tokens).size).toBe(1);
    expect(storage.saves).toBe(2);
    expect(storage.tokens?.refreshToken).not.toBe(first.refreshToken);
    const client = createLivestreamClient({ baseUrl: service.url, session });
    expect(await client.viewerToken(0)).toMatchObject({ identity: session.address });

    // The rotated-away refresh token, presented by someone else, ends the session for everyone.
    const reuse = await fetch(`${service.url}/api/livestream/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: first.refreshToken }),
    });
    expect(reuse.status).toBe(401);
    const ended: string[] = [];
    session.onSignedOut(() => ended.push('ended'));
    expect((await failure(session.refresh())).code).toBe('SESSION_REVOKED');
    expect(session.signedIn).toBe(false);
    expect(ended).toEqual(['ended']);
    expect(storage.tokens).toBeUndefined();
    expect((await failure(client.viewerToken(0))).code).toBe('SIGNED_OUT');
  });

  it('refreshes once and retries when the server refuses the access token (401)', async () => {
    const storage = new RecordingStorage();
    const signedIn = await signIn(options({ pair: testPair('sr25519', 'SessionRetry') }, storage));
    // As kept by an app whose access token the server no longer takes (e.g. its secret changed).
    storage.tokens = { ...(storage.tokens as SessionTokens), accessToken: 'not-a-token' };
    const session = await resumeSession({ baseUrl: service.url, storage, now });
    expect(session?.address).toBe(signedIn.address);
    const client = createLivestreamClient({
      baseUrl: service.url,
      session: session as NonNullable<typeof session>,
    });
    expect(await client.viewerToken(0)).toMatchObject({ identity: signedIn.address });
    expect(storage.saves).toBe(2);
    expect(storage.tokens?.accessToken).not.toBe('not-a-token');
  });

  it('resumes nothing from an empty storage or one whose refresh token expired', async () => {
    const storage = new RecordingStorage();
    expect(await resumeSession({ baseUrl: service.url, storage })).toBeUndefined();
    await signIn(options({ pair: testPair('sr25519', 'SessionExpired') }, storage));
    skewMs = (storage.tokens as SessionTokens).refreshTokenExpiresAt - Date.now();
    expect(await resumeSession({ baseUrl: service.url, storage, now })).toBeUndefined();
    expect(storage.tokens).toBeUndefined();
  });

  it('signs out: the server refuses the session’s tokens at once, and the client says SIGNED_OUT', async () => {
    const storage = new RecordingStorage();
    const session = await signIn(options({ pair: testPair('sr25519', 'SessionSignOut') }, storage));
    const accessToken = await session.accessToken();
    await session.signOut();
    await session.signOut();
    expect(storage.tokens).toBeUndefined();
    const refused = await fetch(`${service.url}/api/livestream/viewer-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ roomId: 0 }),
    });
    expect(refused.status).toBe(401);
    expect((await failure(session.accessToken())).code).toBe('SIGNED_OUT');
  });

  it('authenticates the realtime connection with the access token, and again with a fresh one after a reconnect', async () => {
    const storage = new RecordingStorage();
    const session = await signIn(options({ pair: testPair('sr25519', 'SessionRealtime') }, storage));
    const connection = createLivestreamClient({ baseUrl: service.url, session, WebSocket }).connect({
      backoff: { initialMs: 10, maxMs: 50 },
    });
    open.push(connection);
    const recorder = new EventRecorder(connection, ['auth:ok', 'state', 'viewers:count']);
    const joined = await connection.join(0);
    expect(await recorder.next('auth:ok')).toMatchObject({ address: session.address });
    expect(joined.viewers).toBeGreaterThanOrEqual(1);

    // The access token is about to expire when the server drops the connection: the client signs
    // in again with a refreshed one.
    const first = storage.tokens as SessionTokens;
    skewMs = first.accessTokenExpiresAt - Date.now() - ACCESS_TOKEN_REFRESH_MARGIN_MS + 1;
    for (const conn of service.hub.connections()) conn.socket.terminate();
    await recorder.next('state', (s) => s.state === 'reconnecting');
    expect(await recorder.next('auth:ok')).toMatchObject({ address: session.address });
    await recorder.next('state', (s) => s.state === 'open');
    expect(storage.saves).toBe(2);
    expect(storage.tokens?.refreshToken).not.toBe(first.refreshToken);
  });

  it('signs in again on the socket with a refreshed token when the server refuses the kept one', async () => {
    const storage = new RecordingStorage();
    await signIn(options({ pair: testPair('sr25519', 'SessionRealtimeRetry') }, storage));
    storage.tokens = { ...(storage.tokens as SessionTokens), accessToken: 'not-a-token' };
    const session = await resumeSession({ baseUrl: service.url, storage, now });
    const connection = createLivestreamClient({
      baseUrl: service.url,
      session: session as NonNullable<typeof session>,
      WebSocket,
    }).connect();
    open.push(connection);
    const recorder = new EventRecorder(connection, ['auth:ok', 'error']);
    await connection.join(0);
    expect(await recorder.next('auth:ok')).toMatchObject({ address: session?.address });
    expect(storage.saves).toBe(2);
  });
});
