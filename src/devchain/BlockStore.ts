/**
 * Blocks (a tree of forks, keyed by hash, with parent links) and their state. The state of the best
 * head is one Map; every block keeps its changes and an undo log (the values its changes replaced),
 * so the state at any block is the head state undone down to the branch point, then the fork's
 * changes on top. Keys are kept sorted for `state_getKeysPaged`.
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
  /** Held by reference, so a pruned block a reader still holds keeps its ancestry (and its state). */
  parent: StoredBlock | undefined;
  /** The keys this block changed and their new values (null = deleted). */
  changes: Map<Hex, Hex | null>;
  /** For each key this block changed: its value before the block (null = absent). */
  undo: Map<Hex, Hex | null>;
}

export type NewBlock = Omit<StoredBlock, 'changes' | 'undo' | 'parent'>;

/** How the best chain moved: the blocks that left it (head first) and those that joined it (in order). */
export interface Reorg {
  retracted: StoredBlock[];
  enacted: StoredBlock[];
}

export class BlockStore {
  readonly #state = new Map<Hex, Hex>();
  #sortedKeys: Hex[] = [];
  /** The best chain by number (`chain_getBlockHash`). */
  readonly #canonical: StoredBlock[] = [];
  readonly #byHash = new Map<Hex, StoredBlock>();
  /** Blocks without children: the tips of the forks. */
  readonly #leaves = new Set<StoredBlock>();

  get head(): StoredBlock {
    const head = this.#canonical[this.#canonical.length - 1];
    if (!head) throw new Error('the chain has no genesis block');
    return head;
  }

  get genesis(): StoredBlock {
    const genesis = this.#canonical[0];
    if (!genesis) throw new Error('the chain has no genesis block');
    return genesis;
  }

  /** The best chain's block at `n`. */
  byNumber(n: number): StoredBlock | undefined {
    return this.#canonical[n];
  }

  /** Any block not pruned. */
  byHash(hash: string): StoredBlock | undefined {
    return this.#byHash.get(hash.toLowerCase() as Hex);
  }

  /** Whether `block` is on the best chain (the head or one of its ancestors). */
  isCanonical(block: StoredBlock): boolean {
    return this.#canonical[block.number] === block;
  }

  /** The ancestor of `block` (or itself) at height `n`. */
  ancestorAt(block: StoredBlock, n: number): StoredBlock | undefined {
    if (n > block.number || n < 0) return undefined;
    let b: StoredBlock | undefined = block;
    while (b && b.number > n && !this.isCanonical(b)) b = b.parent;
    return b && this.isCanonical(b) ? this.#canonical[n] : b;
  }

  /** Whether `descendant` is `ancestor` or descends from it. */
  descendsFrom(descendant: StoredBlock, ancestor: StoredBlock): boolean {
    return this.ancestorAt(descendant, ancestor.number) === ancestor;
  }

  /** The highest block descending from `block` (itself when none); ties: the first imported. */
  longestDescendant(block: StoredBlock): StoredBlock {
    let best = block;
    for (const leaf of this.#leaves) {
      if (leaf.number > best.number && this.descendsFrom(leaf, block)) best = leaf;
    }
    return best;
  }

  /** The stored blocks descending from `block` (not itself), parents before children. */
  descendantsOf(block: StoredBlock): StoredBlock[] {
    const found = new Set<StoredBlock>();
    for (const leaf of this.#leaves) {
      if (leaf.number <= block.number || !this.descendsFrom(leaf, block)) continue;
      for (let b: StoredBlock | undefined = leaf; b && b !== block && !found.has(b); b = b.parent)
        found.add(b);
    }
    return [...found].sort((a, b) => a.number - b.number);
  }

  /** Reads a key at the head, or at any block (a fork's, or a pruned one still held). */
  get(key: Hex, at?: StoredBlock): Hex | null {
    let b = at;
    while (b && !this.isCanonical(b)) {
      if (b.changes.has(key)) return b.changes.get(key) ?? null;
      b = b.parent;
    }
    if (b) {
      const head = this.head.number;
      for (let n = b.number + 1; n <= head; n++) {
        const undo = this.#canonical[n]?.undo;
        if (undo?.has(key)) return undo.get(key) ?? null;
      }
    }
    return this.#state.get(key) ?? null;
  }

