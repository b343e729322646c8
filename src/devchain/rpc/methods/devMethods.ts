import type { Hex, StoredBlock } from '../../BlockStore.js';
import { type DevChain, DevChainError } from '../../DevChain.js';
import type { RpcMethods } from '../RpcDispatcher.js';
import { RPC_ERROR, RpcError } from '../RpcError.js';
import { extrinsicParam, hexParam } from '../rpcParams.js';

export const MAX_BLOCKS_PER_CALL = 1000;
/** Extrinsics one `dev_newBlock` may name (a block's worth, far above what a test needs). */
export const MAX_EXTRINSICS_PER_BLOCK = 1000;
const HASH_HEX_LENGTH = 2 + 64;

/**
 * `dev_*`: test hooks over JSON-RPC (names as chopsticks's): blocks on a chosen parent (forks), the
 * best head forced, and finality moved to a chosen block.
 */
export function devMethods(chain: DevChain): RpcMethods {
  const summary = (block: StoredBlock) => ({ hash: block.hash, number: block.number });
  return {
    /** `dev_newBlock({ parent?, extrinsics?, count? })` → `{ hash, number }` of the last block built. */
    dev_newBlock: (p) =>
      devCall(async () => {
        const { parent, extrinsics, count } = newBlockParams(p[0]);
        let block = await chain.newBlock({ parent, extrinsics });
        for (let i = 1; i < count; i++) block = await chain.newBlock({ parent: block.hash });
        return summary(block);
      }),
    dev_setHead: (p) => devCall(() => summary(chain.setHead(blockHashParam(p[0])))),
    dev_finalize: (p) => devCall(() => summary(chain.finalize(blockHashParam(p[0])))),
  };
}

/** The engine's refusals of a block (unknown, pruned, behind finality) as the node's UnknownBlock error. */
async function devCall<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DevChainError) throw new RpcError(RPC_ERROR.unknownBlock, error.message);
    throw error;
  }
}

function blockHashParam(value: unknown): Hex {
  const hash = hexParam(value, 'block hash');
  if (hash.length !== HASH_HEX_LENGTH) throw RpcError.invalidParams('block hash must be 32 bytes');
  return hash;
}

function newBlockParams(value: unknown): { parent?: Hex; extrinsics?: Hex[]; count: number } {
  if (value === undefined || value === null) return { count: 1 };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw RpcError.invalidParams('expected { parent?, extrinsics?, count? }');
  }
  const { parent, extrinsics, count } = value as Record<string, unknown>;
  if (
    count !== undefined &&
    (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_BLOCKS_PER_CALL)
  ) {
    throw RpcError.invalidParams(`count must be an integer from 1 to ${MAX_BLOCKS_PER_CALL}`);
  }
  if (
    extrinsics !== undefined &&
    (!Array.isArray(extrinsics) || extrinsics.length > MAX_EXTRINSICS_PER_BLOCK)
  ) {
    throw RpcError.invalidParams(`extrinsics must be an array of at most ${MAX_EXTRINSICS_PER_BLOCK}`);
  }
  return {
    parent: parent === undefined || parent === null ? undefined : blockHashParam(parent),
    extrinsics: extrinsics?.map((e) => extrinsicParam(e).toLowerCase() as Hex),
    count: count ?? 1,
  };
}
