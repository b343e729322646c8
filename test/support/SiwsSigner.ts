import type { KeyringPair } from '@polkadot/keyring/types';
import { stringToU8a, u8aToHex, u8aWrapBytes } from '@polkadot/util';
import { SiwsMessage } from '@talismn/siws';
import request from 'supertest';
import type { SessionTokens } from '../../src/sessions/SessionService.js';

/** The test configuration's first sign-in domain (AUTH_DOMAINS default outside production). */
export const TEST_DOMAIN = 'localhost:3001';

export interface SiwsFields {
  domain?: string;
  uri?: string;
  issuedAt?: number;
  expirationTime?: number;
  notBefore?: number;
  statement?: string;
  /** The address written into the message; default the pair's. */
  address?: string;
}

/** A Sign-In with Substrate text as an app makes it with `@talismn/siws`. */
export function siwsText(pair: KeyringPair, nonce: string, fields: SiwsFields = {}): string {
  const domain = fields.domain ?? TEST_DOMAIN;
  // The library refuses to write an expired message; a client with a slow clock or a replayed old
  // text still produces one, so it is written with a placeholder expiry and then corrected.
  const expired = fields.expirationTime !== undefined && fields.expirationTime <= Date.now();
  const expirationTime = expired ? Date.now() + 60_000 : fields.expirationTime;
  const text = new SiwsMessage({
    domain,
    uri: fields.uri ?? `http://${domain}`,
    address: fields.address ?? pair.address,
    nonce,
    statement: fields.statement ?? 'Sign in to Stardust Live',
    issuedAt: fields.issuedAt ?? Date.now(),
    ...(expirationTime === undefined ? {} : { expirationTime }),
    ...(fields.notBefore === undefined ? {} : { notBefore: fields.notBefore }),
  }).prepareMessage();
  return expired && expirationTime !== undefined && fields.expirationTime !== undefined
    ? text.replace(
        `Expiration Time: ${new Date(expirationTime).toISOString()}`,
        `Expiration Time: ${new Date(fields.expirationTime).toISOString()}`,
      )
    : text;
}

/** Signs `text` as the mobile app (raw) or a browser extension (`<Bytes>`-wrapped) does. */
export function signText(pair: KeyringPair, text: string, wrapped = false): string {
  const bytes = stringToU8a(text);
  return u8aToHex(pair.sign(wrapped ? u8aWrapBytes(bytes) : bytes));
}

type Target = Parameters<typeof request>[0];

/** nonce → signed SIWS message → login, against a running API; fails the test on any other answer. */
export async function signIn(
  target: Target,
  pair: KeyringPair,
  options: { wrapped?: boolean; fields?: SiwsFields } = {},
): Promise<SessionTokens> {
  const nonce = await request(target).post('/api/livestream/auth/nonce').expect(200);
  const message = siwsText(pair, nonce.body.nonce as string, options.fields);
  const login = await request(target)
    .post('/api/livestream/auth/login')
    .send({ message, signature: signText(pair, message, options.wrapped) });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return login.body as SessionTokens;
}
