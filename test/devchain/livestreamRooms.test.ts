import type { KeyringPair } from '@polkadot/keyring/types';
import { stringToU8a } from '@polkadot/util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNIT } from '../../src/devchain/metadata/stardustMetadata.js';
import { balanceOf, livestream } from './livestreamCodecs.js';
import { isEvent, tx } from './polkadotAccess.js';
import {
  blockNumberOf,
  eventField,
  eventNames,
  feePaid,
  feesPaid,
  findEvent,
  sendSudo,
  sendTx,
} from './sendTx.js';
import { type DevChainApi, startDevChainApi } from './startDevChainApi.js';

const DEPOSIT = 10n * UNIT;

describe('Livestream room lifecycle through @polkadot/api', () => {
  let t: DevChainApi;
  let alice: KeyringPair;
  let bob: KeyringPair;
  const ls = () => livestream(t.api);
  const send = (signer: KeyringPair, method: string, ...args: unknown[]) =>
    sendTx(t.api, tx(t.api, 'livestream', method, ...args), signer);
  const createRoom = (host: KeyringPair, title = 'A room', type = 'Normal', price: bigint | null = null) =>
    send(host, 'createRoom', title, null, type, null, price);
  const roomIdOf = async (host: KeyringPair) => (await ls().hostRoom(host.address)).unwrap().toNumber();
  const statusOf = async (id: number) => (await ls().liveRoom(id)).unwrap().status.type;

  beforeAll(async () => {
    t = await startDevChainApi();
    alice = t.dev.chain.pairs.Alice;
    bob = t.dev.chain.pairs.Bob;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('creates room 0 first, with exact UTF-8 text, the deposit reserved and RoomCreated', async () => {
    const title = '直播间 🎉 Live';
    const description = 'Музыка, 音乐 и 🎸';
    const before = await balanceOf(t.api, alice.address);
    const result = await send(alice, 'createRoom', title, description, 'Paid', 'bafkreicover', 5n * UNIT);
    expect(result.error).toBeNull();
    const number = await blockNumberOf(t.api, result.blockHash);

    const created = findEvent(result.events, 'livestream', 'RoomCreated');
    expect(isEvent(t.api, 'livestream', 'RoomCreated', created.event)).toBe(true);
    expect(eventField(created, 'roomId').toString()).toBe('0');
    expect(eventField(created, 'host').toString()).toBe(alice.address);
    expect(eventField(created, 'roomType').toString()).toBe('Paid');
    expect(created.phase.asApplyExtrinsic.toNumber()).toBe(result.index);
    expect(result.index).toBe(1);

    const room = (await ls().liveRoom(0)).unwrap();
    expect(room.id.toNumber()).toBe(0);
    expect(room.host.toString()).toBe(alice.address);
    expect(room.title.toUtf8()).toBe(title);
    expect(room.title.toU8a(true)).toEqual(stringToU8a(title));
    // toU8a() without isBare carries the SCALE length prefix: the "stray length byte".
    expect(room.title.toU8a().length).toBe(stringToU8a(title).length + 1);
    expect(room.description.unwrap().toUtf8()).toBe(description);
    expect(room.coverCid.unwrap().toUtf8()).toBe('bafkreicover');
    expect(room.roomType.type).toBe('Paid');
    expect(room.status.type).toBe('Preparing');
    expect(room.ticketPrice.unwrap().toBigInt()).toBe(5n * UNIT);
    expect(room.createdAt.toNumber()).toBe(number);
    expect(room.startedAt.isNone).toBe(true);
    expect(room.endedAt.isNone).toBe(true);
    expect(room.totalViewers.toNumber()).toBe(0);
    expect(room.totalGifts.toBigInt()).toBe(0n);
    expect((await ls().hostRoom(alice.address)).unwrap().toNumber()).toBe(0);
    expect((await ls().nextRoomId()).toNumber()).toBe(1);

    // The deposit and the fee are the only movements.
    const after = await balanceOf(t.api, alice.address);
    expect(after.free).toBe(before.free - DEPOSIT - feePaid(result));
    expect(after.reserved).toBe(before.reserved + DEPOSIT);
    const reserved = findEvent(result.events, 'balances', 'Reserved');
    expect(eventField(reserved, 'amount').toString()).toBe(DEPOSIT.toString());
  });

  it('starts room 0 with LiveStarted carrying roomId and startedAt', async () => {
    const result = await send(alice, 'startLive', 0);
    expect(result.error).toBeNull();
    const number = await blockNumberOf(t.api, result.blockHash);
    const started = result.events.find((e) => isEvent(t.api, 'livestream', 'LiveStarted', e.event));
    if (!started) throw new Error('no LiveStarted');
    expect(eventField(started, 'roomId').toString()).toBe('0');
    expect(eventField(started, 'startedAt').toString()).toBe(String(number));
    expect(started.phase.isApplyExtrinsic).toBe(true);
    expect(started.phase.asApplyExtrinsic.toNumber()).toBe(result.index);
    const room = (await ls().liveRoom(0)).unwrap();
    expect(room.status.type).toBe('Live');
    expect(room.startedAt.unwrap().toNumber()).toBe(number);
  });

  it('pauses, resumes, pauses and restarts with start_live, then ends with the deposit unreserved', async () => {
    const [host] = await t.fundedPairs('rooms', ['cycle']);
    if (!host) throw new Error('no pair');
    await createRoom(host);
    const id = await roomIdOf(host);
    const afterCreate = await balanceOf(t.api, host.address);
    const started = await send(host, 'startLive', id);
    const results = [started];
    const startedAt = await blockNumberOf(t.api, started.blockHash);

    const paused = await send(host, 'pauseLive', id);
    results.push(paused);
    expect(eventNames(paused.events)).toContain('livestream.LivePaused');
    expect(eventField(findEvent(paused.events, 'livestream', 'LivePaused'), 'roomId').toString()).toBe(
      String(id),
    );
    expect(await statusOf(id)).toBe('Paused');
    const resumed = await send(host, 'resumeLive', id);
    results.push(resumed);
    expect(eventField(findEvent(resumed.events, 'livestream', 'LiveResumed'), 'roomId').toString()).toBe(
      String(id),
    );
    expect(await statusOf(id)).toBe('Live');
    results.push(await send(host, 'pauseLive', id));
    const restarted = await send(host, 'startLive', id);
    results.push(restarted);
    expect(restarted.error).toBeNull();
    const restartedAt = (await ls().liveRoom(id)).unwrap().startedAt.unwrap().toNumber();
    expect(restartedAt).toBeGreaterThan(startedAt);

    const ended = await send(host, 'endLive', id);
    results.push(ended);
    expect(ended.error).toBeNull();
    const endedAt = await blockNumberOf(t.api, ended.blockHash);
    const event = findEvent(ended.events, 'livestream', 'LiveEnded');
    expect(eventField(event, 'roomId').toString()).toBe(String(id));
    expect(eventField(event, 'duration').toString()).toBe(String(endedAt - restartedAt));
    expect(eventField(event, 'totalViewers').toString()).toBe('0');
    expect(eventField(event, 'totalGifts').toString()).toBe('0');
    expect(eventNames(ended.events)).toContain('balances.Unreserved');

    const room = (await ls().liveRoom(id)).unwrap();
    expect(room.status.type).toBe('Ended');
    expect(room.endedAt.unwrap().toNumber()).toBe(endedAt);
    expect((await ls().hostRoom(host.address)).isNone).toBe(true);
    const balance = await balanceOf(t.api, host.address);
    expect(balance.reserved).toBe(0n);
    expect(balance.free).toBe(afterCreate.free + DEPOSIT - feesPaid(results));
  });

  it('lets a host whose room ended create a new room', async () => {
    const [host] = await t.fundedPairs('rooms', ['again']);
    if (!host) throw new Error('no pair');
    await createRoom(host);
    const first = await roomIdOf(host);
    await send(host, 'startLive', first);
    await send(host, 'endLive', first);
    expect((await createRoom(host)).error).toBeNull();
    expect(await roomIdOf(host)).toBeGreaterThan(first);
  });

  it('updates only the given fields of a room, with RoomUpdated', async () => {
    const [host] = await t.fundedPairs('rooms', ['update']);
    if (!host) throw new Error('no pair');
    await send(host, 'createRoom', 'Old title', 'Old description', 'Normal', 'bafyold', null);
    const id = await roomIdOf(host);
    const result = await send(host, 'updateRoom', id, '新标题 ✨', null, 'bafynew');
    expect(result.error).toBeNull();
    expect(eventField(findEvent(result.events, 'livestream', 'RoomUpdated'), 'roomId').toString()).toBe(
      String(id),
    );
    const room = (await ls().liveRoom(id)).unwrap();
    expect(room.title.toUtf8()).toBe('新标题 ✨');
    expect(room.description.unwrap().toUtf8()).toBe('Old description');
    expect(room.coverCid.unwrap().toUtf8()).toBe('bafynew');
  });

  describe('refusals', () => {
    it('refuses a second room for the same host (HostAlreadyHasRoom)', async () => {
      const result = await createRoom(alice);
      expect(result.error).toBe('livestream.HostAlreadyHasRoom');
      // Refused by the pallet, still charged: the fee's events around the failure.
      expect(eventNames(result.events)).toEqual([
        'balances.Withdraw',
        'transactionPayment.TransactionFeePaid',
        'system.ExtrinsicFailed',
      ]);
      expect((await ls().nextRoomId()).toNumber()).toBeGreaterThan(0);
    });

    it('refuses a Paid room without a ticket price or with price 0 (InvalidTicketPrice)', async () => {
      expect((await createRoom(bob, 'Paid', 'Paid', null)).error).toBe('livestream.InvalidTicketPrice');
      expect((await createRoom(bob, 'Paid', 'Paid', 0n)).error).toBe('livestream.InvalidTicketPrice');
      expect((await ls().hostRoom(bob.address)).isNone).toBe(true);
    });

    it('limits title, description and cover CID by bytes, not characters', async () => {
      const [host] = await t.fundedPairs('rooms', ['limits']);
      if (!host) throw new Error('no pair');
      // 34 CJK characters are 102 UTF-8 bytes: over the 100-byte MaxTitleLen.
      expect((await createRoom(host, '字'.repeat(34))).error).toBe('livestream.TitleTooLong');
      expect((await send(host, 'createRoom', 't', 'd'.repeat(501), 'Normal', null, null)).error).toBe(
        'livestream.DescriptionTooLong',
      );
      expect((await send(host, 'createRoom', 't', null, 'Normal', 'c'.repeat(65), null)).error).toBe(
        'livestream.CidTooLong',
      );
      expect((await ls().hostRoom(host.address)).isNone).toBe(true);
      const max = await send(
        host,
        'createRoom',
        'x'.repeat(100),
        'd'.repeat(500),
        'Normal',
        'c'.repeat(64),
        null,
      );
      expect(max.error).toBeNull();
      const id = await roomIdOf(host);
      expect((await send(host, 'updateRoom', id, 'x'.repeat(101), null, null)).error).toBe(
        'livestream.TitleTooLong',
      );
      expect((await send(host, 'updateRoom', id, null, 'd'.repeat(501), null)).error).toBe(
        'livestream.DescriptionTooLong',
      );
      expect((await send(host, 'updateRoom', id, null, null, 'c'.repeat(65))).error).toBe(
        'livestream.CidTooLong',
      );
      expect((await ls().liveRoom(id)).unwrap().title.toUtf8()).toBe('x'.repeat(100));
    });

    it('refuses a deposit the account cannot pay (balances.InsufficientBalance)', async () => {
      const [poor] = await t.fundedPairs('rooms', ['poor'], 5n * UNIT);
      if (!poor) throw new Error('no pair');
      expect((await createRoom(poor)).error).toBe('balances.InsufficientBalance');
    });

    it('refuses every host-only call from another account (NotRoomHost)', async () => {
      for (const [method, args] of [
        ['startLive', [0]],
        ['pauseLive', [0]],
        ['resumeLive', [0]],
        ['endLive', [0]],
        ['updateRoom', [0, 'mine', null, null]],
        ['syncLiveStats', [0, 1, 1]],
        ['kickViewer', [0, bob.address]],
        ['removeFromBlacklist', [0, bob.address]],
        ['startCoHost', [0, bob.address]],
      ] as const) {
        expect((await send(bob, method, ...args)).error, method).toBe('livestream.NotRoomHost');
      }
    });

    it('refuses calls on a room that does not exist (RoomNotFound)', async () => {
      for (const method of ['startLive', 'pauseLive', 'resumeLive', 'endLive', 'buyTicket']) {
        expect((await send(bob, method, 424242)).error, method).toBe('livestream.RoomNotFound');
      }
    });

    it('refuses start_live on a live room with InvalidRoomStatus (the pallet never uses RoomAlreadyLive)', async () => {
      expect(await statusOf(0)).toBe('Live');
      expect((await send(alice, 'startLive', 0)).error).toBe('livestream.InvalidRoomStatus');
    });

    it('refuses wrong status transitions (RoomNotLive, InvalidRoomStatus)', async () => {
      const [host] = await t.fundedPairs('rooms', ['status']);
      if (!host) throw new Error('no pair');
      await createRoom(host);
      const id = await roomIdOf(host);
      expect((await send(host, 'pauseLive', id)).error).toBe('livestream.RoomNotLive');
      expect((await send(host, 'resumeLive', id)).error).toBe('livestream.InvalidRoomStatus');
      expect((await send(host, 'endLive', id)).error).toBe('livestream.InvalidRoomStatus');
      await send(host, 'startLive', id);
      expect((await send(host, 'resumeLive', id)).error).toBe('livestream.InvalidRoomStatus');
      await send(host, 'endLive', id);
      expect((await send(host, 'startLive', id)).error).toBe('livestream.InvalidRoomStatus');
      expect((await send(host, 'endLive', id)).error).toBe('livestream.InvalidRoomStatus');
      expect((await send(host, 'pauseLive', id)).error).toBe('livestream.RoomNotLive');
      expect((await send(host, 'updateRoom', id, 'late', null, null)).error).toBe('livestream.RoomEnded');
      expect(await statusOf(id)).toBe('Ended');
    });

    it('leaves the state unchanged by a failed call but counts its nonce', async () => {
      const before = await t.api.rpc.system.accountNextIndex(bob.address);
      const room = (await ls().liveRoom(0)).toHex();
      const result = await send(bob, 'endLive', 0);
      expect(result.error).toBe('livestream.NotRoomHost');
      expect((await ls().liveRoom(0)).toHex()).toBe(room);
      expect((await t.api.rpc.system.accountNextIndex(bob.address)).toNumber()).toBe(before.toNumber() + 1);
    });
  });

  describe('ban_room (root only)', () => {
    it('is refused from a signed origin (BadOrigin)', async () => {
      const result = await send(alice, 'banRoom', 0, 'spam');
      expect(result.error).toBe('BadOrigin');
      expect(await statusOf(0)).toBe('Live');
    });

    it('is refused through sudo by an account that is not the sudo key (sudo.RequireSudo)', async () => {
      const result = await sendSudo(t.api, tx(t.api, 'livestream', 'banRoom', 0, 'spam'), bob);
      expect(result.error).toBe('sudo.RequireSudo');
      expect(await statusOf(0)).toBe('Live');
    });

    it('bans through sudo by //Alice: Sudid Ok, RoomBanned with the reason, HostRoom cleared, deposit kept', async () => {
      const [host] = await t.fundedPairs('rooms', ['banned']);
      if (!host) throw new Error('no pair');
      await createRoom(host);
      const id = await roomIdOf(host);
      await send(host, 'startLive', id);
      const before = await balanceOf(t.api, host.address);
      const reason = '违规内容 🚫';
      const result = await sendSudo(t.api, tx(t.api, 'livestream', 'banRoom', id, reason), alice);
      expect(result.error).toBeNull();
      expect(result.sudoError).toBeNull();
      const banned = findEvent(result.events, 'livestream', 'RoomBanned');
      expect(eventField(banned, 'roomId').toString()).toBe(String(id));
      expect((eventField(banned, 'reason') as unknown as { toUtf8(): string }).toUtf8()).toBe(reason);
      expect(eventNames(result.events)).toContain('sudo.Sudid');
      expect(await statusOf(id)).toBe('Banned');
      expect((await ls().hostRoom(host.address)).isNone).toBe(true);
      expect(await balanceOf(t.api, host.address)).toEqual(before);
      expect(before.reserved).toBe(DEPOSIT);

      // Banned rooms refuse updates and restarts; the host may open a new room (a second deposit).
      expect((await send(host, 'updateRoom', id, 'x', null, null)).error).toBe('livestream.RoomBanned');
      expect((await send(host, 'startLive', id)).error).toBe('livestream.InvalidRoomStatus');
      expect((await send(host, 'endLive', id)).error).toBe('livestream.InvalidRoomStatus');
      expect((await createRoom(host)).error).toBeNull();
      expect((await balanceOf(t.api, host.address)).reserved).toBe(2n * DEPOSIT);
    });

    it('reports the inner error in Sudid for a missing room (livestream.RoomNotFound)', async () => {
      const result = await sendSudo(t.api, tx(t.api, 'livestream', 'banRoom', 999_999, 'x'), alice);
      expect(result.error).toBeNull();
      expect(result.sudoError).toBe('livestream.RoomNotFound');
    });
  });
});
