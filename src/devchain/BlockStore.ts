/**
 * Blocks and their state. The head state is one Map; every block keeps an undo log (the values its
 * changes replaced), so the state at any stored block is the head state with later blocks undone.
 * Keys are kept sorted for `state_getKeysPaged`.
 */
export type Hex = `0x${string}`;

export interface HeaderJson {
  parentHash: Hex;
  number: Hex;
  stateRoot: Hex;
  extrinsicsRoot: Hex;
  digest: { logs: Hex[] };
}

export interface StoredBlock {
  number: number;
  hash: Hex;
  header: HeaderJson;
  extrinsics: Hex[];
  /** For each key this block changed: its value before the block (null = absent). */
  undo: Map<Hex, Hex | null>;
}

export class BlockStore {
  readonly #state = new Map<Hex, Hex>();
  #sortedKeys: Hex[] = [];
  readonly #blocks: StoredBlock[] = [];
  readonly #byHash = new Map<Hex, StoredBlock>();

  get head(): StoredBlock {
    const head = this.#blocks[this.#blocks.length - 1];
    if (!head) throw new Error('the chain has no genesis block');
    return head;
  }

  get genesis(): StoredBlock {
    const genesis = this.#blocks[0];
    if (!genesis) throw new Error('the chain has no genesis block');
    return genesis;
  }

  byNumber(n: number): StoredBlock | undefined {
    return this.#blocks[n];
  }

  byHash(hash: string): StoredBlock | undefined {
    return this.#byHash.get(hash.toLowerCase() as Hex);
  }

  /** Reads a key at the head, or at an earlier block. */
  get(key: Hex, at?: StoredBlock): Hex | null {
    if (at && at.number < this.head.number) {
      for (let n = at.number + 1; n <= this.head.number; n++) {
        const undo = this.#blocks[n]?.undo;
        if (undo?.has(key)) return undo.get(key) ?? null;
      }
    }
    return this.#state.get(key) ?? null;
  }

  /** Appends a block whose changes are applied to the head state. */
  append(block: Omit<StoredBlock, 'undo'>, changes: Map<Hex, Hex | null>): StoredBlock {
    const undo = new Map<Hex, Hex | null>();
    for (const [key, value] of changes) {
      const previous = this.#state.get(key) ?? null;
      if (previous === value) continue;
      undo.set(key, previous);
      if (value === null) {
        this.#state.delete(key);
        this.#removeKey(key);
      } else {
        if (previous === null) this.#insertKey(key);
        this.#state.set(key, value);
      }
    }
    const stored: StoredBlock = { ...block, undo };
    this.#blocks.push(stored);
    this.#byHash.set(stored.hash, stored);
    return stored;
  }

  /** Fast path for bulk genesis state: no undo, keys sorted once at the end. */
  loadGenesisState(entries: Iterable<[Hex, Hex]>): void {
    if (this.#blocks.length > 0) throw new Error('genesis state must be loaded before the first block');
    for (const [key, value] of entries) this.#state.set(key, value);
    this.#sortedKeys = [...this.#state.keys()].sort();
  }

  /** Keys with `prefix`, strictly after `startKey`, in order, at most `count`, at block `at`. */
  keysPaged(prefix: Hex, count: number, startKey: Hex | undefined, at?: StoredBlock): Hex[] {
    const from = startKey && startKey > prefix ? startKey : prefix;
    const result: Hex[] = [];
    const historical = at && at.number < this.head.number;
    let i = lowerBound(this.#sortedKeys, from);
    if (this.#sortedKeys[i] === startKey) i++;
    // Keys deleted after `at` exist at `at` but not at the head: merge them in.
    const revived = historical ? this.#revivedKeys(prefix, from, startKey, at) : [];
    let r = 0;
    while (result.length < count) {
      const headKey = this.#sortedKeys[i];
      const inRange = headKey?.startsWith(prefix) === true;
      const revivedKey = revived[r];
      if (!inRange && revivedKey === undefined) break;
      if (revivedKey !== undefined && (!inRange || revivedKey < headKey)) {
        result.push(revivedKey);
        r++;
        continue;
      }
      i++;
      if (headKey && (!historical || this.get(headKey, at) !== null)) result.push(headKey);
    }
    return result;
  }

  #revivedKeys(prefix: Hex, from: Hex, startKey: Hex | undefined, at: StoredBlock): Hex[] {
    const keys = new Set<Hex>();
    for (let n = at.number + 1; n <= this.head.number; n++) {
      for (const key of this.#blocks[n]?.undo.keys() ?? []) {
        if (!key.startsWith(prefix) || key < from || key === startKey) continue;
        if (!this.#state.has(key) && this.get(key, at) !== null) keys.add(key);
      }
    }
    return [...keys].sort();
  }

  #insertKey(key: Hex): void {
    this.#sortedKeys.splice(lowerBound(this.#sortedKeys, key), 0, key);
  }

  #removeKey(key: Hex): void {
    const i = lowerBound(this.#sortedKeys, key);
    if (this.#sortedKeys[i] === key) this.#sortedKeys.splice(i, 1);
  }
}

function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