  /**
   * Stores a block built on `parent` (its changes applied to the parent's state); it joins the best
   * chain only through `setHead`. Genesis has no parent.
   */
  import(block: NewBlock, parent: StoredBlock | undefined, changes: Map<Hex, Hex | null>): StoredBlock {
    if (this.#byHash.has(block.hash)) throw new Error(`block ${block.hash} is already imported`);
    const undo = new Map<Hex, Hex | null>();
    const effective = new Map<Hex, Hex | null>();
    for (const [key, value] of changes) {
      const previous = parent ? this.get(key, parent) : (this.#state.get(key) ?? null);
      if (previous === value) continue;
      undo.set(key, previous);
      effective.set(key, value);
    }
    const stored: StoredBlock = { ...block, parent, changes: effective, undo };
    this.#byHash.set(stored.hash, stored);
    if (parent) this.#leaves.delete(parent);
    this.#leaves.add(stored);
    if (!parent) {
      for (const [key, value] of effective) this.#write(key, value);
      this.#canonical.push(stored);
    }
    return stored;
  }

  /** Makes `block` the best head: the state follows it and the numbers answer its chain. */
  setHead(block: StoredBlock): Reorg {
    const enacted: StoredBlock[] = [];
    let branch: StoredBlock | undefined = block;
    while (branch && !this.isCanonical(branch)) {
      enacted.unshift(branch);
      branch = branch.parent;
    }
    if (!branch) throw new Error(`block ${block.hash} does not descend from genesis`);
    const retracted: StoredBlock[] = [];
    for (let n = this.head.number; n > branch.number; n--) {
      const old = this.#canonical[n] as StoredBlock;
      for (const [key, value] of old.undo) this.#write(key, value);
      retracted.push(old);
    }
    this.#canonical.length = branch.number + 1;
    for (const b of enacted) {
      for (const [key, value] of b.changes) this.#write(key, value);
      this.#canonical.push(b);
    }
    return { retracted, enacted };
  }

  /**
   * Forgets every block that is neither an ancestor nor a descendant of `finalized` (which must be
   * on the best chain), as a node prunes the forks finality ruled out; returns them.
   */
  prune(finalized: StoredBlock): StoredBlock[] {
    const pruned = new Set<StoredBlock>();
    for (const leaf of [...this.#leaves]) {
      if (this.descendsFrom(leaf, finalized)) continue;
      this.#leaves.delete(leaf);
      for (let b: StoredBlock | undefined = leaf; b && !this.isCanonical(b) && !pruned.has(b); b = b.parent) {
        pruned.add(b);
        this.#byHash.delete(b.hash);
      }
    }
    return [...pruned].sort((a, b) => a.number - b.number);
  }

  /** Fast path for bulk genesis state: no undo, keys sorted once at the end. */
  loadGenesisState(entries: Iterable<[Hex, Hex]>): void {
    if (this.#canonical.length > 0) throw new Error('genesis state must be loaded before the first block');
    for (const [key, value] of entries) this.#state.set(key, value);
    this.#sortedKeys = [...this.#state.keys()].sort();
  }

  /** Keys with `prefix`, strictly after `startKey`, in order, at most `count`, at block `at`. */
  keysPaged(prefix: Hex, count: number, startKey: Hex | undefined, at?: StoredBlock): Hex[] {
    const from = startKey && startKey > prefix ? startKey : prefix;
    const result: Hex[] = [];
    const historical = at !== undefined && at !== this.head;
    let i = lowerBound(this.#sortedKeys, from);
    if (this.#sortedKeys[i] === startKey) i++;
    // Keys absent at the head but present at `at` (deleted since, or written on its fork): merge them in.
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

  /** The keys changed between `at` and the head: on `at`'s fork, and on the best chain above the branch. */
  #revivedKeys(prefix: Hex, from: Hex, startKey: Hex | undefined, at: StoredBlock): Hex[] {
    const path: StoredBlock[] = [];
    let b: StoredBlock | undefined = at;
    for (; b && !this.isCanonical(b); b = b.parent) path.push(b);
    for (let n = (b?.number ?? 0) + 1; n <= this.head.number; n++)
      path.push(this.#canonical[n] as StoredBlock);
    const keys = new Set<Hex>();
    for (const block of path) {
      for (const key of block.undo.keys()) {
        if (!key.startsWith(prefix) || key < from || key === startKey) continue;
        if (!this.#state.has(key) && this.get(key, at) !== null) keys.add(key);
      }
    }
    return [...keys].sort();
  }

  #write(key: Hex, value: Hex | null): void {
    if (value === null) {
      if (this.#state.delete(key)) this.#removeKey(key);
      return;
    }
    if (!this.#state.has(key)) this.#insertKey(key);
    this.#state.set(key, value);
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
