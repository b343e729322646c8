import type { KeyringPair } from '@polkadot/keyring/types';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SIGNATURE_MAX_AGE_MS } from '../src/config/configDefaults.js';
import { type AddressField, RequestSigner, type SignedRoomBody } from '../test/support/RequestSigner.js';
import { testPair } from '../test/support/testPair.js';
import { reliabilityScale } from './support/reliabilityScale.js';
import { reportFigure } from './support/reportFigure.js';
import { type ServerProcess, startServerProcess } from './support/startServerProcess.js';

/** Past the accepted clock difference, both ways, by this much. */
const EXPIRED_BY_MS = 1_000;

interface Endpoint {
  path: string;
  field: AddressField;
  /** Who may call it for room 0 of the demo seed. */
  caller: string;
}

const ENDPOINTS: Endpoint[] = [
  { path: '/api/livestream/publisher-token', field: 'publicKey', caller: 'Alice' },
  { path: '/api/livestream/viewer-token', field: 'viewerAddress', caller: 'Bob' },
  { path: '/api/livestream/co-host-token', field: 'coHostAddress', caller: 'Eve' },
  { path: '/api/livestream/viewer-leave', field: 'viewerAddress', caller: 'Charlie' },
];

describe('replayed and forged signed messages against the server process', () => {
  const { counts } = reliabilityScale();
  const signer = new RequestSigner();
  let server: ServerProcess;
  let mallory: KeyringPair;

  beforeAll(async () => {
    await cryptoWaitReady();
    mallory = testPair('sr25519', 'Mallory');
    server = await startServerProcess({ env: { LOG_LEVEL: 'warn' } });
  });
  afterAll(() => server?.stop('SIGKILL'));

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${server.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as { error?: { code: string } };
    return { status: response.status, code: answer.error?.code ?? 'ok' };
  };

  /** Sends each body and returns every status that was not 401, with its error code. */
  async function notRefused(path: string, bodies: readonly SignedRoomBody[]): Promise<string[]> {
    const wrong: string[] = [];
    for (const body of bodies) {
      const { status, code } = await post(path, body);
      if (status !== 401) wrong.push(`${status} ${code}`);
    }
    return wrong;
  }

  const attacks: {
    kind: string;
    bodies: (endpoint: Endpoint, pair: KeyringPair) => Promise<SignedRoomBody[]>;
  }[] = [
    {
      kind: 'replay',
      bodies: async (endpoint, pair) => {
        const body = signer.sign(pair, 0, { field: endpoint.field });
        // The first use is the caller's own; every copy after it is a replay.
        expect((await post(endpoint.path, body)).status).toBe(200);
        return Array.from({ length: counts.signedAttacksPerKind }, () => body);
      },
    },
    {
      kind: 'cross-signer',
      bodies: async (endpoint, pair) =>
        Array.from({ length: counts.signedAttacksPerKind }, () =>
          // Mallory's signature, sent in the caller's name.
          signer.sign(mallory, 0, { field: endpoint.field, address: pair.address }),
        ),
    },
    {
      kind: 'expired',
      bodies: async (endpoint, pair) =>
        Array.from({ length: counts.signedAttacksPerKind }, (_, i) => {
          const skew = DEFAULT_SIGNATURE_MAX_AGE_MS + EXPIRED_BY_MS + i;
          return signer.sign(pair, 0, {
            field: endpoint.field,
            timestamp: i % 2 === 0 ? Date.now() - skew : Date.now() + skew,
          });
        }),
    },
    {
      kind: 'cross-room',
      bodies: async (endpoint, pair) =>
        Array.from({ length: counts.signedAttacksPerKind }, () => ({
          // Signed for room 3, sent for room 0.
          ...signer.sign(pair, 3, { field: endpoint.field }),
          roomId: 0,
        })),
    },
  ];

  for (const attack of attacks) {
    it(`refuses ${attack.kind} signed messages with 401 on every signed endpoint, every time`, async () => {
      let sent = 0;
      const wrong: string[] = [];
      for (const endpoint of ENDPOINTS) {
        const bodies = await attack.bodies(endpoint, testPair('sr25519', endpoint.caller));
        sent += bodies.length;
        wrong.push(...(await notRefused(endpoint.path, bodies)).map((what) => `${endpoint.path}: ${what}`));
      }
      reportFigure({
        name: `${attack.kind} signed messages → not 401`,
        value: wrong.length,
        unit: `of ${sent}`,
        goal: '0',
        met: wrong.length === 0,
      });
      expect(wrong).toEqual([]);
    });
  }
});
