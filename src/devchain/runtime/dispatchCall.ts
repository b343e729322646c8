import type { Call } from '@polkadot/types/interfaces';
import type { Codec } from '@polkadot/types/types';
import { stringCamelCase } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';
import { isSameAccount, transfer } from './balances.js';
import { big, bytes, variantName } from './codecValues.js';
import { DispatchError, ensure } from './DispatchError.js';
import type { ExecutionContext, Origin } from './ExecutionContext.js';
import { livestreamCalls } from './livestreamPallet.js';
import type { Pays } from './weights.js';

type Args = Record<string, Codec>;

function argsOf(call: Call): Args {
  const names = Object.keys(call.argsDef);
  return Object.fromEntries(names.map((name, i) => [stringCamelCase(name), call.args[i] as Codec]));
}

function signedWho(origin: Origin): Uint8Array {
  ensure(origin.kind === 'signed', DispatchError.badOrigin);
  return origin.who;
}

function lookup(address: Codec): Uint8Array {
  // MultiAddress: only `Id` resolves on this runtime (no indices pallet).
  ensure(variantName(address) === 'Id', () => new DispatchError('CannotLookup', 'CannotLookup'));
  return bytes((address as unknown as { value: Codec }).value);
}

function ensureSudo(ctx: ExecutionContext, origin: Origin): Uint8Array {
  const who = signedWho(origin);
  const key = ctx.storage.get('Sudo.Key');
  ensure(key !== null && isSameAccount(bytes(key), who), () => DispatchError.module('Sudo', 'RequireSudo'));
  return who;
}

/** What a successful dispatch may change about its own charging (`PostDispatchInfo`). */
export interface PostDispatchInfo {
  paysFee?: Pays;
}

/** Sudo's calls refund the fee when they pass the sudo check ("Sudo user does not pay a fee"). */
const FREE: PostDispatchInfo = { paysFee: 'No' };

/** Routes a decoded call to its pallet; throws `DispatchError` to fail the dispatch. */
export function dispatchCall(ctx: ExecutionContext, origin: Origin, call: Call): PostDispatchInfo {
  const args = argsOf(call);
  const arg = (name: string): Codec => {
    const value = args[name];
    if (value === undefined) throw new Error(`missing argument ${name}`);
    return value;
  };
  switch (`${call.section}.${call.method}`) {
    case 'system.remark':
      return {};
    case 'system.remarkWithEvent': {
      const sender = signedWho(origin);
      ctx.emit('System', 'Remarked', { sender, hash: blake2AsU8a(bytes(arg('remark'))) });
      return {};
    }
    case 'balances.transferAllowDeath':
      transfer(ctx, signedWho(origin), lookup(arg('dest')), big(arg('value')), false);
      return {};
    case 'balances.transferKeepAlive':
      transfer(ctx, signedWho(origin), lookup(arg('dest')), big(arg('value')), true);
      return {};
    case 'sudo.sudo': {
      ensureSudo(ctx, origin);
      let result: unknown = { Ok: [] };
      try {
        ctx.transactional(() => dispatchCall(ctx, { kind: 'root' }, arg('call') as Call));
      } catch (error) {
        if (!(error instanceof DispatchError)) throw error;
        result = { Err: error.value };
      }
      ctx.emit('Sudo', 'Sudid', { sudoResult: result });
      return FREE;
    }
    case 'sudo.setKey': {
      ensureSudo(ctx, origin);
      const old = ctx.storage.get('Sudo.Key');
      const next = lookup(arg('new'));
      ctx.storage.set('Sudo.Key', [], next);
      ctx.emit('Sudo', 'KeyChanged', { old: old === null ? null : bytes(old), new: next });
      return FREE;
    }
    case 'timestamp.set':
      // Only the block author's inherent may set the time.
      throw DispatchError.badOrigin();
    default: {
      const handler = call.section === 'livestream' ? livestreamCalls[call.method] : undefined;
      if (!handler)
        throw new DispatchError('CannotLookup', `unsupported call ${call.section}.${call.method}`);
      handler(ctx, origin, args);
      return {};
    }
  }
}
