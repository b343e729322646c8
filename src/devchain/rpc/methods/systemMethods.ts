import type { DevChain } from '../../DevChain.js';
import { CHAIN_PROPERTIES } from '../../metadata/stardustMetadata.js';
import type { RpcMethods } from '../RpcDispatcher.js';
import { accountIdParam } from '../rpcParams.js';

/** A fixed libp2p peer id (Ed25519 identity multihash, base58): the dev chain has no network. */
export const LOCAL_PEER_ID = '12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp';

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
    system_localPeerId: () => LOCAL_PEER_ID,
    system_localListenAddresses: () => [],
    // The one node of a dev chain authors every block.
    system_nodeRoles: () => ['Authority'],
    system_syncState: () => ({
      startingBlock: 0,
      currentBlock: chain.head.number,
      highestBlock: chain.head.number,
    }),
  };
}
