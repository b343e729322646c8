import type { KeyringPair } from '@polkadot/keyring/types';
import type { Option, u128 } from '@polkadot/types';
import type { AccountId32, AccountInfo } from '@polkadot/types/interfaces';
import type { Codec } from '@polkadot/types/types';
import { stringToU8a } from '@polkadot/util';
import { encodeAddress } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_ENDOWMENT } from '../../src/devchain/genesis.js';
import { UNIT } from '../../src/devchain/metadata/stardustMetadata.js';
import { LIVESTREAM_PALLET_ACCOUNT } from '../../src/devchain/runtime/livestreamPallet.js';
import { account, type LiveRoomCodec, livestream } from './livestreamCodecs.js';
import { storage, tx } from './polkadotAccess.js';
import { sendTx } from './sendTx.js';
import { type DevChainApi, startDevChainApi } from './startDevChainApi.js';

/** `[key args as strings, value]` of every entry, sorted by key. */
async function entriesOf(t: DevChainApi, item: string, ...prefix: unknown[]): Promise<[string[], Codec][]> {
  const entries = await storage(t.api, 'livestream', item).entries(...prefix);
  return entries
    .map(([key, value]): [string[], Codec] => [key.args.map((a) => a.toString()), value])
    .sort((a, b) => a[0].join().localeCompare(b[0].join()));
}

const IS_NEW_LOGIC = 1n << 127n;

/** Every TransactionFeePaid in the chain so far, read block by block through the api. */
async function feesByPayer(t: DevChainApi): Promise<Map<string, bigint>> {
  const fees = new Map<string, bigint>();
  const head = (await t.api.rpc.chain.getHeader()).number.toNumber();
  for (let n = 1; n <= head; n++) {
    const at = await t.api.at(await t.api.rpc.chain.getBlockHash(n));
    const records = (await storage(at, 'system', 'events')()) as unknown as {
      event: { section: string; method: string; data: Codec[] };
    }[];
    for (const { event } of records) {
      if (event.section !== 'transactionPayment' || event.method !== 'TransactionFeePaid') continue;
      const [who, actualFee] = event.data as [Codec, u128];
      fees.set(who.toString(), (fees.get(who.toString()) ?? 0n) + actualFee.toBigInt());
    }
  }
  return fees;
}

/** `AccountData.flags` (pallet_balances 40+); the api's built-in AccountData type predates it. */
const flagsOf = (info: AccountInfo) => (info.data as unknown as { flags: u128 }).flags.toBigInt();

