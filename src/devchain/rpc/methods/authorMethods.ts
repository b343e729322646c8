import type { DevChain } from '../../DevChain.js';
import { ExtrinsicStatusRelay } from '../../ExtrinsicStatusRelay.js';
import type { RpcConnection } from '../RpcConnection.js';
import type { RpcMethods } from '../RpcDispatcher.js';
import { extrinsicParam } from '../rpcParams.js';

/** `author_*`: submitting and watching extrinsics. */
export function authorMethods(chain: DevChain): RpcMethods {
  return {
    author_submitExtrinsic: (p) => chain.submit(extrinsicParam(p[0])),
    author_submitAndWatchExtrinsic: (p, conn) => {
      const hex = extrinsicParam(p[0]);
      const relay = new ExtrinsicStatusRelay(() => conn.relays.delete(relay));
      // Validate synchronously so an invalid extrinsic is answered with an error, as by a node.
      chain.submit(hex, (status) => relay.push(status));
      conn.relays.add(relay);
      return conn.subscribe('extrinsic', 'author_extrinsicUpdate', (emit) => {
        relay.attach(emit);
        return () => {
          relay.close();
          conn.relays.delete(relay);
        };
      });
    },
    author_unwatchExtrinsic: (p: unknown[], conn: RpcConnection) => conn.unsubscribe(p[0]),
    author_pendingExtrinsics: () => chain.pendingExtrinsics,
  };
}
