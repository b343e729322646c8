import type { DevChain } from '../../DevChain.js';
import { CHAIN_PROPERTIES } from '../../metadata/stardustMetadata.js';
import type { RpcMethods } from '../RpcDispatcher.js';
import { accountIdParam } from '../rpcParams.js';

/** `system_*`: the node's identity and health. */
export function systemMethods(chain: DevChain): RpcMethods {
  return {
    system_chain: () => 'Stardust Development',
    system_name: () => 'Stardust Dev Chain',
    system_version: () => '1.0.0-devchain',
    system_chainType: () => 'Development',
    system_properties: () => ({ ...CHAIN_PROPERTIES }),
    system_health: () => ({ peers: 0, isSyncing: false, shouldHavePeers: false }),
    system_peers: () => [],
    system_accountNextIndex: (p) => chain.nextNonce(accountIdParam(p[0])),
  };
}
