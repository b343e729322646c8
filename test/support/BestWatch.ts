import type { BestBlockFollower, BlockKind } from '../../src/chain/BestBlockFollower.js';

interface Waiter {
  hash: string;
  kinds: readonly BlockKind[];
  resolve: () => void;
}

/**
 * Lets a test await the best-block follower: `applied(hash)` resolves once the block with that hash
 * went through the pipeline (as best by default), `retracted(hash)` once it was taken back. Register
 * it after the pipeline's handlers: it sees each block after them.
 */
export class BestWatch {
  readonly #seen = new Map<string, Set<BlockKind | 'retracted'>>();
  readonly #waiters = new Set<Waiter & { retracted: boolean }>();

  constructor(follower: BestBlockFollower) {
    follower.onBlock((block, kind) => this.#see(block.hash, kind));
    follower.onRetract((block) => this.#see(block.hash, 'retracted'));
  }

  applied(hash: string, kinds: readonly BlockKind[] = ['best']): Promise<void> {
    return this.#wait(hash, kinds, false);
  }

  retracted(hash: string): Promise<void> {
    return this.#wait(hash, [], true);
  }

  #wait(hash: string, kinds: readonly BlockKind[], retracted: boolean): Promise<void> {
    if (this.#has(hash, kinds, retracted)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.add({ hash, kinds, retracted, resolve }));
  }

  #has(hash: string, kinds: readonly BlockKind[], retracted: boolean): boolean {
    const seen = this.#seen.get(hash);
    if (!seen) return false;
    return retracted ? seen.has('retracted') : kinds.some((kind) => seen.has(kind));
  }

  #see(hash: string, what: BlockKind | 'retracted'): void {
    const seen = this.#seen.get(hash) ?? new Set();
    seen.add(what);
    this.#seen.set(hash, seen);
    for (const waiter of this.#waiters) {
      if (this.#has(waiter.hash, waiter.kinds, waiter.retracted)) {
        this.#waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }
}
