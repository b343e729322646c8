/** The parts of `pallet_balances` the dev chain needs: free/reserved balances, transfers, reserves. */
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
  const alive = a.free + a.reserved > 0n || a.providers > 0 || a.nonce > 0;
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

/** Adds to `free`, creating the account (NewAccount + Endowed) when it did not exist. */
function deposit(ctx: ExecutionContext, who: Uint8Array, amount: bigint): void {
  const account = readAccount(ctx, who);
  const isNew = account.providers === 0;
  ensure(!isNew || amount >= EXISTENTIAL_DEPOSIT, () => DispatchError.token('BelowMinimum'));
  account.free += amount;
  if (isNew) account.providers = 1;
  writeAccount(ctx, who, account);
  if (isNew) {
    ctx.emit('System', 'NewAccount', { account: who });
    ctx.emit('Balances', 'Endowed', { account: who, freeBalance: amount });
  }
}

export function transfer(
  ctx: ExecutionContext,
  from: Uint8Array,
  to: Uint8Array,
  amount: bigint,
  keepAlive: boolean,
): void {
  if (amount === 0n || isSameAccount(from, to)) {
    ctx.emit('Balances', 'Transfer', { from, to, amount });
    return;
  }
  const sender = readAccount(ctx, from);
  ensure(sender.free >= amount, () => DispatchError.token('FundsUnavailable'));
  const remaining = sender.free - amount;
  // A reserve is a consumer: such an account may not be reaped, as with keep-alive.
  const mustStayAlive = keepAlive || sender.reserved > 0n || sender.consumers > 0;
  ensure(remaining >= EXISTENTIAL_DEPOSIT || !mustStayAlive, () => DispatchError.token('NotExpendable'));
  deposit(ctx, to, amount);
  const reaped = remaining < EXISTENTIAL_DEPOSIT;
  sender.free = reaped ? 0n : remaining;
  if (reaped) sender.providers = 0;
  writeAccount(ctx, from, sender);
  ctx.emit('Balances', 'Transfer', { from, to, amount });
  if (reaped) {
    if (remaining > 0n) ctx.emit('Balances', 'DustLost', { account: from, amount: remaining });
    ctx.emit('System', 'KilledAccount', { account: from });
  }
}

export function reserve(ctx: ExecutionContext, who: Uint8Array, amount: bigint): void {
  const account = readAccount(ctx, who);
  ensure(account.free >= amount + EXISTENTIAL_DEPOSIT, () =>
    DispatchError.module('Balances', 'InsufficientBalance'),
  );
  account.free -= amount;
  account.reserved += amount;
  writeAccount(ctx, who, account);
  ctx.emit('Balances', 'Reserved', { who, amount });
}

export function unreserve(ctx: ExecutionContext, who: Uint8Array, amount: bigint): void {
  const account = readAccount(ctx, who);
  const actual = amount < account.reserved ? amount : account.reserved;
  account.reserved -= actual;
  account.free += actual;
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
