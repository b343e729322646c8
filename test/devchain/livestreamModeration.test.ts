import type { KeyringPair } from '@polkadot/keyring/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { livestream } from './livestreamCodecs.js';
import { storage, tx } from './polkadotAccess.js';
import { eventField, findEvent, sendSudo, sendTx } from './sendTx.js';
import { type DevChainApi, startDevChainApi } from './startDevChainApi.js';

describe('Livestream moderation, co-hosts and stats through @polkadot/api', () => {
  let t: DevChainApi;
  const ls = () => livestream(t.api);
  const send = (signer: KeyringPair, method: string, ...args: unknown[]) =>
    sendTx(t.api, tx(t.api, 'livestream', method, ...args), signer);
  const liveRoomOf = async (host: KeyringPair) => {
    await send(host, 'createRoom', 'Room', null, 'Normal', null, null);
    const id = (await ls().hostRoom(host.address)).unwrap().toNumber();
    await send(host, 'startLive', id);
    return id;
  };
  const coHostsOf = async (id: number) => (await ls().coHosts(id)).map((a) => a.toString());

  beforeAll(async () => {
    t = await startDevChainApi();
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('blacklist', () => {
    it('kicks a viewer into RoomBlacklist and lets the host unban them', async () => {
      const [host, viewer] = await t.fundedPairs('mod', ['host', 'viewer']);
      if (!host || !viewer) throw new Error('no pairs');
      const id = await liveRoomOf(host);
      expect((await ls().blacklisted(id, viewer.address)).isNone).toBe(true);

      const kicked = await send(host, 'kickViewer', id, viewer.address);
      const event = findEvent(kicked.events, 'livestream', 'ViewerKicked');
      expect(eventField(event, 'roomId').toString()).toBe(String(id));
      expect(eventField(event, 'viewer').toString()).toBe(viewer.address);
      // The value is `()`: presence of the key is the fact.
      expect((await ls().blacklisted(id, viewer.address)).isSome).toBe(true);
      const keys = await storage(t.api, 'livestream', 'roomBlacklist').keys(id);
      expect(keys.map((k) => k.args.map(String))).toEqual([[String(id), viewer.address]]);
      expect((await send(host, 'kickViewer', id, viewer.address)).error).toBe(
        'livestream.AlreadyInBlacklist',
      );

      const unbanned = await send(host, 'removeFromBlacklist', id, viewer.address);
      const unbannedEvent = findEvent(unbanned.events, 'livestream', 'ViewerUnbanned');
      expect(eventField(unbannedEvent, 'viewer').toString()).toBe(viewer.address);
      expect((await ls().blacklisted(id, viewer.address)).isNone).toBe(true);
      expect((await send(host, 'removeFromBlacklist', id, viewer.address)).error).toBe(
        'livestream.NotInBlacklist',
      );
    });
  });

  describe('co-hosts', () => {
    let host: KeyringPair;
    let guests: KeyringPair[];
    let roomId: number;

    beforeAll(async () => {
      const pairs = await t.fundedPairs('cohost', ['host', 'g1', 'g2', 'g3', 'g4', 'g5', 'outsider']);
      host = pairs[0] as KeyringPair;
      guests = pairs.slice(1);
      roomId = await liveRoomOf(host);
    });

    const guest = (i: number) => guests[i] as KeyringPair;

    it('refuses co-hosts in a room that is not Live (RoomNotLive)', async () => {
      const [other] = await t.fundedPairs('cohost', ['preparing']);
      if (!other) throw new Error('no pair');
      await send(other, 'createRoom', 'Room', null, 'MultiHost', null, null);
      const id = (await ls().hostRoom(other.address)).unwrap().toNumber();
      expect((await send(other, 'startCoHost', id, guest(0).address)).error).toBe('livestream.RoomNotLive');
    });

    it('adds up to four co-hosts with CoHostStarted; the fifth is TooManyCoHosts', async () => {
      expect(await coHostsOf(roomId)).toEqual([]);
      for (let i = 0; i < 4; i++) {
        const result = await send(host, 'startCoHost', roomId, guest(i).address);
        expect(result.error).toBeNull();
        const event = findEvent(result.events, 'livestream', 'CoHostStarted');
        expect(eventField(event, 'roomId').toString()).toBe(String(roomId));
        expect(eventField(event, 'coHost').toString()).toBe(guest(i).address);
      }
      expect(await coHostsOf(roomId)).toEqual(guests.slice(0, 4).map((g) => g.address));
      expect((await send(host, 'startCoHost', roomId, guest(4).address)).error).toBe(
        'livestream.TooManyCoHosts',
      );
      // A full list is checked before duplicates, as in the pallet.
      expect((await send(host, 'startCoHost', roomId, guest(0).address)).error).toBe(
        'livestream.TooManyCoHosts',
      );
    });

    it('lets a co-host leave by itself (None) and the host remove anyone', async () => {
      const left = await send(guest(3), 'endCoHost', roomId, null);
      expect(left.error).toBeNull();
      expect(eventField(findEvent(left.events, 'livestream', 'CoHostEnded'), 'coHost').toString()).toBe(
        guest(3).address,
      );
      expect((await send(host, 'startCoHost', roomId, guest(0).address)).error).toBe(
        'livestream.AlreadyCoHost',
      );
      const removed = await send(host, 'endCoHost', roomId, guest(1).address);
      expect(eventField(findEvent(removed.events, 'livestream', 'CoHostEnded'), 'coHost').toString()).toBe(
        guest(1).address,
      );
      expect(await coHostsOf(roomId)).toEqual([guest(0).address, guest(2).address]);
    });

    it('refuses a co-host removing another (NotAuthorized) and removing a non-co-host (NotCoHost)', async () => {
      const outsider = guest(5);
      expect((await send(guest(0), 'endCoHost', roomId, guest(2).address)).error).toBe(
        'livestream.NotAuthorized',
      );
      expect((await send(outsider, 'endCoHost', roomId, null)).error).toBe('livestream.NotCoHost');
      expect((await send(host, 'endCoHost', roomId, outsider.address)).error).toBe('livestream.NotCoHost');
      expect((await send(outsider, 'endCoHost', 424242, null)).error).toBe('livestream.RoomNotFound');
    });

    it('keeps an emptied co-host list stored as [] (a ValueQuery written back by try_mutate)', async () => {
      const [other, g] = await t.fundedPairs('cohost', ['empty-host', 'empty-guest']);
      if (!other || !g) throw new Error('no pairs');
      const id = await liveRoomOf(other);
      await send(other, 'startCoHost', id, g.address);
      await send(g, 'endCoHost', id, null);
      expect(await coHostsOf(id)).toEqual([]);
      const entries = await storage(t.api, 'livestream', 'activeCoHosts').entries();
      const entry = entries.find(([key]) => key.args[0]?.toString() === String(id));
      expect(entry?.[1].toHex()).toBe('0x00');
    });

    it('clears co-hosts when the live ends, and when root bans the room', async () => {
      expect(await coHostsOf(roomId)).toHaveLength(2);
      await send(host, 'endLive', roomId);
      expect(await coHostsOf(roomId)).toEqual([]);
      const keys = await storage(t.api, 'livestream', 'activeCoHosts').keys();
      expect(keys.map((k) => k.args[0]?.toString())).not.toContain(String(roomId));

      const [other, g] = await t.fundedPairs('cohost', ['ban-host', 'ban-guest']);
      if (!other || !g) throw new Error('no pairs');
      const id = await liveRoomOf(other);
      await send(other, 'startCoHost', id, g.address);
      const alice = t.dev.chain.pairs.Alice;
      expect(
        (await sendSudo(t.api, tx(t.api, 'livestream', 'banRoom', id, 'x'), alice)).sudoError,
      ).toBeNull();
      expect(await coHostsOf(id)).toEqual([]);
    });
  });

  describe('sync_live_stats', () => {
    it('stores the host-reported viewer stats, with LiveStatsSynced, and LiveEnded repeats them', async () => {
      const [host] = await t.fundedPairs('stats', ['host']);
      if (!host) throw new Error('no pair');
      const id = await liveRoomOf(host);
      const result = await send(host, 'syncLiveStats', id, 1234, 321);
      const event = findEvent(result.events, 'livestream', 'LiveStatsSynced');
      expect(eventField(event, 'roomId').toString()).toBe(String(id));
      expect(eventField(event, 'totalViewers').toString()).toBe('1234');
      expect(eventField(event, 'peakViewers').toString()).toBe('321');
      const room = (await ls().liveRoom(id)).unwrap();
      expect(room.totalViewers.toNumber()).toBe(1234);
      expect(room.peakViewers.toNumber()).toBe(321);
      const ended = await send(host, 'endLive', id);
      const endedEvent = findEvent(ended.events, 'livestream', 'LiveEnded');
      expect(eventField(endedEvent, 'totalViewers').toString()).toBe('1234');
      expect(eventField(endedEvent, 'peakViewers').toString()).toBe('321');
      // The pallet does not check the status: stats of an ended room may still be synced.
      expect((await send(host, 'syncLiveStats', id, 1, 1)).error).toBeNull();
    });
  });
});
