import type { KeyringPair } from '@polkadot/keyring/types';
import { stringToU8a, u8aConcat } from '@polkadot/util';
import { encodeAddress } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXISTENTIAL_DEPOSIT, UNIT } from '../../src/devchain/metadata/stardustMetadata.js';
import { account, balanceOf, livestream } from './livestreamCodecs.js';
import { tx } from './polkadotAccess.js';
import {
  blockNumberOf,
  callEventNames,
  eventField,
  eventNames,
  feePaid,
  feesPaid,
  findEvent,
  sendSudo,
  sendTx,
} from './sendTx.js';
import { type DevChainApi, startDevChainApi } from './startDevChainApi.js';

/** `PalletId(*b"py/lives").into_account_truncating()`, derived independently of the dev chain. */
const PALLET_ACCOUNT = encodeAddress(
  u8aConcat(stringToU8a('modl'), stringToU8a('py/lives'), new Uint8Array(20)),
  42,
);

describe('Livestream tickets, gifts and earnings through @polkadot/api', () => {
  let t: DevChainApi;
  let alice: KeyringPair;
  const ls = () => livestream(t.api);
  const send = (signer: KeyringPair, method: string, ...args: unknown[]) =>
    sendTx(t.api, tx(t.api, 'livestream', method, ...args), signer);
  const sudo = (method: string, ...args: unknown[]) =>
    sendSudo(t.api, tx(t.api, 'livestream', method, ...args), alice);
  const roomOf = async (host: KeyringPair) => (await ls().hostRoom(host.address)).unwrap().toNumber();
  const openRoom = async (host: KeyringPair, type: string, price: bigint | null, live: boolean) => {
    await send(host, 'createRoom', `${type} room`, null, type, null, price);
    const id = await roomOf(host);
    if (live) await send(host, 'startLive', id);
    return id;
  };

  beforeAll(async () => {
    t = await startDevChainApi();
    alice = t.dev.chain.pairs.Alice;
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('gift administration (root only)', () => {
    it('starts without gifts, as the real genesis', async () => {
      expect((await ls().nextGiftId()).toNumber()).toBe(0);
      expect((await ls().gift(0)).isNone).toBe(true);
    });

    it('refuses create_gift and update_gift from a signed origin (BadOrigin)', async () => {
      expect((await send(alice, 'createGift', 'Rose', UNIT, 'cid')).error).toBe('BadOrigin');
      expect((await send(alice, 'updateGift', 0, false)).error).toBe('BadOrigin');
    });

    it('creates gift 0 through sudo with GiftCreated and exact UTF-8 name', async () => {
      const result = await sudo('createGift', '玫瑰 🌹', 10n * UNIT, 'bafkreirose');
      expect(result.sudoError).toBeNull();
      const created = findEvent(result.events, 'livestream', 'GiftCreated');
      expect(eventField(created, 'giftId').toString()).toBe('0');
      expect(eventField(created, 'price').toString()).toBe((10n * UNIT).toString());
      const gift = (await ls().gift(0)).unwrap();
      expect(gift.id.toNumber()).toBe(0);
      expect(gift.name.toUtf8()).toBe('玫瑰 🌹');
      expect(gift.iconCid.toUtf8()).toBe('bafkreirose');
      expect(gift.price.toBigInt()).toBe(10n * UNIT);
      expect(gift.enabled.isTrue).toBe(true);
      expect((await ls().nextGiftId()).toNumber()).toBe(1);
    });

    it('refuses a gift name over 32 bytes and an icon CID over 64 bytes', async () => {
      expect((await sudo('createGift', 'n'.repeat(33), UNIT, 'cid')).sudoError).toBe(
        'livestream.GiftNameTooLong',
      );
      expect((await sudo('createGift', 'Rose', UNIT, 'c'.repeat(65))).sudoError).toBe(
        'livestream.CidTooLong',
      );
      expect((await ls().nextGiftId()).toNumber()).toBe(1);
    });

    it('disables and re-enables a gift with GiftUpdated; a missing gift is GiftNotFound', async () => {
      await sudo('createGift', 'Spare', UNIT, 'cid');
      const disabled = await sudo('updateGift', 1, false);
      const event = findEvent(disabled.events, 'livestream', 'GiftUpdated');
      expect(eventField(event, 'giftId').toString()).toBe('1');
      expect(eventField(event, 'enabled').toString()).toBe('false');
      expect((await ls().gift(1)).unwrap().enabled.isFalse).toBe(true);
      expect((await sudo('updateGift', 77, true)).sudoError).toBe('livestream.GiftNotFound');
    });
  });

  describe('tickets', () => {
    it('pays the full ticket price to the host and records the purchase block', async () => {
      const [host, buyer] = await t.fundedPairs('money', ['ticket-host', 'ticket-buyer']);
      if (!host || !buyer) throw new Error('no pairs');
      const id = await openRoom(host, 'Paid', 7n * UNIT, false);
      const hostBefore = await balanceOf(t.api, host.address);
      const buyerBefore = await balanceOf(t.api, buyer.address);
      // A Preparing room sells tickets.
      const result = await send(buyer, 'buyTicket', id);
      expect(result.error).toBeNull();
      const purchased = findEvent(result.events, 'livestream', 'TicketPurchased');
      expect(eventField(purchased, 'roomId').toString()).toBe(String(id));
      expect(eventField(purchased, 'buyer').toString()).toBe(buyer.address);
      expect(eventField(purchased, 'price').toString()).toBe((7n * UNIT).toString());
      expect(callEventNames(result)).toEqual(['balances.Transfer', 'livestream.TicketPurchased']);
      expect((await balanceOf(t.api, host.address)).free).toBe(hostBefore.free + 7n * UNIT);
      expect((await balanceOf(t.api, buyer.address)).free).toBe(
        buyerBefore.free - 7n * UNIT - feePaid(result),
      );
      const holder = await ls().ticketHolder(id, buyer.address);
      expect(holder.unwrap().toNumber()).toBe(await blockNumberOf(t.api, result.blockHash));
      expect((await send(buyer, 'buyTicket', id)).error).toBe('livestream.AlreadyHasTicket');
    });

    it('refuses tickets for a Normal room (InvalidRoomStatus), an Ended one and a Banned one', async () => {
      const [normal, ended, banned, buyer] = await t.fundedPairs('money', ['n', 'e', 'b', 'buyer']);
      if (!normal || !ended || !banned || !buyer) throw new Error('no pairs');
      const normalId = await openRoom(normal, 'Normal', null, false);
      expect((await send(buyer, 'buyTicket', normalId)).error).toBe('livestream.InvalidRoomStatus');
      const endedId = await openRoom(ended, 'Paid', UNIT, true);
      await send(ended, 'endLive', endedId);
      expect((await send(buyer, 'buyTicket', endedId)).error).toBe('livestream.RoomEnded');
      const bannedId = await openRoom(banned, 'Paid', UNIT, false);
      await sudo('banRoom', bannedId, 'x');
      expect((await send(buyer, 'buyTicket', bannedId)).error).toBe('livestream.RoomBanned');
      expect((await ls().ticketHolder(endedId, buyer.address)).isNone).toBe(true);
    });

    it('refuses a ticket that would take the buyer below the existential deposit (keep-alive)', async () => {
      const [host] = await t.fundedPairs('money', ['keepalive-host']);
      const [buyer] = await t.fundedPairs('money', ['keepalive-buyer'], 5n * UNIT);
      if (!host || !buyer) throw new Error('no pairs');
      // The fee (under one existential deposit) leaves first; the price takes the rest below it.
      const id = await openRoom(host, 'Paid', 5n * UNIT - EXISTENTIAL_DEPOSIT, false);
      const result = await send(buyer, 'buyTicket', id);
      expect(feePaid(result)).toBeLessThan(EXISTENTIAL_DEPOSIT);
      expect(result.error).toBe('Token.NotExpendable');
      expect((await balanceOf(t.api, buyer.address)).free).toBe(5n * UNIT - feePaid(result));
    });
  });

  describe('gifts', () => {
    let host: KeyringPair;
    let fan: KeyringPair;
    let roomId: number;

    beforeAll(async () => {
      [host, fan] = (await t.fundedPairs('money', ['gift-host', 'gift-fan'])) as [KeyringPair, KeyringPair];
      roomId = await openRoom(host, 'Normal', null, true);
    });

    it('pays 80% to the host and 20% to the pallet account, and counts the gift everywhere', async () => {
      const hostBefore = await balanceOf(t.api, host.address);
      const fanBefore = await balanceOf(t.api, fan.address);
      const palletBefore = await balanceOf(t.api, PALLET_ACCOUNT);
      expect(palletBefore.free).toBe(0n);
      const result = await send(fan, 'sendGift', roomId, 0, 3);
      expect(result.error).toBeNull();
      const total = 30n * UNIT;
      const sent = findEvent(result.events, 'livestream', 'GiftSent');
      expect(eventField(sent, 'roomId').toString()).toBe(String(roomId));
      expect(eventField(sent, 'sender').toString()).toBe(fan.address);
      expect(eventField(sent, 'receiver').toString()).toBe(host.address);
      expect(eventField(sent, 'giftId').toString()).toBe('0');
      expect(eventField(sent, 'quantity').toString()).toBe('3');
      expect(eventField(sent, 'value').toString()).toBe(total.toString());
      // The host is paid first; the pallet account is created by its first fee.
      expect(callEventNames(result)).toEqual([
        'balances.Transfer',
        'system.NewAccount',
        'balances.Endowed',
        'balances.Transfer',
        'livestream.GiftSent',
      ]);
      const toPallet = result.events.filter((e) => e.event.method === 'Transfer')[1];
      if (!toPallet) throw new Error('no second transfer');
      expect(eventField(toPallet, 'to').toString()).toBe(PALLET_ACCOUNT);

      expect((await balanceOf(t.api, fan.address)).free).toBe(fanBefore.free - total - feePaid(result));
      expect((await balanceOf(t.api, host.address)).free).toBe(hostBefore.free + 24n * UNIT);
      expect((await balanceOf(t.api, PALLET_ACCOUNT)).free).toBe(6n * UNIT);
      expect((await ls().liveRoom(roomId)).unwrap().totalGifts.toBigInt()).toBe(total);
      expect((await ls().hostEarnings(host.address)).toBigInt()).toBe(24n * UNIT);
      expect((await ls().userRoomGifts(roomId, fan.address)).toBigInt()).toBe(total);

      await send(fan, 'sendGift', roomId, 0, 1);
      expect((await ls().userRoomGifts(roomId, fan.address)).toBigInt()).toBe(40n * UNIT);
      expect((await ls().hostEarnings(host.address)).toBigInt()).toBe(32n * UNIT);
      expect((await balanceOf(t.api, PALLET_ACCOUNT)).free).toBe(8n * UNIT);
    });

    it('refuses quantity 0 before anything else (InvalidQuantity), missing and disabled gifts', async () => {
      expect((await send(fan, 'sendGift', roomId, 0, 0)).error).toBe('livestream.InvalidQuantity');
      expect((await send(fan, 'sendGift', 424242, 0, 0)).error).toBe('livestream.InvalidQuantity');
      expect((await send(fan, 'sendGift', 424242, 0, 1)).error).toBe('livestream.RoomNotFound');
      expect((await send(fan, 'sendGift', roomId, 99, 1)).error).toBe('livestream.GiftNotFound');
      expect((await send(fan, 'sendGift', roomId, 1, 1)).error).toBe('livestream.GiftDisabled');
    });

    it('refuses gifts to a room that is not Live (RoomNotLive)', async () => {
      const [other] = await t.fundedPairs('money', ['not-live']);
      if (!other) throw new Error('no pair');
      const preparing = await openRoom(other, 'Normal', null, false);
      expect((await send(fan, 'sendGift', preparing, 0, 1)).error).toBe('livestream.RoomNotLive');
      await send(other, 'startLive', preparing);
      await send(other, 'pauseLive', preparing);
      expect((await send(fan, 'sendGift', preparing, 0, 1)).error).toBe('livestream.RoomNotLive');
    });

    it('withdraw_earnings only lowers the counter; funds do not move (only the fees leave)', async () => {
      const before = await balanceOf(t.api, host.address);
      const earnings = (await ls().hostEarnings(host.address)).toBigInt();
      const tooLow = await send(host, 'withdrawEarnings', UNIT - 1n);
      expect(tooLow.error).toBe('livestream.WithdrawAmountTooLow');
      const tooMuch = await send(host, 'withdrawEarnings', earnings + 1n);
      expect(tooMuch.error).toBe('livestream.InsufficientEarnings');
      const result = await send(host, 'withdrawEarnings', 5n * UNIT);
      expect(result.error).toBeNull();
      const withdrawn = findEvent(result.events, 'livestream', 'EarningsWithdrawn');
      expect(eventField(withdrawn, 'host').toString()).toBe(host.address);
      expect(eventField(withdrawn, 'amount').toString()).toBe((5n * UNIT).toString());
      expect((await ls().hostEarnings(host.address)).toBigInt()).toBe(earnings - 5n * UNIT);
      expect(await balanceOf(t.api, host.address)).toEqual({
        free: before.free - feesPaid([tooLow, tooMuch, result]),
        reserved: before.reserved,
      });
    });
  });

  describe('balances transfers', () => {
    it('transferKeepAlive moves the exact amount and creates the receiving account', async () => {
      const [from] = await t.fundedPairs('money', ['from']);
      if (!from) throw new Error('no pair');
      const to = encodeAddress(stringToU8a('fresh-receiver-account-000000000'), 42);
      const result = await sendTx(t.api, tx(t.api, 'balances', 'transferKeepAlive', to, 3n * UNIT), from);
      expect(result.error).toBeNull();
      expect(callEventNames(result)).toEqual(['system.NewAccount', 'balances.Endowed', 'balances.Transfer']);
      const transfer = findEvent(result.events, 'balances', 'Transfer');
      expect(eventField(transfer, 'from').toString()).toBe(from.address);
      expect(eventField(transfer, 'to').toString()).toBe(to);
      expect(eventField(transfer, 'amount').toString()).toBe((3n * UNIT).toString());
      expect((await balanceOf(t.api, to)).free).toBe(3n * UNIT);
      expect((await balanceOf(t.api, from.address)).free).toBe(997n * UNIT - feePaid(result));
    });

    it('transferKeepAlive refuses to leave less than the existential deposit (Token.NotExpendable)', async () => {
      const [from] = await t.fundedPairs('money', ['keep'], 2n * UNIT);
      if (!from) throw new Error('no pair');
      // After the fee (under one existential deposit) this leaves less than the deposit.
      const most = tx(t.api, 'balances', 'transferKeepAlive', alice.address, 2n * UNIT - EXISTENTIAL_DEPOSIT);
      const refused = await sendTx(t.api, most, from);
      expect(refused.error).toBe('Token.NotExpendable');
      const tooMuch = tx(t.api, 'balances', 'transferKeepAlive', alice.address, 3n * UNIT);
      const unfunded = await sendTx(t.api, tooMuch, from);
      expect(unfunded.error).toBe('Token.FundsUnavailable');
      expect((await balanceOf(t.api, from.address)).free).toBe(2n * UNIT - feesPaid([refused, unfunded]));
    });

    it('transferAllowDeath may empty an account, which is reaped', async () => {
      const [from] = await t.fundedPairs('money', ['die'], 2n * UNIT);
      if (!from) throw new Error('no pair');
      // Everything the fee leaves (estimated on an amount of the same encoded length).
      const estimate = tx(t.api, 'balances', 'transferAllowDeath', alice.address, 2n * UNIT);
      const fee = (await estimate.paymentInfo(from)).partialFee.toBigInt();
      const all = tx(t.api, 'balances', 'transferAllowDeath', alice.address, 2n * UNIT - fee);
      const result = await sendTx(t.api, all, from);
      expect(result.error).toBeNull();
      expect(eventNames(result.events)).toContain('system.KilledAccount');
      const info = await account(t.api, from.address);
      expect(info.providers.toNumber()).toBe(0);
      expect(info.nonce.toNumber()).toBe(0);
      expect(info.data.free.toBigInt()).toBe(0n);
    });

    it('refuses to create an account with less than the existential deposit (Token.BelowMinimum)', async () => {
      const to = encodeAddress(stringToU8a('fresh-receiver-account-111111111'), 42);
      const dust = tx(t.api, 'balances', 'transferAllowDeath', to, EXISTENTIAL_DEPOSIT - 1n);
      expect((await sendTx(t.api, dust, alice)).error).toBe('Token.BelowMinimum');
      expect((await account(t.api, to)).providers.toNumber()).toBe(0);
    });
  });
});
