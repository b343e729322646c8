import { u8aToHex } from '@polkadot/util';
import type { Hex } from './BlockStore.js';
import { InvalidTransaction } from './runtime/Runtime.js';
import type { ValidExtrinsic } from './runtime/ValidExtrinsic.js';

/**
 * The transaction pool: `ready` extrinsics go into the next block; `future` ones (a nonce above the
 * account's next) wait until the extrinsics before them arrive, as in a node's pool. An extrinsic
 * leaves the pool when a block including it joins the best chain (not when a block is built with it:
 * that block may stay on a fork).
 */
export class TransactionPool<E extends ValidExtrinsic> {
  readonly #accountNonce: (who: Uint8Array) => number;
  #ready: E[] = [];
  #future: E[] = [];

  constructor(accountNonce: (who: Uint8Array) => number) {
    this.#accountNonce = accountNonce;
  }

  get ready(): readonly E[] {
    return this.#ready;
  }

  /** The next nonce of an account: its state nonce plus its ready extrinsics. */
  nextNonce(who: Uint8Array): number {
    const id = u8aToHex(who);
    return this.#accountNonce(who) + this.#ready.filter((e) => u8aToHex(e.signer) === id).length;
  }

  /** Adds a runtime-valid extrinsic (nonce not stale). Throws `InvalidTransaction` for duplicates. */
  add(entry: E): 'ready' | 'future' {
    const all = [...this.#ready, ...this.#future];
    if (all.some((e) => e.hash === entry.hash)) {
      throw new InvalidTransaction(1013, 'Transaction Already Imported', 'Transaction Already Imported');
    }
    const id = u8aToHex(entry.signer);
    if (all.some((e) => e.nonce === entry.nonce && u8aToHex(e.signer) === id)) {
      throw new InvalidTransaction(
        1014,
        'Priority is too low',
        'Transaction with the same nonce is already in the pool',
      );
    }
    if (entry.nonce > this.nextNonce(entry.signer)) {
      this.#future.push(entry);
      return 'future';
    }
    this.#ready.push(entry);
    return 'ready';
  }

  /** Moves future extrinsics whose nonce has become the next one into ready; returns them. */
  promote(): E[] {
    const promoted: E[] = [];
    for (let moved = true; moved; ) {
      moved = false;
      for (const entry of this.#future) {
        if (entry.nonce !== this.nextNonce(entry.signer)) continue;
        this.#future.splice(this.#future.indexOf(entry), 1);
        this.#ready.push(entry);
        promoted.push(entry);
        moved = true;
        break;
      }
    }
    return promoted;
  }

  /** Removes the extrinsics with these hashes (included in the best chain, or refused by it). */
  remove(hashes: ReadonlySet<Hex>): void {
    this.#ready = this.#ready.filter((e) => !hashes.has(e.hash));
    this.#future = this.#future.filter((e) => !hashes.has(e.hash));
  }

  /** Empties the pool and returns what it held, ready first, for re-validation after a re-org. */
  drain(): E[] {
    const all = [...this.#ready, ...this.#future];
    this.#ready = [];
    this.#future = [];
    return all;
  }
}
