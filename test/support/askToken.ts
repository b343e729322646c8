import type { KeyringPair } from '@polkadot/keyring/types';
import type { RequestSigner } from './RequestSigner.js';

export type TokenEndpoint = 'publisher-token' | 'viewer-token' | 'co-host-token';

/** The field each token endpoint takes the caller's address in. */
const ADDRESS_FIELD = {
  'publisher-token': 'publicKey',
  'viewer-token': 'viewerAddress',
  'co-host-token': 'coHostAddress',
} as const;

export interface TokenBody {
  token: string;
  roomName: string;
  identity: string;
  role: string;
  error?: { code: string };
}

/** Asks the service at `url` for a LiveKit token for `who` in the room, signed as the app signs. */
export async function askToken(
  url: string,
  signer: RequestSigner,
  endpoint: TokenEndpoint,
  who: KeyringPair,
  roomId: number,
  extra: Record<string, unknown> = {},
): Promise<{ status: number; body: TokenBody }> {
  const response = await fetch(`${url}/api/livestream/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(signer.sign(who, roomId, { field: ADDRESS_FIELD[endpoint], extra })),
  });
  return { status: response.status, body: (await response.json()) as TokenBody };
}
