import type { DevChain } from '../../DevChain.js';
import type { RpcMethods } from '../RpcDispatcher.js';

export const MAX_BLOCKS_PER_CALL = 1000;

/** `dev_*`: test hooks over JSON-RPC, as chopsticks names them. */
export function devMethods(chain: DevChain): RpcMethods {
  return {
    dev_newBlock: async (p) => {
      const options = (p[0] ?? {}) as { count?: unknown };
      const count =
        typeof options.count === 'number' && options.count > 0
          ? Math.min(options.count, MAX_BLOCKS_PER_CALL)
          : 1;
      return (await chain.newBlocks(count)).hash;
    },
  };
}