describe('Storage of the demo scene through @polkadot/api', () => {
  let t: DevChainApi;
  let p: Record<'Alice' | 'Bob' | 'Charlie' | 'Dave' | 'Eve' | 'Ferdie', KeyringPair>;
  const ls = () => livestream(t.api);

  beforeAll(async () => {
    t = await startDevChainApi({ seed: { kind: 'demo' } });
    p = t.dev.chain.pairs;
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('Livestream', () => {
    it('liveRooms: the four demo rooms, room 0 included, through entries() and keys()', async () => {
      const rooms = await entriesOf(t, 'liveRooms');
      expect(rooms.map(([args]) => args)).toEqual([['0'], ['1'], ['2'], ['3']]);
      const byId = (id: number) => {
        const entry = rooms[id];
        if (!entry) throw new Error(`no room ${id}`);
        return (entry[1] as Option<LiveRoomCodec>).unwrap();
      };
      expect(byId(0).host.toString()).toBe(p.Alice.address);
      expect(byId(0).title.toUtf8()).toBe("Alice's live show 🎥");
      expect(byId(0).description.unwrap().toUtf8()).toBe('Music and chat — 音乐与聊天');
      expect(byId(0).coverCid.unwrap().toUtf8()).toBe('bafybeialicecover');
      expect(byId(0).status.type).toBe('Live');
      expect(byId(0).totalGifts.toBigInt()).toBe(20n * UNIT);
      expect(byId(1).host.toString()).toBe(p.Bob.address);
      expect(byId(1).roomType.type).toBe('Paid');
      expect(byId(1).status.type).toBe('Preparing');
      expect(byId(1).ticketPrice.unwrap().toBigInt()).toBe(5n * UNIT);
      expect(byId(1).description.isNone).toBe(true);
      expect(byId(2).host.toString()).toBe(p.Charlie.address);
      expect(byId(2).status.type).toBe('Ended');
      expect(byId(2).endedAt.isSome).toBe(true);
      expect(byId(3).host.toString()).toBe(p.Ferdie.address);
      expect(byId(3).status.type).toBe('Live');

      const keys = await storage(t.api, 'livestream', 'liveRooms').keys();
      expect(keys.map((k) => k.args[0]?.toString()).sort()).toEqual(['0', '1', '2', '3']);
      const page = await storage(t.api, 'livestream', 'liveRooms').keysPaged({ args: [], pageSize: 2 });
      expect(page).toHaveLength(2);
      expect((await ls().liveRoom(0)).isSome).toBe(true);
    });

    it('hostRoom: one entry per host with an active room (not the ended room of //Charlie)', async () => {
      const entries = await entriesOf(t, 'hostRoom');
      expect(entries.map(([[who], id]) => [who, id.toString()]).sort()).toEqual(
        [
          [p.Alice.address, '0'],
          [p.Bob.address, '1'],
          [p.Ferdie.address, '3'],
        ].sort(),
      );
      expect((await ls().hostRoom(p.Alice.address)).unwrap().toNumber()).toBe(0);
      expect((await ls().hostRoom(p.Charlie.address)).isNone).toBe(true);
    });

    it('nextRoomId and nextGiftId are plain values', async () => {
      expect((await ls().nextRoomId()).toNumber()).toBe(4);
      expect((await ls().nextGiftId()).toNumber()).toBe(3);
    });

    it('gifts: Rose, Rocket 🚀 and the disabled Crown', async () => {
      const gifts = await entriesOf(t, 'gifts');
      expect(gifts.map(([args]) => args[0])).toEqual(['0', '1', '2']);
      const rocket = (await ls().gift(1)).unwrap();
      expect(rocket.name.toUtf8()).toBe('Rocket 🚀');
      expect(rocket.price.toBigInt()).toBe(10n * UNIT);
      expect(rocket.iconCid.toUtf8()).toBe('bafkreirocket');
      expect(rocket.enabled.isTrue).toBe(true);
      expect((await ls().gift(2)).unwrap().enabled.isFalse).toBe(true);
    });

    it('userRoomGifts and hostEarnings: //Dave gave 2 Rockets (20 DUST), //Alice earned 80%', async () => {
      expect((await ls().userRoomGifts(0, p.Dave.address)).toBigInt()).toBe(20n * UNIT);
      const given = await entriesOf(t, 'userRoomGifts', 0);
      expect(given.map(([args, v]) => [...args, v.toString()])).toEqual([
        ['0', p.Dave.address, (20n * UNIT).toString()],
      ]);
      expect((await ls().hostEarnings(p.Alice.address)).toBigInt()).toBe(16n * UNIT);
      const palletAccount = encodeAddress(LIVESTREAM_PALLET_ACCOUNT, 42);
      expect((await account(t.api, palletAccount)).data.free.toBigInt()).toBe(4n * UNIT);
      const earnings = await entriesOf(t, 'hostEarnings');
      expect(earnings.map(([args, v]) => [...args, v.toString()])).toEqual([
        [p.Alice.address, (16n * UNIT).toString()],
      ]);
    });

    it('ticketHolders: //Dave holds a ticket for room 1, bought at a block number', async () => {
      const tickets = await entriesOf(t, 'ticketHolders');
      expect(tickets.map(([args]) => args)).toEqual([['1', p.Dave.address]]);
      const block = (await ls().ticketHolder(1, p.Dave.address)).unwrap().toNumber();
      expect(block).toBeGreaterThan(0);
      expect(block).toBeLessThanOrEqual(t.dev.chain.head.number);
    });

    it('roomBlacklist: //Ferdie is kicked from room 0 (value `()`, key present)', async () => {
      const listed = await ls().blacklisted(0, p.Ferdie.address);
      expect(listed.isSome).toBe(true);
      const keys = await storage(t.api, 'livestream', 'roomBlacklist').keys();
      expect(keys.map((k) => k.args.map(String))).toEqual([['0', p.Ferdie.address]]);
      const entries = await entriesOf(t, 'roomBlacklist', 0);
      expect(entries).toHaveLength(1);
    });

    it('activeCoHosts: //Eve co-hosts room 0', async () => {
      expect((await ls().coHosts(0)).map(String)).toEqual([p.Eve.address]);
      const entries = await entriesOf(t, 'activeCoHosts');
      expect(entries.map(([args, v]) => [args[0], (v as unknown as AccountId32[]).map(String)])).toEqual([
        ['0', [p.Eve.address]],
      ]);
    });

    it('decodes absent OptionQuery entries as None', async () => {
      expect((await ls().liveRoom(99)).isNone).toBe(true);
      expect((await ls().hostRoom(p.Eve.address)).isNone).toBe(true);
      expect((await ls().gift(99)).isNone).toBe(true);
      expect((await ls().ticketHolder(1, p.Eve.address)).isNone).toBe(true);
      expect((await ls().blacklisted(0, p.Eve.address)).isNone).toBe(true);
    });

    it('decodes absent ValueQuery entries as their defaults', async () => {
      const userGifts = await ls().userRoomGifts(1, p.Eve.address);
      expect(userGifts.isEmpty).toBe(true);
      expect(userGifts.toBigInt()).toBe(0n);
      expect((await ls().hostEarnings(p.Eve.address)).toBigInt()).toBe(0n);
      const coHosts = await ls().coHosts(1);
      expect(coHosts.length).toBe(0);
      expect(coHosts.toJSON()).toEqual([]);
    });

    it('exposes the pallet constants', () => {
      const consts = t.api.consts.livestream;
      const value = (name: string) => consts?.[name]?.toString();
      expect(value('maxTitleLen')).toBe('100');
      expect(value('maxDescriptionLen')).toBe('500');
      expect(value('maxCidLen')).toBe('64');
      expect(value('maxGiftNameLen')).toBe('32');
      expect(value('maxCoHostsPerRoom')).toBe('4');
      expect(value('platformFeePercent')).toBe('20');
      expect(value('minWithdrawAmount')).toBe(UNIT.toString());
      expect(value('roomDeposit')).toBe((10n * UNIT).toString());
      expect(consts?.palletId?.toU8a()).toEqual(stringToU8a('py/lives'));
    });
  });

  describe('System, Sudo, Timestamp, Balances', () => {
    it('System.account: the demo seed moved //Alice funds, reserved her deposit and charged her fees', async () => {
      const aliceFees = (await feesByPayer(t)).get(p.Alice.address) ?? 0n;
      expect(aliceFees).toBeGreaterThan(0n);
      const alice = await account(t.api, p.Alice.address);
      expect(alice.nonce.toNumber()).toBe(t.dev.chain.runtime.accountNonce(p.Alice.publicKey));
      expect(alice.providers.toNumber()).toBe(1);
      // A reserve holds a consumer reference, as in pallet_balances.
      expect(alice.consumers.toNumber()).toBe(1);
      expect(alice.data.reserved.toBigInt()).toBe(10n * UNIT);
      expect(alice.data.free.toBigInt()).toBe(GENESIS_ENDOWMENT - 10n * UNIT + 16n * UNIT - aliceFees);
      expect(flagsOf(alice)).toBe(IS_NEW_LOGIC);
      const eve = await account(t.api, p.Eve.address);
      expect(eve.data.free.toBigInt()).toBe(GENESIS_ENDOWMENT);
      expect(eve.consumers.toNumber()).toBe(0);
    });

    it('System.account of an unknown account is the default AccountInfo', async () => {
      const nobody = await account(t.api, encodeAddress(new Uint8Array(32).fill(7), 42));
      expect(nobody.nonce.toNumber()).toBe(0);
      expect(nobody.providers.toNumber()).toBe(0);
      expect(nobody.data.free.toBigInt()).toBe(0n);
      expect(flagsOf(nobody)).toBe(IS_NEW_LOGIC);
    });

    it('Sudo.key is //Alice', async () => {
      const key = (await storage(t.api, 'sudo', 'key')()) as Option<AccountId32>;
      expect(key.unwrap().toString()).toBe(p.Alice.address);
    });

    it('Timestamp.now is the head block timestamp inherent (ms)', async () => {
      const now = await storage(t.api, 'timestamp', 'now')();
      const block = await t.api.rpc.chain.getBlock();
      const inherent = block.block.extrinsics[0];
      expect(inherent?.method.section).toBe('timestamp');
      expect(inherent?.method.method).toBe('set');
      expect(inherent?.method.args[0]?.toString()).toBe(now.toString());
      expect(Number(now.toString())).toBeGreaterThan(Date.now() - 60_000);
    });

    it('Balances.totalIssuance is the six genesis endowments less every fee burned', async () => {
      const burned = [...(await feesByPayer(t)).values()].reduce((a, b) => a + b, 0n);
      const issuance = await storage(t.api, 'balances', 'totalIssuance')();
      expect(issuance.toString()).toBe((6n * GENESIS_ENDOWMENT - burned).toString());
    });

    it('Balances locks, reserves, holds and freezes are empty lists, decodable (balance info as Sidecar reads it)', async () => {
      for (const item of ['locks', 'reserves', 'holds', 'freezes']) {
        const value = (await storage(t.api, 'balances', item)(p.Alice.address)) as unknown as {
          length: number;
          toHex(): string;
        };
        expect(value.length).toBe(0);
        expect(value.toHex()).toBe('0x00');
      }
      expect((await t.api.derive.balances.all(p.Alice.address)).lockedBalance.toBigInt()).toBe(0n);
      expect((await storage(t.api, 'balances', 'inactiveIssuance')()).toString()).toBe('0');
    });

    it('System.number and System.events at the head', async () => {
      const number = await storage(t.api, 'system', 'number')();
      expect(number.toString()).toBe(String(t.dev.chain.head.number));
      const events = (await storage(t.api, 'system', 'events')()) as unknown as { length: number };
      expect(events.length).toBeGreaterThan(0);
    });
  });

  it('storage subscriptions deliver the current value, then each change', async () => {
    const statuses: string[] = [];
    const waiters: [number, () => void][] = [];
    const seen = (count: number) =>
      new Promise<void>((resolve) => {
        if (statuses.length >= count) resolve();
        else waiters.push([count, resolve]);
      });
    const unsubscribe = (await storage(
      t.api,
      'livestream',
      'liveRooms',
    )(1, (room: Option<LiveRoomCodec>) => {
      statuses.push(room.unwrap().status.type);
      for (const [count, resolve] of waiters) if (statuses.length >= count) resolve();
    })) as unknown as () => void;
    await seen(1);
    expect(statuses).toEqual(['Preparing']);
    await sendTx(t.api, tx(t.api, 'livestream', 'startLive', 1), p.Bob);
    await seen(2);
    unsubscribe();
    expect(statuses).toEqual(['Preparing', 'Live']);
  });
});
