import { ApiPromise, WsProvider } from '@polkadot/api';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { Header } from '@polkadot/types/interfaces';
import { compactFromU8a, u8aToHex } from '@polkadot/util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_REQUEST_BYTES } from '../../src/devchain/DevChainServer.js';
import { MAX_BATCH_LENGTH } from '../../src/devchain/rpc/RpcDispatcher.js';
import { CHAIN_DISCONNECT_NOISE, expectConsoleNoise } from '../support/consoleNoise.js';
import { Collector } from './Collector.js';
import { account, livestream } from './livestreamCodecs.js';
import { storage, tx } from './polkadotAccess.js';
import { sendTx } from './sendTx.js';
import { type DevChainApi, startDevChainApi } from './startDevChainApi.js';

/** WsProvider's reconnect delay, shortened so reconnect tests take milliseconds, not 2.5 s. */
const AUTO_CONNECT_MS = 50;

interface JsonRpcReply {
  id?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** A plain `ws` client, to send frames @polkadot/api never would. */
class RawClient {
  readonly socket: WebSocket;
  readonly #replies = new Collector<JsonRpcReply | JsonRpcReply[]>();
  readonly closed: Promise<number>;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => this.#replies.push(JSON.parse(String(data))));
    this.closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  }

  static async open(url: string): Promise<RawClient> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** Sends a frame and waits for the next reply. */
  async send(frame: string | Buffer): Promise<JsonRpcReply | JsonRpcReply[]> {
    const index = this.#replies.values.length;
    const reply = this.#replies.next(() => this.#replies.values.length > index);
    this.socket.send(frame);
    return reply;
  }

  async call(method: string, params: unknown[] = [], id: unknown = 1): Promise<JsonRpcReply> {
    return (await this.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }))) as JsonRpcReply;
  }

  close(): void {
    this.socket.close();
  }
}

function once(api: ApiPromise, event: 'connected' | 'disconnected' | 'ready'): Promise<void> {
  return new Promise((resolve) => api.once(event, () => resolve()));
}

