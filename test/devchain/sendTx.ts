import type { ApiPromise } from '@polkadot/api';
import type { SignerOptions, SubmittableExtrinsic } from '@polkadot/api/types';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { DispatchError, EventRecord } from '@polkadot/types/interfaces';
import type { Codec } from '@polkadot/types/types';
import { isEvent, tx } from './polkadotAccess.js';

export interface TxResult {
  blockHash: string;
  /** The extrinsic's index in its block (0 is the timestamp inherent). */
  index: number;
  /** This extrinsic's events, as polkadot.js filtered them. */
  events: EventRecord[];
  /** The dispatch error's name, e.g. `livestream.NotRoomHost`, `BadOrigin`, `Token.NotExpendable`. */
  error: string | null;
  statuses: string[];
}

/** `section.Name` of a dispatch error, through `api.registry.findMetaError` for module errors. */
export function dispatchErrorName(api: ApiPromise, error: DispatchError): string {
  if (error.isModule) {
    const meta = api.registry.findMetaError(error.asModule);
    return `${meta.section}.${meta.name}`;
  }
  if (error.isToken) return `Token.${error.asToken.type}`;
  if (error.isArithmetic) return `Arithmetic.${error.asArithmetic.type}`;
  return error.type;
}

/** `tx.signAndSend(signer, cb)`, resolved once the extrinsic is InBlock (or Finalized). */
export function sendTx(
  api: ApiPromise,
  tx: SubmittableExtrinsic<'promise'>,
  signer: KeyringPair,
  until: 'InBlock' | 'Finalized' = 'InBlock',
  options: Partial<SignerOptions> = {},
): Promise<TxResult> {
  const statuses: string[] = [];
  return new Promise<TxResult>((resolve, reject) => {
    let unsubscribe: (() => void) | undefined;
    let done = false;
    tx.signAndSend(signer, options, (result) => {
      statuses.push(result.status.type);
      if (result.isError) {
        done = true;
        unsubscribe?.();
        reject(new Error(`extrinsic ${result.status.type}`));
        return;
      }
      // Finalized implies in a block (a loaded machine may deliver it in place of InBlock).
      const reached = result.status.isFinalized || (until === 'InBlock' && result.status.isInBlock);
      if (!reached || done) return;
      done = true;
      unsubscribe?.();
      resolve({
        blockHash: (result.status.isInBlock ? result.status.asInBlock : result.status.asFinalized).toHex(),
        index: result.txIndex ?? -1,
        events: result.events,
        error: result.dispatchError ? dispatchErrorName(api, result.dispatchError) : null,
        statuses,
      });
    })
      .then((unsub) => {
        if (done) unsub();
        else unsubscribe = unsub;
      })
      .catch(reject);
  });
}

/** A named field of an event (`event.data.roomId`), as polkadot.js exposes it. */
export function eventField(record: EventRecord, name: string): Codec {
  const value = (record.event.data as unknown as Record<string, Codec | undefined>)[name];
  if (value === undefined) throw new Error(`${record.event.section}.${record.event.method} has no ${name}`);
  return value;
}

/** The first event `section.method` among `events`. */
export function findEvent(events: readonly EventRecord[], section: string, method: string): EventRecord {
  const found = events.find((e) => e.event.section === section && e.event.method === method);
  if (!found) {
    const seen = events.map((e) => `${e.event.section}.${e.event.method}`).join(', ');
    throw new Error(`no ${section}.${method} among [${seen}]`);
  }
  return found;
}

/** The fee the extrinsic paid (TransactionFeePaid's `actualFee`, tip included). */
export function feePaid(result: TxResult): bigint {
  const paid = findEvent(result.events, 'transactionPayment', 'TransactionFeePaid');
  return (eventField(paid, 'actualFee') as unknown as { toBigInt(): bigint }).toBigInt();
}

/** The fees a series of extrinsics paid, summed. */
export function feesPaid(results: readonly TxResult[]): bigint {
  return results.reduce((sum, r) => sum + feePaid(r), 0n);
}

/** A call's own events between the fee's withdrawal and its settlement (`Withdraw` … `TransactionFeePaid`). */
export function callEventNames(result: TxResult): string[] {
  const names = eventNames(result.events);
  const [withdraw, ...rest] = names;
  if (withdraw !== 'balances.Withdraw') throw new Error(`no fee withdrawal first: [${names.join(', ')}]`);
  const settled = rest.indexOf('transactionPayment.TransactionFeePaid');
  if (settled < 0) throw new Error(`no TransactionFeePaid: [${names.join(', ')}]`);
  return rest.slice(0, settled);
}

/** Events as `section.Method` names, in order. */
export function eventNames(events: readonly EventRecord[]): string[] {
  return events.map((e) => `${e.event.section}.${e.event.method}`);
}

/**
 * `sudo.sudo(call)` signed by `signer`: the outer result, plus the inner call's error from
 * `Sudid { sudo_result }` (null when the inner call succeeded).
 */
export async function sendSudo(
  api: ApiPromise,
  call: SubmittableExtrinsic<'promise'>,
  signer: KeyringPair,
): Promise<TxResult & { sudoError: string | null }> {
  const result = await sendTx(api, tx(api, 'sudo', 'sudo', call), signer);
  const sudid = result.events.find((e) => isEvent(api, 'sudo', 'Sudid', e.event));
  if (!sudid) return { ...result, sudoError: null };
  const sudoResult = eventField(sudid, 'sudoResult') as unknown as {
    isErr: boolean;
    asErr: DispatchError;
  };
  return { ...result, sudoError: sudoResult.isErr ? dispatchErrorName(api, sudoResult.asErr) : null };
}

/** The number of the block with `hash`. */
export async function blockNumberOf(api: ApiPromise, hash: string): Promise<number> {
  return (await api.rpc.chain.getHeader(hash)).number.toNumber();
}
