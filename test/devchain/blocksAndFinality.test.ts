import { Keyring } from '@polkadot/keyring';
import type { Header } from '@polkadot/types/interfaces';
import { u8aToHex } from '@polkadot/util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectConsoleNoise } from '../support/consoleNoise.js';
import { Collector } from './Collector.js';
import { livestream } from './livestreamCodecs.js';
import { storage, tx } from './polkadotAccess.js';
import { eventField, eventNames, sendTx } from './sendTx.js';
import { type DevChainApi, startDevChainApi } from './startDevChainApi.js';

describe('Blocks, finality and history through @polkadot/api', () => {
  let t: DevChainApi;

  beforeAll(async () => {
    t = await startDevChainApi();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('runs signAndSend from submit to Finalized: Ready, InBlock, Finalized; the nonce follows', async () => {
    const [who] = await t.fundedPairs('blocks', ['signer']);
    if (!who) throw new Error('no pair');
    const before = (await t.api.rpc.system.accountNextIndex(who.address)).toNumber();
    const result = await sendTx(t.api, tx(t.api, 'system', 'remarkWithEvent', 'hello'), who, 'Finalized');
    expect(result.statuses).toEqual(['Ready', 'InBlock', 'Finalized']);
    expect(eventNames(result.events)).toEqual([
      'balances.Withdraw',
      'system.Remarked',
      'transactionPayment.TransactionFeePaid',
      'system.ExtrinsicSuccess',
    ]);
    expect((await t.api.rpc.system.accountNextIndex(who.address)).toNumber()).toBe(before + 1);
    expect((await t.api.rpc.chain.getFinalizedHead()).toHex()).toBe(result.blockHash);

    const block = await t.api.rpc.chain.getBlock(result.blockHash);
    const [inherent, extrinsic] = block.block.extrinsics;
    expect(inherent?.method.method).toBe('set');
    expect(extrinsic?.signer.toString()).toBe(who.address);
    expect(extrinsic?.method.section).toBe('system');
    expect(extrinsic?.method.method).toBe('remarkWithEvent');
    expect(extrinsic?.nonce.toNumber()).toBe(before);
  });

  it('puts an Aura PreRuntime digest with the slot in every header; //Alice is the Aura and GRANDPA authority and the author', async () => {
    const block = await t.dev.chain.produceBlock();
    const header = await t.api.rpc.chain.getHeader(block.hash);
    const [log] = header.digest.logs;
    expect(header.digest.logs).toHaveLength(1);
    expect(log?.isPreRuntime).toBe(true);
    const [engine, data] = log?.asPreRuntime ?? [];
    expect(engine?.isAura).toBe(true);
    const at = await t.api.at(block.hash);
    const slot = t.api.registry.createType('u64', data).toNumber();
    const now = Number((await storage(at, 'timestamp', 'now')()).toString());
    expect(slot).toBe(Math.floor(now / 6000));
    expect((await storage(at, 'aura', 'currentSlot')()).toString()).toBe(String(slot));
    const authorities = (await storage(at, 'aura', 'authorities')()) as unknown as { toHex(): string }[];
    expect(authorities.map((a) => a.toHex())).toEqual([u8aToHex(t.dev.chain.pairs.Alice.publicKey)]);
    const alice = t.dev.chain.pairs.Alice.address;
    expect(engine?.extractAuthor(data as never, [alice] as never)?.toString()).toBe(alice);
    const grandpa = (await storage(at, 'grandpa', 'authorities')()).toJSON();
    const aliceEd25519 = new Keyring({ type: 'ed25519' }).addFromUri('//Alice').publicKey;
    expect(grandpa).toEqual([[u8aToHex(aliceEd25519), 1]]);
    expect(t.api.consts.aura?.slotDuration?.toString()).toBe('6000');
  });

  it('names //Alice the author in derive.chain.getHeader, through the one session validator and the Aura slot', async () => {
    const block = await t.dev.chain.produceBlock();
    const alice = t.dev.chain.pairs.Alice.address;
    const at = await t.api.at(block.hash);
    expect((await storage(at, 'session', 'validators')()).toJSON()).toEqual([alice]);
    expect((await storage(at, 'session', 'currentIndex')()).toString()).toBe('0');
    const header = await t.api.derive.chain.getHeader(block.hash);
    expect(header.author?.toString()).toBe(alice);
  });

  it('serves finalized heads: the current one at once, then each finalized block', async () => {
    const heads = new Collector<Header>();
    const unsubscribe = await t.api.rpc.chain.subscribeFinalizedHeads(heads.push);
    const current = t.dev.chain.finalized.number;
    expect((await heads.next()).number.toNumber()).toBe(current);
    await t.dev.chain.produceBlock();
    const next = await heads.next((h) => h.number.toNumber() === current + 1);
    expect(next.hash.toHex()).toBe(t.dev.chain.head.hash);
    unsubscribe();
  });

  describe('with finality by hand', () => {
    beforeAll(() => t.dev.chain.setAutoFinalize(false));
    afterAll(() => t.dev.chain.setAutoFinalize(true));

    it('skips numbers in the raw finalized stream while getBlockHash serves every block', async () => {
      const finalized = new Collector<number>();
      const best = new Collector<number>();
      const derived = new Collector<number>();
      const unsubscribes = [
        await t.api.rpc.chain.subscribeFinalizedHeads((h) => finalized.push(h.number.toNumber())),
        await t.api.rpc.chain.subscribeNewHeads((h) => best.push(h.number.toNumber())),
        await t.api.derive.chain.subscribeFinalizedHeads((h) => derived.push(h.number.toNumber())),
      ];
      const start = t.dev.chain.finalized.number;
      await finalized.next((n) => n === start);
      await derived.next((n) => n === start);

      for (let i = 0; i < 3; i++) await t.dev.chain.produceBlock();
      await best.next((n) => n === start + 3);
      expect((await t.api.rpc.chain.getFinalizedHead()).toHex()).toBe(t.dev.chain.finalized.hash);
      expect(t.dev.chain.finalized.number).toBe(start);

      t.dev.chain.finalize();
      await finalized.next((n) => n === start + 3);
      await derived.next((n) => n === start + 3);
      expect(finalized.values).toEqual([start, start + 3]);
      // The derive fills the gap by walking parent hashes, as a node's consumers must.
      expect(derived.values).toEqual([start, start + 1, start + 2, start + 3]);
      expect(best.values.filter((n) => n > start)).toEqual([start + 1, start + 2, start + 3]);

      let parent = (await t.api.rpc.chain.getBlockHash(start)).toHex();
      for (let n = start + 1; n <= start + 3; n++) {
        const hash = await t.api.rpc.chain.getBlockHash(n);
        expect(hash.isEmpty).toBe(false);
        const header = await t.api.rpc.chain.getHeader(hash);
        expect(header.number.toNumber()).toBe(n);
        expect(header.parentHash.toHex()).toBe(parent);
        expect(header.hash.toHex()).toBe(hash.toHex());
        parent = hash.toHex();
      }
      for (const unsubscribe of unsubscribes) unsubscribe();
    });

    it('reports InBlock for an extrinsic at once and Finalized only when its block is finalized', async () => {
      const alice = t.dev.chain.pairs.Alice;
      const statuses = new Collector<string>();
      const unsubscribe = await tx(t.api, 'system', 'remark', '0x01').signAndSend(alice, (r) =>
        statuses.push(r.status.type),
      );
      await statuses.next((s) => s === 'InBlock');
      await t.dev.chain.produceBlock();
      expect(statuses.values).toEqual(['Ready', 'InBlock']);
      t.dev.chain.finalize();
      await statuses.next((s) => s === 'Finalized');
      expect(statuses.values).toEqual(['Ready', 'InBlock', 'Finalized']);
      unsubscribe();
    });
  });

  it('signs a call and resolves included with the best block holding it, before finality', async () => {
    const chain = t.dev.chain;
    chain.setAutoFinalize(false);
    try {
      const extrinsic = chain.sign(chain.pairs.Alice, chain.call('system', 'remark', '0x02'));
      const hash = await chain.included(extrinsic);
      expect(hash).toBe(chain.head.hash);
      expect(chain.store.byHash(hash)?.extrinsics).toContain(extrinsic);
      expect(chain.finalized.number).toBeLessThan(chain.head.number);
    } finally {
      chain.setAutoFinalize(true);
    }
  });

  it('answers getBlockHash of a future number with the empty hash, and unknown blocks with 4003', async () => {
    expectConsoleNoise(/API\/INIT: Unable to retrieve header/);
    expect((await t.api.rpc.chain.getBlockHash(1_000_000)).isEmpty).toBe(true);
    const unknown = `0x${'ab'.repeat(32)}`;
    expect((await t.api.rpc.chain.getHeader.raw(unknown)) as unknown).toBeNull();
    const key = storage(t.api, 'livestream', 'nextRoomId').key();
    await expect(t.provider.send('state_getStorage', [key, unknown])).rejects.toThrow(/4003/);
    await expect(t.api.at(unknown)).rejects.toThrow();
  });

  describe('history', () => {
    it('reads old state and old events through api.at(hash)', async () => {
      const [host] = await t.fundedPairs('history', ['host']);
      if (!host) throw new Error('no pair');
      const created = await sendTx(
        t.api,
        tx(t.api, 'livestream', 'createRoom', 'Then', null, 'Normal', null, null),
        host,
      );
      const id = (await livestream(t.api).hostRoom(host.address)).unwrap().toNumber();
      await sendTx(t.api, tx(t.api, 'livestream', 'startLive', id), host);
      await sendTx(t.api, tx(t.api, 'livestream', 'updateRoom', id, 'Now', null, null), host);

      const then = await t.api.at(created.blockHash);
      const before = (await livestream(then).liveRoom(id)).unwrap();
      expect(before.status.type).toBe('Preparing');
      expect(before.title.toUtf8()).toBe('Then');
      const now = (await livestream(t.api).liveRoom(id)).unwrap();
      expect(now.status.type).toBe('Live');
      expect(now.title.toUtf8()).toBe('Now');
      const parent = await t.api.at((await t.api.rpc.chain.getHeader(created.blockHash)).parentHash);
      expect((await livestream(parent).liveRoom(id)).isNone).toBe(true);

      const records = (await storage(then, 'system', 'events')()) as unknown as {
        map<U>(fn: (r: (typeof created.events)[number]) => U): U[];
        find(
          fn: (r: (typeof created.events)[number]) => boolean,
        ): (typeof created.events)[number] | undefined;
      };
      expect(records.map((r) => r.phase.asApplyExtrinsic.toNumber())[0]).toBe(0);
      const roomCreated = records.find((r) => r.event.method === 'RoomCreated');
      if (!roomCreated) throw new Error('no RoomCreated at that block');
      expect(roomCreated.phase.asApplyExtrinsic.toNumber()).toBe(created.index);
      expect(eventField(roomCreated, 'roomId').toString()).toBe(String(id));
    });

    it('pages keys with state_getKeysPaged at an old block, including keys deleted since', async () => {
      const hosts = await t.fundedPairs('paging', ['a', 'b', 'c', 'd']);
      const [a, b, c, d] = hosts;
      if (!a || !b || !c || !d) throw new Error('no pairs');
      for (const host of [a, b, c]) {
        await sendTx(t.api, tx(t.api, 'livestream', 'createRoom', 'R', null, 'Normal', null, null), host);
      }
      const old = (await t.api.rpc.chain.getFinalizedHead()).toHex();
      const idOf = async (who: string) => (await livestream(t.api).hostRoom(who)).unwrap().toNumber();
      const bRoom = await idOf(b.address);
      await sendTx(t.api, tx(t.api, 'livestream', 'startLive', bRoom), b);
      await sendTx(t.api, tx(t.api, 'livestream', 'endLive', bRoom), b);
      await sendTx(t.api, tx(t.api, 'livestream', 'createRoom', 'R', null, 'Normal', null, null), d);

      const hostRoom = storage(t.api, 'livestream', 'hostRoom');
      const prefix = hostRoom.keyPrefix();
      const paged: string[] = [];
      let startKey: string | undefined = prefix;
      for (;;) {
        const page: string[] = (await t.api.rpc.state.getKeysPaged(prefix, 1, startKey, old)).map((k) =>
          k.toHex(),
        );
        if (page.length === 0) break;
        paged.push(...page);
        startKey = page[page.length - 1];
      }
      const expected = [a, b, c].map((p) => hostRoom.key(p.address)).sort();
      expect(paged.filter((k) => expected.includes(k))).toEqual(expected);
      expect(paged).not.toContain(hostRoom.key(d.address));
      expect([...paged].sort()).toEqual(paged);

      const atOld = await t.api.at(old);
      const oldKeys = (await storage(atOld, 'livestream', 'hostRoom').keys()).map((k) => k.toHex()).sort();
      expect(oldKeys).toEqual([...paged].sort());
      const headKeys = (await hostRoom.keys()).map((k) => k.toHex());
      expect(headKeys).not.toContain(hostRoom.key(b.address));
      expect(headKeys).toContain(hostRoom.key(d.address));
    });
  });
});
