import { u8aToHex } from '@polkadot/util';
import { InvalidTransaction } from './runtime/Runtime.js';
import type { ValidExtrinsic } from './runtime/ValidExtrinsic.js';

/**
 * The transaction pool: `ready` extrinsics go into the next block; `future` ones (a nonce above the
 * account's next) wait until the extrinsics before them arrive, as in a node's pool.
 */
export class TransactionPool<E extends ValidExtrinsic> {
  readonly #accountNonce: (who: Uint8Array) => number;
  #ready: E[] = [];
  readonly #future: E[] = [];

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

  /** Takes every ready extrinsic, for the next block. */
  takeReady(): E[] {
    const taken = this.#ready;
    this.#ready = [];
    return taken;
  }
}
