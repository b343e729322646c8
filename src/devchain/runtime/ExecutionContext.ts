import type { StorageOverlay } from './StorageOverlay.js';

export type EventPallet = 'System' | 'Balances' | 'TransactionPayment' | 'Sudo' | 'Livestream';

export interface RuntimeEvent {
  pallet: EventPallet;
  name: string;
  /** Field values keyed by the event's field names in camelCase. */
  data: Record<string, unknown>;
  /** The extrinsic index in the block; null for block initialization / finalization. */
  phase: number | null;
}

export type Origin = { kind: 'signed'; who: Uint8Array } | { kind: 'root' };

/** What a call sees while it executes: storage, the block number and an event sink. */
export class ExecutionContext {
  readonly storage: StorageOverlay;
  readonly blockNumber: number;
  readonly #events: RuntimeEvent[] = [];
  #phase: number | null = null;

  constructor(storage: StorageOverlay, blockNumber: number) {
    this.storage = storage;
    this.blockNumber = blockNumber;
  }

  get events(): readonly RuntimeEvent[] {
    return this.#events;
  }

  setPhase(extrinsicIndex: number | null): void {
    this.#phase = extrinsicIndex;
  }

  emit(pallet: EventPallet, name: string, data: Record<string, unknown> = {}): void {
    this.#events.push({ pallet, name, data, phase: this.#phase });
  }

  /** Runs `fn`; when it throws, its storage writes and events are dropped. */
  transactional<T>(fn: () => T): T {
    const mark = this.#events.length;
    try {
      return this.storage.transactional(fn);
    } catch (error) {
      this.#events.length = mark;
      throw error;
    }
  }
}
