/**
 * The parts of `pallet_balances` the dev chain needs: free/reserved balances, transfers, reserves,
 * with the checks and events of the real pallet (fungible `transfer`, `ReservableCurrency`).
 */
import { EXISTENTIAL_DEPOSIT } from '../metadata/stardustMetadata.js';
import { big, field, num } from './codecValues.js';
import { DispatchError, ensure } from './DispatchError.js';
import type { ExecutionContext } from './ExecutionContext.js';

export interface AccountState {
  nonce: number;
  consumers: number;
  providers: number;
  sufficients: number;
  free: bigint;
  reserved: bigint;
  frozen: bigint;
  flags: bigint;
}

export function readAccount(ctx: ExecutionContext, who: Uint8Array): AccountState {
  const info = ctx.storage.getOrDefault('System.Account', [who]);
  const data = field(info, 'data');
  return {
    nonce: num(field(info, 'nonce')),
    consumers: num(field(info, 'consumers')),
    providers: num(field(info, 'providers')),
    sufficients: num(field(info, 'sufficients')),
    free: big(field(data, 'free')),
    reserved: big(field(data, 'reserved')),
    frozen: big(field(data, 'frozen')),
    flags: big(field(data, 'flags')),
  };
}

export function writeAccount(ctx: ExecutionContext, who: Uint8Array, a: AccountState): void {
  // frame_system keeps an account while anything references it.
  const alive = a.providers > 0 || a.sufficients > 0 || a.consumers > 0;
  if (!alive) {
    ctx.storage.remove('System.Account', [who]);
    return;
  }
  ctx.storage.set('System.Account', [who], {
    nonce: a.nonce,
    consumers: a.consumers,
    providers: a.providers,
    sufficients: a.sufficients,
    data: { free: a.free, reserved: a.reserved, frozen: a.frozen, flags: a.flags },
  });
}

export function isSameAccount(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** `frame_system::can_dec_provider`: a consumer (e.g. a reserve) keeps the last provider in place. */
function canDecProvider(a: AccountState): boolean {
  return a.consumers === 0 || a.providers > 1;
}

/**
 * `fungible::Mutate::transfer` as `transfer_allow_death` / `transfer_keep_alive` run it: the
 * withdraw check (`can_withdraw`), the deposit check (`can_deposit`), then the events.
 */
export function transfer(
  ctx: ExecutionContext,
  from: Uint8Array,
  to: Uint8Array,
  amount: bigint,
  keepAlive: boolean,
): void {
  const sender = readAccount(ctx, from);
  const remaining = sender.free - amount;
  if (amount > 0n) {
    ensure(remaining >= 0n, () => DispatchError.token('FundsUnavailable'));
    if (remaining < EXISTENTIAL_DEPOSIT) {
      ensure(canDecProvider(sender), () => DispatchError.token('OnlyProvider'));
      ensure(!keepAlive, () => DispatchError.token('NotExpendable'));
    }
    const receiver = readAccount(ctx, to);
    ensure(receiver.free + amount >= EXISTENTIAL_DEPOSIT, () => DispatchError.token('BelowMinimum'));
  }
  if (isSameAccount(from, to)) return;
  if (amount > 0n) {
    const reaped = remaining < EXISTENTIAL_DEPOSIT;
    sender.free = reaped ? 0n : remaining;
    if (reaped) sender.providers -= 1;
    writeAccount(ctx, from, sender);
    if (reaped) {
      ctx.emit('System', 'KilledAccount', { account: from });
      if (remaining > 0n) ctx.emit('Balances', 'DustLost', { account: from, amount: remaining });
    }
    const receiver = readAccount(ctx, to);
    const isNew = receiver.providers === 0;
    receiver.free += amount;
    if (isNew) receiver.providers = 1;
    writeAccount(ctx, to, receiver);
    if (isNew) {
      ctx.emit('System', 'NewAccount', { account: to });
      ctx.emit('Balances', 'Endowed', { account: to, freeBalance: amount });
    }
  }
  ctx.emit('Balances', 'Transfer', { from, to, amount });
}

/** `Currency::transfer`, as pallets call it: a zero amount or a transfer to oneself does nothing. */
export function currencyTransfer(
  ctx: ExecutionContext,
  from: Uint8Array,
  to: Uint8Array,
  amount: bigint,
  keepAlive: boolean,
): void {
  if (amount === 0n || isSameAccount(from, to)) return;
  transfer(ctx, from, to, amount, keepAlive);
}

/**
 * `ReservableCurrency::reserve`. A non-zero reserve holds a consumer reference, so the free balance
 * may not fall below the existential deposit (the provider could not be released).
 */
export function reserve(ctx: ExecutionContext, who: Uint8Array, amount: bigint): void {
  if (amount === 0n) return;
  const account = readAccount(ctx, who);
  ensure(account.free >= amount, () => DispatchError.module('Balances', 'InsufficientBalance'));
  ensure(account.free - amount >= EXISTENTIAL_DEPOSIT, () => DispatchError.consumerRemaining());
  if (account.reserved === 0n) account.consumers += 1;
  account.free -= amount;
  account.reserved += amount;
  writeAccount(ctx, who, account);
  ctx.emit('Balances', 'Reserved', { who, amount });
}

/** `ReservableCurrency::unreserve`: frees up to `amount` of the reserve. */
export function unreserve(ctx: ExecutionContext, who: Uint8Array, amount: bigint): void {
  if (amount === 0n) return;
  const account = readAccount(ctx, who);
  const actual = amount < account.reserved ? amount : account.reserved;
  account.reserved -= actual;
  account.free += actual;
  if (actual > 0n && account.reserved === 0n) account.consumers -= 1;
  writeAccount(ctx, who, account);
  ctx.emit('Balances', 'Unreserved', { who, amount: actual });
}

/** Genesis endowment (no events, as at genesis). */
export function endow(ctx: ExecutionContext, who: Uint8Array, amount: bigint): void {
  const account = readAccount(ctx, who);
  account.free += amount;
  account.providers = Math.max(account.providers, 1);
  writeAccount(ctx, who, account);
}
