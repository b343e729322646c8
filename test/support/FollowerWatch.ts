import type { FinalizedBlockFollower } from '../../src/chain/FinalizedBlockFollower.js';

interface Waiter {
  target: number;
  resolve: () => void;
}

/**
 * Lets a test await the follower: `reached(n)` resolves once block `n` has been fully processed
 * (every handler ran and the cursor moved), without polling or sleeping. Register it after the
 * handlers under test: it sees each block after them.
 */
export class FollowerWatch {
  readonly #follower: FinalizedBlockFollower;
  readonly #waiters = new Set<Waiter>();
  /** The highest block handed to the handlers (the cursor moves just after). */
  #seen = -1;

  constructor(follower: FinalizedBlockFollower) {
    this.#follower = follower;
    follower.onBlock((block) => this.#see(block.number));
    // A reset may move back (another chain): what counts is that chain's head.
    follower.onReset((head) => {
      this.#seen = head.number;
      this.#see(head.number);
    });
  }

  async reached(number: number): Promise<void> {
    if (Math.max(this.#seen, this.#follower.cursor?.number ?? -1) < number) {
      await new Promise<void>((resolve) => this.#waiters.add({ target: number, resolve }));
    }
    // Handlers run before the cursor moves; the queue settles once it has.
    await this.#follower.idle();
  }

  #see(number: number): void {
    this.#seen = Math.max(this.#seen, number);
    for (const waiter of this.#waiters) {
      if (number >= waiter.target) {
        this.#waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }
}
