import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { stringToU8a, u8aToHex } from '@polkadot/util';
import { encodeAddress } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainEvent } from '../../src/chain/livestreamEvents.js';
import { PolkadotChainClient } from '../../src/chain/PolkadotChainClient.js';
import type { SubmitOutcome } from '../../src/devchain/DevChain.js';
import { UNIT } from '../../src/devchain/metadata/stardustMetadata.js';
import { type RunningDevChain, startDevChain } from '../../src/devchain/startDevChain.js';
import { CHAIN_DISCONNECT_NOISE, expectConsoleNoise } from '../support/consoleNoise.js';
import { expectedDemoRoom0 } from '../support/demoRoom0.js';
import { captureLogs } from '../support/logCapture.js';
import { testPair } from '../support/testPair.js';

const SS58_42 = /^5[1-9A-HJ-NP-Za-km-z]{47}$/;

describe('PolkadotChainClient (real @polkadot/api against the dev chain)', () => {
  let dev: RunningDevChain;
  let client: PolkadotChainClient;

  const eventsOf = async (outcome: SubmitOutcome): Promise<ChainEvent[]> => {
    const block = dev.chain.store.byHash(outcome.blockHash);
    if (!block) throw new Error('unknown block');
    return client.livestreamEvents({ number: block.number, hash: block.hash });
  };
  const send = async (...args: Parameters<RunningDevChain['chain']['send']>) => {
    const outcome = await dev.chain.send(...args);
    if (!outcome.success) throw new Error(`extrinsic failed: ${outcome.error ?? 'unknown'}`);
    return eventsOf(outcome);
  };
  const head = () => dev.chain.finalized.hash;

  beforeAll(async () => {
    dev = await startDevChain({ port: 0, seed: { kind: 'demo' } });
    client = new PolkadotChainClient({ endpoint: dev.url, logger: captureLogs('warn').logger });
    await new Promise<void>((resolve) => {
      if (client.status === 'connected') resolve();
      else client.onStatusChange((status) => status === 'connected' && resolve());
    });
  });

  afterAll(async () => {
    await client?.close();
    await dev?.close();
  });

  it('reads the finalized head and block hashes by number', async () => {
    expect(await client.finalizedHead()).toEqual({
      number: dev.chain.finalized.number,
      hash: dev.chain.finalized.hash,
    });
    expect(await client.blockHash(0)).toBe(dev.chain.genesisHash);
    expect(client.genesisHash()).toBe(dev.chain.genesisHash);
    expect(await client.blockHash(dev.chain.head.number + 100)).toBeNull();
  });

  it('decodes rooms exactly: UTF-8 text, enums by name, balances as strings, null options, SS58-42', async () => {
    const rooms = await client.rooms(head());
    expect(rooms.map((r) => r.id).sort()).toEqual([0, 1, 2, 3]);
    expect(rooms.find((r) => r.id === 0)).toEqual(expectedDemoRoom0(dev.chain.pairs.Alice.address));
    expect(rooms.find((r) => r.id === 1)).toMatchObject({
      roomType: 'Paid',
      status: 'Preparing',
      ticketPrice: (5n * UNIT).toString(),
      description: null,
      coverCid: null,
      startedAt: null,
    });
    const byId = await client.roomsById([2, 999], head());
    expect(byId.get(2)).toMatchObject({ status: 'Ended', endedAt: expect.any(Number) });
    expect(byId.get(999)).toBeNull();
  });

  it('decodes event fields by name in camelCase with accounts as SS58-42 and balances as strings', async () => {
    const host = testPair('sr25519', 'ClientEventsHost');
    const buyer = testPair('sr25519', 'ClientEventsBuyer');
    await send('Alice', 'balances', 'transferKeepAlive', host.address, 100n * UNIT);
    await send('Alice', 'balances', 'transferKeepAlive', buyer.address, 100n * UNIT);
    // Above 2^53: a JS number would round it.
    const price = 2n ** 55n + 1n;
    await send('Alice', 'balances', 'transferKeepAlive', buyer.address, price);

    const [created] = await send(host, 'livestream', 'createRoom', 'Events', null, 'Paid', null, price);
    expect(created).toMatchObject({
      name: 'RoomCreated',
      data: { host: host.address, roomId: expect.any(Number), roomType: 'Paid' },
    });
    const roomId = created?.roomId as number;
    expect(created?.data.roomId).toBe(roomId);

    const [started] = await send(host, 'livestream', 'startLive', roomId);
    expect(started).toMatchObject({
      name: 'LiveStarted',
      roomId,
      data: { roomId, startedAt: expect.any(Number) },
    });

    const [ticket] = await send(buyer, 'livestream', 'buyTicket', roomId);
    expect(ticket?.data).toEqual({ roomId, buyer: buyer.address, price: price.toString() });

    const [gift] = await send(buyer, 'livestream', 'sendGift', roomId, 0, 3);
    expect(gift).toMatchObject({
      name: 'GiftSent',
      data: {
        roomId,
        sender: buyer.address,
        receiver: host.address,
        giftId: 0,
        quantity: 3,
        value: (3n * UNIT).toString(),
      },
    });

    const [coHost] = await send(host, 'livestream', 'startCoHost', roomId, buyer.address);
    expect(coHost).toMatchObject({ name: 'CoHostStarted', data: { roomId, coHost: buyer.address } });

    const [ended] = await send(host, 'livestream', 'endLive', roomId);
    expect(ended).toMatchObject({
      name: 'LiveEnded',
      roomId,
      data: {
        roomId,
        duration: expect.any(Number),
        totalViewers: 0,
        peakViewers: 0,
        totalGifts: (3n * UNIT).toString(),
      },
    });
    for (const event of [created, started, ticket, gift, coHost, ended]) {
      for (const value of Object.values(event?.data ?? {})) {
        expect(typeof value === 'string' && value.startsWith('0x')).toBe(false);
      }
    }
  });

  it('decodes byte fields as UTF-8 text (CJK, emoji)', async () => {
    const host = testPair('sr25519', 'ClientBannedHost');
    await send('Alice', 'balances', 'transferKeepAlive', host.address, 100n * UNIT);
    const [created] = await send(host, 'livestream', 'createRoom', 'Soon banned', null, 'Normal', null, null);
    const reason = '违规内容 🚫 — ñ';
    const outcome = await dev.chain.sudo(
      'livestream',
      'banRoom',
      created?.roomId,
      u8aToHex(stringToU8a(reason)),
    );
    const [banned] = await eventsOf(outcome);
    expect(banned).toMatchObject({ name: 'RoomBanned', data: { roomId: created?.roomId, reason } });
  });

  it('answers ticket, blacklist and co-host lookups at a block', async () => {
    const { Dave, Ferdie, Eve, Bob } = dev.chain.pairs;
    expect(await client.hasTicket(1, Dave.publicKey, head())).toBe(true);
    expect(await client.hasTicket(1, Bob.publicKey, head())).toBe(false);
    expect(await client.isBlacklisted(0, Ferdie.publicKey, head())).toBe(true);
    expect(await client.isBlacklisted(0, Dave.publicKey, head())).toBe(false);
    const coHosts = await client.coHosts(0, head());
    expect(coHosts).toEqual([Eve.address]);
    expect(coHosts[0]).toMatch(SS58_42);
    expect(await client.coHosts(2, head())).toEqual([]);
  });

  it('hands out every room host as an SS58-42 address', async () => {
    const rooms = await client.rooms(head());
    for (const room of rooms) {
      expect(room.host).toMatch(SS58_42);
      expect(encodeAddress(room.host, 42)).toBe(room.host);
    }
  });
});

