import { deflateSync, gzipSync } from 'node:zlib';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestSigner } from '../test/support/RequestSigner.js';
import { testPair } from '../test/support/testPair.js';
import { reportFigure } from './support/reportFigure.js';
import { sendRawRequest } from './support/sendRawRequest.js';
import { type ServerProcess, startServerProcess } from './support/startServerProcess.js';

/** Other spellings of room 0: none of them may be read as room 0. */
const NON_CANONICAL_ROOM_IDS = ['00000', '00', '+0', '-0', '0.0', '0e0', '0x0', '%200', '0%20', '０'];
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Issue 20 item 8: one canonical room id, a BOM before JSON, compressed bodies (decided and documented). */
describe('the forms a request may take', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    await cryptoWaitReady();
    server = await startServerProcess({ env: { LOG_LEVEL: 'warn' } });
  });
  afterAll(() => server?.stop('SIGKILL'));

  it('reads room 0 only as "0": every other spelling is 400', async () => {
    expect((await fetch(`${server.baseUrl}/api/livestream/room/0`)).status).toBe(200);
    const accepted: string[] = [];
    for (const id of NON_CANONICAL_ROOM_IDS) {
      const outcome = await sendRawRequest(server.baseUrl, {
        method: 'GET',
        path: `/api/livestream/room/${encodeURI(id).replace(/%25/g, '%')}`,
      });
      if (!('status' in outcome) || outcome.status !== 400) {
        accepted.push(`${id}: ${'status' in outcome ? outcome.status : outcome.error}`);
      }
    }
    reportFigure({
      name: 'non-canonical room ids not answered 400',
      value: accepted.length,
      unit: `of ${NON_CANONICAL_ROOM_IDS.length}`,
      goal: '0',
      met: accepted.length === 0,
    });
    expect(accepted).toEqual([]);
  });

  it('treats a JSON body with a leading byte order mark as the same body (RFC 8259 §8.1)', async () => {
    const signer = new RequestSigner();
    const alice = testPair('sr25519', 'Alice');
    const body = Buffer.from(JSON.stringify(signer.sign(alice, 0, { field: 'publicKey' })));
    const withBom = await sendRawRequest(server.baseUrl, {
      method: 'POST',
      path: '/api/livestream/publisher-token',
      headers: { 'content-type': 'application/json' },
      body: Buffer.concat([UTF8_BOM, body]),
    });
    expect('status' in withBom && withBom.status).toBe(200);
    // The same bytes again are the same signed message: a BOM does not make a replay new.
    const again = await sendRawRequest(server.baseUrl, {
      method: 'POST',
      path: '/api/livestream/publisher-token',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect('status' in again && again.status).toBe(401);
  });

  it('refuses compressed bodies with 415, whatever the encoding', async () => {
    const signer = new RequestSigner();
    const alice = testPair('sr25519', 'Alice');
    const encodings = [
      ['gzip', gzipSync],
      ['deflate', deflateSync],
      ['x-gzip', gzipSync],
    ] as const;
    const statuses: number[] = [];
    for (const [encoding, compress] of encodings) {
      const outcome = await sendRawRequest(server.baseUrl, {
        method: 'POST',
        path: '/api/livestream/publisher-token',
        headers: { 'content-type': 'application/json', 'content-encoding': encoding },
        body: compress(JSON.stringify(signer.sign(alice, 0, { field: 'publicKey' }))),
      });
      statuses.push('status' in outcome ? outcome.status : 0);
    }
    expect(statuses).toEqual([415, 415, 415]);
  });
});
