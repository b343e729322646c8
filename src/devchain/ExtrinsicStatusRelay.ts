import type { Hex } from './BlockStore.js';
import type { ExtrinsicStatus } from './DevChain.js';

/** How long Finalized waits at most for the client to read the InBlock block's events. */
export const FINALIZED_HOLD_MS = 5_000;
/**
 * Finalized follows the events reply by this much: sent in the same tick, both frames can reach
 * the client in one read, and it would switch to Finalized before it handled the reply.
 */
export const FINALIZED_AFTER_READ_MS = 25;

/**
 * Relays one watched extrinsic's statuses to its client (`author_extrinsicUpdate`).
 *
 * polkadot.js `signAndSend` maps each status with `switchMap` to a fetch of that block's events, so
 * a Finalized that arrives while InBlock's events are still being fetched cancels InBlock. With
 * instant finality its callers would never see InBlock, which a real node sends seconds before
 * Finalized. So Finalized is held until the client has read `System.Events` at the InBlock block
 * (or for at most FINALIZED_HOLD_MS, for clients that never read them).
 */
export class ExtrinsicStatusRelay {
  readonly #onDone: () => void;
  #emit: ((status: ExtrinsicStatus) => void) | undefined;
  readonly #early: ExtrinsicStatus[] = [];
  #inBlockUnread: Hex | undefined;
  #held: ExtrinsicStatus | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  /** `onDone` runs once a final status (finalized, dropped, invalid) went out. */
  constructor(onDone: () => void = () => undefined) {
    this.#onDone = onDone;
  }

  /** Starts delivering (after the subscription id went out), with the statuses received so far. */
  attach(emit: (status: ExtrinsicStatus) => void): void {
    this.#emit = emit;
    for (const status of this.#early.splice(0)) this.#deliver(status);
  }

  push(status: ExtrinsicStatus): void {
    if (this.#closed) return;
    if (typeof status === 'object' && 'inBlock' in status) this.#inBlockUnread = status.inBlock;
    if (typeof status === 'object' && 'retracted' in status && this.#inBlockUnread === status.retracted) {
      this.#inBlockUnread = undefined;
    }
    if (typeof status === 'object' && 'finalized' in status && this.#inBlockUnread) {
      this.#held = status;
      this.#timer = setTimeout(() => this.#release(), FINALIZED_HOLD_MS);
      this.#timer.unref();
      return;
    }
    this.#deliver(status);
  }

  /** The client read `System.Events` at `blockHash`. */
  eventsRead(blockHash: Hex): void {
    if (blockHash !== this.#inBlockUnread) return;
    this.#inBlockUnread = undefined;
    if (!this.#held) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#release(), FINALIZED_AFTER_READ_MS);
    this.#timer.unref();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  #release(): void {
    clearTimeout(this.#timer);
    this.#inBlockUnread = undefined;
    const held = this.#held;
    this.#held = undefined;
    if (held && !this.#closed) this.#deliver(held);
  }

  #deliver(status: ExtrinsicStatus): void {
    if (!this.#emit) {
      this.#early.push(status);
      return;
    }
    this.#emit(status);
    if (isFinal(status)) this.#onDone();
  }
}

function isFinal(status: ExtrinsicStatus): boolean {
  return (
    status === 'dropped' || status === 'invalid' || (typeof status === 'object' && 'finalized' in status)
  );
}
