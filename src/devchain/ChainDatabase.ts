import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Hex, NewBlock, StoredBlock } from './BlockStore.js';

const hex = z.custom<Hex>((value) => typeof value === 'string' && /^0x[0-9a-f]*$/.test(value));

/** What a block file holds: the block as imported and the state changes it made. */
const persistedBlockSchema = z.object({
  number: z.number().int().nonnegative(),
  hash: hex,
  header: z.object({
    parentHash: hex,
    number: hex,
    stateRoot: hex,
    extrinsicsRoot: hex,
    digest: z.object({ logs: z.array(hex) }),
  }),
  extrinsics: z.array(hex),
  changes: z.array(z.tuple([hex, hex.nullable()])),
});

/** The commit point: the blocks the chain stands on. Rewritten (atomically) whenever a head moves. */
const headsSchema = z.object({ genesis: hex, best: hex, finalized: hex });

export type PersistedBlock = NewBlock & { changes: Map<Hex, Hex | null> };

export interface PersistedChain {
  genesis: Hex;
  /** The best chain, oldest first, genesis excluded (it is rebuilt from the chain's options). */
  blocks: PersistedBlock[];
  finalized: Hex;
}

const HEADS_FILE = 'heads.json';
const BLOCKS_DIR = 'blocks';

/**
 * A dev chain's blocks on disk, so a node that is killed and started again on the same directory
 * continues its chain, as a real node does with its database. One file per block (by hash, with
 * its state changes) and `heads.json` naming genesis, best and finalized. Every file is written to a
 * temporary name and renamed, and a block's file before the heads that name it, so a kill at any
 * moment leaves the last complete heads and every block they need (written without fsync: a kill
 * loses nothing, a power cut may). Genesis is not stored: it is rebuilt from the options and must
 * hash the same. The size grows with the chain (a few KiB per block); fork blocks finality ruled
 * out are deleted, and only the best chain is loaded back.
 */
export class ChainDatabase {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
    mkdirSync(join(dir, BLOCKS_DIR), { recursive: true });
  }

  /** The stored chain, or null when the directory holds none yet. */
  load(): PersistedChain | null {
    const text = readOptional(join(this.#dir, HEADS_FILE));
    if (text === null) return null;
    const heads = headsSchema.parse(JSON.parse(text));
    const blocks: PersistedBlock[] = [];
    for (let hash = heads.best; hash !== heads.genesis; ) {
      const block = this.#readBlock(hash);
      blocks.push(block);
      hash = block.header.parentHash;
    }
    blocks.reverse();
    if (heads.finalized !== heads.genesis && !blocks.some((b) => b.hash === heads.finalized)) {
      throw new Error(`${this.#dir}: the finalized block ${heads.finalized} is not on the best chain`);
    }
    return { genesis: heads.genesis, blocks, finalized: heads.finalized };
  }

  writeBlock(block: StoredBlock): void {
    const { number, hash, header, extrinsics } = block;
    this.#write(
      this.#blockPath(hash),
      JSON.stringify({ number, hash, header, extrinsics, changes: [...block.changes] }),
    );
  }

  writeHeads(genesis: Hex, best: Hex, finalized: Hex): void {
    this.#write(join(this.#dir, HEADS_FILE), JSON.stringify({ genesis, best, finalized }));
  }

  /** Forgets blocks that can never be needed again (forks that finality ruled out). */
  deleteBlocks(blocks: readonly StoredBlock[]): void {
    for (const block of blocks) rmSync(this.#blockPath(block.hash), { force: true });
  }

  #readBlock(hash: Hex): PersistedBlock {
    const text = readOptional(this.#blockPath(hash));
    if (text === null) throw new Error(`${this.#dir}: block ${hash} is missing`);
    const block = persistedBlockSchema.parse(JSON.parse(text));
    if (block.hash !== hash) throw new Error(`${this.#dir}: the file of block ${hash} holds ${block.hash}`);
    return { ...block, changes: new Map(block.changes) };
  }

  #blockPath(hash: Hex): string {
    return join(this.#dir, BLOCKS_DIR, `${hash}.json`);
  }

  /** Whole or not at all: a kill mid-write leaves the temporary file, never a torn one. */
  #write(path: string, text: string): void {
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  }
}

function readOptional(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