describe('PolkadotChainClient with its node unreachable', () => {
  it('logs the connection error once per outage, readably, however often it retries', async () => {
    expectConsoleNoise(CHAIN_DISCONNECT_NOISE);
    // The attack: with the node down, "chain connection error" was written every retry (once a second)
    // as `[unable to serialize…]`. A node that accepts and at once drops every connection:
    const attempts = { count: 0 };
    const node = net.createServer((socket) => {
      attempts.count += 1;
      socket.destroy();
    });
    node.listen(0, '127.0.0.1');
    await once(node, 'listening');
    const port = (node.address() as AddressInfo).port;
    const logs = captureLogs('warn');
    const retried = new Promise<void>((resolve) => {
      node.on('connection', () => attempts.count >= 4 && resolve());
    });
    const client = new PolkadotChainClient({
      endpoint: `ws://127.0.0.1:${port}`,
      logger: logs.logger,
      reconnectMs: 20,
    });
    try {
      await retried;
      await logs.waitFor((entry) => entry.msg === 'chain connection error');
      const errors = logs.entries().filter((entry) => entry.msg === 'chain connection error');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ level: 'warn', reason: expect.any(String) });
      expect(errors[0]?.reason).not.toBe('');
      expect(logs.text()).not.toContain('unable to serialize');
    } finally {
      await client.close();
      node.close();
    }
  });
});
