import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDevChain, startDevChain } from '../../src/devchain/startDevChain.js';

describe('JSON-RPC over HTTP POST and the node-info methods', () => {
  let dev: RunningDevChain;
  const post = (body: string) =>
    fetch(dev.url.replace('ws://', 'http://'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
  const rpc = async (method: string, params: unknown[] = []) =>
    (await (await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }))).json()) as {
      result?: unknown;
      error?: { code: number };
    };

  beforeAll(async () => {
    dev = await startDevChain({ port: 0 });
  });

  afterAll(async () => {
    await dev?.close();
  });

  it('answers calls and batches over HTTP POST on the WebSocket port', async () => {
    expect((await rpc('chain_getBlockHash', [0])).result).toBe(dev.chain.genesisHash);
    const batch = (await (
      await post(
        JSON.stringify([
          { jsonrpc: '2.0', id: 1, method: 'system_chain', params: [] },
          { jsonrpc: '2.0', id: 2, method: 'chainSpec_v1_genesisHash', params: [] },
        ]),
      )
    ).json()) as { result: unknown }[];
    expect(batch.map((r) => r.result)).toEqual(['Stardust Development', dev.chain.genesisHash]);
  });

  it('refuses subscriptions over HTTP, unparsable bodies, other verbs and oversized bodies', async () => {
    expect((await rpc('chain_subscribeNewHeads')).error?.code).toBe(-32601);
    expect(((await (await post('{')).json()) as { error: { code: number } }).error.code).toBe(-32700);
    expect((await fetch(dev.url.replace('ws://', 'http://'))).status).toBe(405);
    expect((await post(`"${'x'.repeat(5 * 1024 * 1024)}"`).catch(() => ({ status: 413 }))).status).toBe(413);
  });

  it('answers system_localPeerId, system_nodeRoles and system_syncState as a dev node', async () => {
    expect((await rpc('system_localPeerId')).result).toMatch(/^12D3KooW/);
    expect((await rpc('system_nodeRoles')).result).toEqual(['Authority']);
    const head = (await dev.chain.produceBlock()).number;
    expect((await rpc('system_syncState')).result).toEqual({
      startingBlock: 0,
      currentBlock: head,
      highestBlock: head,
    });
  });
});
