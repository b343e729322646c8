import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_RATE_LIMIT_ACCOUNT_MAX_REQUESTS,
  DEFAULT_RATE_LIMIT_SIGNATURE_FAILURES,
} from '../src/config/configDefaults.js';
import { type AddressField, RequestSigner } from '../test/support/RequestSigner.js';
import { testPair } from '../test/support/testPair.js';
import { reportFigure } from './support/reportFigure.js';
import { type ServerProcess, startServerProcess } from './support/startServerProcess.js';

/**
 * More junk than Alice's account budget, fewer than the IP's failed-signature budget: attacker and
 * Alice share the loopback address here, and that budget rightly stops the attacker's IP.
 */
const JUNK_REQUESTS = DEFAULT_RATE_LIMIT_ACCOUNT_MAX_REQUESTS + 4;
const ENDPOINTS: { path: string; field: AddressField }[] = [
  { path: '/api/livestream/publisher-token', field: 'publicKey' },
  { path: '/api/livestream/viewer-token', field: 'viewerAddress' },
  { path: '/api/livestream/co-host-token', field: 'coHostAddress' },
  { path: '/api/livestream/viewer-leave', field: 'viewerAddress' },
];

/** Issue 20 item 1: anyone could lock any account out with junk signatures in its name. */
describe('junk signatures in an account’s name (default budgets)', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    expect(JUNK_REQUESTS).toBeLessThan(DEFAULT_RATE_LIMIT_SIGNATURE_FAILURES);
    await cryptoWaitReady();
    server = await startServerProcess({
      env: {
        LOG_LEVEL: 'warn',
        RATE_LIMIT_ACCOUNT_MAX: undefined,
        RATE_LIMIT_SIGNATURE_FAILURES: undefined,
        RATE_LIMIT_IP_MAX: undefined,
      },
    });
  });
  afterAll(() => server?.stop('SIGKILL'));

  it('do not make the account’s own valid request 429', async () => {
    const alice = testPair('sr25519', 'Alice');
    const signer = new RequestSigner();
    const post = (path: string, body: unknown) =>
      fetch(`${server.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const junkStatuses: number[] = [];
    for (let i = 0; i < JUNK_REQUESTS; i++) {
      const endpoint = ENDPOINTS[i % ENDPOINTS.length] as (typeof ENDPOINTS)[number];
      const body = {
        ...signer.sign(alice, 0, { field: endpoint.field }),
        signature: `0x${'ab'.repeat(64)}`,
      };
      junkStatuses.push((await post(endpoint.path, body)).status);
    }
    expect(new Set(junkStatuses)).toEqual(new Set([401]));

    const own = await post('/api/livestream/publisher-token', signer.sign(alice, 0, { field: 'publicKey' }));
    reportFigure({
      name: `account lockout: Alice's valid request after ${JUNK_REQUESTS} junk signatures in her name`,
      value: own.status,
      unit: 'HTTP status',
      goal: '200',
      met: own.status === 200,
    });
    expect(own.status).toBe(200);
    // Her budget was spent by her one verified request only.
    expect(own.headers.get('ratelimit')).toContain(
      `remaining=${DEFAULT_RATE_LIMIT_ACCOUNT_MAX_REQUESTS - 1}`,
    );
  });
});