describe('DevChainServer', () => {
  let t: DevChainApi;

  beforeAll(async () => {
    t = await startDevChainApi({ seed: { kind: 'demo' } }, AUTO_CONNECT_MS);
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('connections', () => {
    it('drops every connection on demand; the api reconnects, resubscribes and queries again', async () => {
      expectConsoleNoise(CHAIN_DISCONNECT_NOISE);
      const heads = new Collector<Header>();
      const unsubscribe = await t.api.rpc.chain.subscribeFinalizedHeads(heads.push);
      await heads.next();
      const disconnected = once(t.api, 'disconnected');
      const connected = once(t.api, 'connected');
      t.dev.server.dropConnections();
      await disconnected;
      await connected;
      expect(t.api.isConnected).toBe(true);
      expect((await livestream(t.api).nextRoomId()).toNumber()).toBe(4);
      const block = await t.dev.chain.produceBlock();
      expect((await heads.next((h) => h.number.toNumber() === block.number)).hash.toHex()).toBe(block.hash);
      unsubscribe();
    });

    it('stops and starts again on the same port with the same chain: same genesis, same rooms', async () => {
      expectConsoleNoise(CHAIN_DISCONNECT_NOISE);
      const port = t.dev.server.port;
      const genesis = t.api.genesisHash.toHex();
      const room = (await livestream(t.api).liveRoom(0)).toHex();
      const disconnected = once(t.api, 'disconnected');
      await t.dev.server.stop();
      await disconnected;
      await expect(RawClient.open(t.dev.url)).rejects.toThrow(/ECONNREFUSED/);

      const connected = once(t.api, 'connected');
      await t.dev.server.start();
      await connected;
      expect(t.dev.server.port).toBe(port);
      expect((await t.api.rpc.chain.getBlockHash(0)).toHex()).toBe(genesis);
      expect((await livestream(t.api).liveRoom(0)).toHex()).toBe(room);

      const fresh = await ApiPromise.create({ provider: new WsProvider(t.dev.url), noInitWarn: true });
      expect(fresh.genesisHash.toHex()).toBe(genesis);
      expect((await livestream(fresh).liveRoom(3)).unwrap().host.toString()).toBe(
        t.dev.chain.pairs.Ferdie.address,
      );
      await fresh.disconnect();
    });
  });

  describe('malformed JSON-RPC', () => {
    let client: RawClient;

    beforeAll(async () => {
      client = await RawClient.open(t.dev.url);
    });

    afterAll(() => client?.close());

    it('answers unparsable JSON with -32700 and keeps serving the connection', async () => {
      const reply = (await client.send('{"jsonrpc":"2.0","id":1,"method":')) as JsonRpcReply;
      expect(reply).toMatchObject({ id: null, error: { code: -32700 } });
      expect(await client.call('system_chain')).toMatchObject({ id: 1, result: 'Stardust Development' });
    });

    it('answers requests without a method with -32600 and a non-array params with -32602', async () => {
      expect(await client.send(JSON.stringify({ jsonrpc: '2.0', id: 2 }))).toMatchObject({
        id: 2,
        error: { code: -32600 },
      });
      expect(await client.send('42')).toMatchObject({ error: { code: -32600 } });
      expect(
        await client.send(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'chain_getHeader', params: 'x' })),
      ).toMatchObject({ id: 3, error: { code: -32602 } });
    });

    it('answers an unknown method with -32601, echoing the id', async () => {
      expect(await client.call('livestream_getRooms', [], 'abc')).toMatchObject({
        id: 'abc',
        error: { code: -32601, message: 'Method not found' },
      });
    });

    it('answers bad parameters with -32602 (keys paged over the node limit, bad storage key, bad address)', async () => {
      expect(await client.call('state_getKeysPaged', ['0x', 1001])).toMatchObject({
        error: { code: -32602 },
      });
      expect(await client.call('state_getStorage', ['not hex'])).toMatchObject({ error: { code: -32602 } });
      expect(await client.call('system_accountNextIndex', ['nope'])).toMatchObject({
        error: { code: -32602 },
      });
    });

    it('answers a batch with an array, and refuses an empty or oversized batch', async () => {
      const batch = [
        { jsonrpc: '2.0', id: 1, method: 'system_chain', params: [] },
        { jsonrpc: '2.0', id: 2, method: 'nope', params: [] },
      ];
      const replies = (await client.send(JSON.stringify(batch))) as JsonRpcReply[];
      expect(replies).toHaveLength(2);
      expect(replies[0]).toMatchObject({ id: 1, result: 'Stardust Development' });
      expect(replies[1]).toMatchObject({ id: 2, error: { code: -32601 } });
      expect(await client.send('[]')).toMatchObject({ error: { code: -32600 } });
      const tooMany = Array.from({ length: MAX_BATCH_LENGTH + 1 }, (_, id) => ({
        jsonrpc: '2.0',
        id,
        method: 'system_chain',
      }));
      expect(await client.send(JSON.stringify(tooMany))).toMatchObject({ id: null, error: { code: -32600 } });
      expect(await client.call('system_name')).toMatchObject({ result: 'Stardust Dev Chain' });
    });

    it('notifies a raw watcher: ready, inBlock, then finalized once it read the block events', async () => {
      const watcher = await RawClient.open(t.dev.url);
      const signed = await tx(t.api, 'system', 'remark', '0x05').signAsync(t.dev.chain.pairs.Eve);
      const updates = new Collector<unknown>();
      watcher.socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { method?: string; params?: { result: unknown } };
        if (message.method === 'author_extrinsicUpdate') updates.push(message.params?.result);
      });
      const reply = await watcher.call('author_submitAndWatchExtrinsic', [signed.toHex()]);
      expect(typeof reply.result).toBe('string');
      const inBlock = (await updates.next((u) => typeof u === 'object')) as { inBlock: string };
      expect(updates.values).toEqual(['ready', inBlock]);
      const eventsKey = storage(t.api, 'system', 'events').key();
      await watcher.call('state_getStorage', [eventsKey, inBlock.inBlock]);
      expect(await updates.next((u) => typeof u === 'object' && u !== null && 'finalized' in u)).toEqual({
        finalized: inBlock.inBlock,
      });
      watcher.close();
    });

    it('closes a connection that sends a frame over the size limit; others are served', async () => {
      const victim = await RawClient.open(t.dev.url);
      victim.socket.send(`"${'x'.repeat(MAX_REQUEST_BYTES)}"`);
      expect(await victim.closed).toBe(1009);
      expect(await client.call('system_chain')).toMatchObject({ result: 'Stardust Development' });
      const next = await RawClient.open(t.dev.url);
      expect(await next.call('chain_getFinalizedHead')).toMatchObject({ result: t.dev.chain.finalized.hash });
      next.close();
    });
  });

  describe('invalid extrinsics', () => {
    let signer: KeyringPair;

    beforeAll(async () => {
      [signer] = (await t.fundedPairs('invalid', ['signer'])) as [KeyringPair];
    });

    /** What must not change when the pool refuses an extrinsic. */
    const snapshot = async () => ({
      head: t.dev.chain.head.number,
      account: (await account(t.api, signer.address)).toHex(),
      pending: (await t.api.rpc.author.pendingExtrinsics()).length,
    });

    const signedRemark = async (nonce: number) =>
      (await tx(t.api, 'system', 'remark', '0x0102').signAsync(signer, { nonce })).toU8a();

    it('refuses a bad signature with 1010 and changes nothing', async () => {
      expectConsoleNoise(/RPC-CORE: submitExtrinsic/);
      const bytes = await signedRemark((await t.api.rpc.system.accountNextIndex(signer.address)).toNumber());
      // compact length, version byte, MultiAddress::Id (1 + 32), MultiSignature variant (1), then 64 bytes.
      const [prefix] = compactFromU8a(bytes);
      const at = prefix + 1 + 33 + 1 + 10;
      bytes[at] = (bytes[at] ?? 0) ^ 0xff;
      const before = await snapshot();
      await expect(t.api.rpc.author.submitExtrinsic(u8aToHex(bytes))).rejects.toThrow(
        '1010: Invalid Transaction: Transaction has a bad signature',
      );
      expect(await snapshot()).toEqual(before);
    });

    it('refuses a stale nonce with 1010 (outdated), also through signAndSend', async () => {
      expectConsoleNoise(/RPC-CORE: submitExtrinsic/);
      await sendTx(t.api, tx(t.api, 'system', 'remark', '0x00'), signer);
      const before = await snapshot();
      await expect(t.api.rpc.author.submitExtrinsic(u8aToHex(await signedRemark(0)))).rejects.toThrow(
        '1010: Invalid Transaction: Transaction is outdated',
      );
      await expect(tx(t.api, 'system', 'remark', '0x00').signAndSend(signer, { nonce: 0 })).rejects.toThrow(
        /1010.*outdated/,
      );
      expect(await snapshot()).toEqual(before);
    });

    it('refuses undecodable bytes with 1002 and an unsigned call with 1011', async () => {
      const before = await snapshot();
      await expect(t.provider.send('author_submitExtrinsic', ['0x1234'])).rejects.toThrow(/1002/);
      const unsigned = tx(t.api, 'system', 'remark', '0x00').toHex();
      await expect(t.provider.send('author_submitExtrinsic', [unsigned])).rejects.toThrow(/1011/);
      await expect(t.provider.send('author_submitExtrinsic', ['not hex'])).rejects.toThrow(/-32602/);
      expect(await snapshot()).toEqual(before);
    });

    it('refuses the same extrinsic twice in the pool (1013) and its nonce again (1014)', async () => {
      expectConsoleNoise(/RPC-CORE: submitExtrinsic/);
      const nonce = (await t.api.rpc.system.accountNextIndex(signer.address)).toNumber();
      const first = u8aToHex(await signedRemark(nonce + 1));
      // nonce + 1 waits in the pool as a future extrinsic.
      await t.api.rpc.author.submitExtrinsic(first);
      await expect(t.api.rpc.author.submitExtrinsic(first)).rejects.toThrow(/1013/);
      const other = (
        await tx(t.api, 'system', 'remark', '0x09').signAsync(signer, { nonce: nonce + 1 })
      ).toHex();
      await expect(t.api.rpc.author.submitExtrinsic(other)).rejects.toThrow(/1014: Priority is too low/);
      // Filling the gap makes both ready: one block takes them in order.
      const result = await sendTx(t.api, tx(t.api, 'system', 'remark', '0x00'), signer);
      const block = await t.api.rpc.chain.getBlock(result.blockHash);
      expect(block.block.extrinsics.map((e) => e.nonce.toNumber()).slice(1)).toEqual([nonce, nonce + 1]);
    });

    it('keeps a future nonce waiting (status Future) until the gap is filled', async () => {
      const nonce = (await t.api.rpc.system.accountNextIndex(signer.address)).toNumber();
      const statuses = new Collector<string>();
      const unsubscribe = await tx(t.api, 'system', 'remark', '0x02').signAndSend(
        signer,
        { nonce: nonce + 1 },
        (r) => statuses.push(r.status.type),
      );
      await statuses.next((s) => s === 'Future');
      expect((await t.api.rpc.system.accountNextIndex(signer.address)).toNumber()).toBe(nonce);
      await sendTx(t.api, tx(t.api, 'system', 'remark', '0x01'), signer);
      await statuses.next((s) => s === 'InBlock');
      expect(statuses.values.slice(0, 3)).toEqual(['Future', 'Ready', 'InBlock']);
      expect((await t.api.rpc.system.accountNextIndex(signer.address)).toNumber()).toBe(nonce + 2);
      unsubscribe();
    });

    it('refuses an account that does not exist (1010, cannot pay fees)', async () => {
      expectConsoleNoise(/RPC-CORE: submitExtrinsic/);
      const ghost = t.dev.chain.pairs.Alice.derive('//ghost');
      const signed = await tx(t.api, 'system', 'remark', '0x00').signAsync(ghost, { nonce: 0 });
      await expect(t.api.rpc.author.submitExtrinsic(signed.toHex())).rejects.toThrow(
        /1010: Invalid Transaction: Inability to pay some fees/,
      );
    });
  });
});
