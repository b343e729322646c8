import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { UNIT } from '../../src/devchain/metadata/stardustMetadata.js';
import {
  type RunningDevChain,
  type StartDevChainOptions,
  startDevChain,
} from '../../src/devchain/startDevChain.js';
import { CHAIN_DISCONNECT_NOISE, captureConsoleNoise } from '../support/consoleNoise.js';

export interface DevChainApi {
  dev: RunningDevChain;
  api: ApiPromise;
  /** The api's provider, for raw JSON-RPC calls (`provider.send(method, params)`). */
  provider: WsProvider;
  /** Fresh sr25519 accounts (`//<label>/<name>`), each endowed by //Alice. */
  fundedPairs(label: string, names: readonly string[], amount?: bigint): Promise<KeyringPair[]>;
  /** Disconnects the api (its disconnect noise kept out of the output) and stops the chain. */
  close(): Promise<void>;
}

export const DEFAULT_FUNDING = 1_000n * UNIT;

/** A dev chain on a free port and a real `ApiPromise` connected to it over WebSocket. */
export async function startDevChainApi(
  options: StartDevChainOptions = {},
  autoConnectMs = 2_500,
): Promise<DevChainApi> {
  const dev = await startDevChain({ ...options, port: 0 });
  const provider = new WsProvider(dev.url, autoConnectMs);
  const api = await ApiPromise.create({
    provider,
    noInitWarn: true,
    throwOnConnect: true,
  });
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  return {
    dev,
    api,
    provider,
    fundedPairs: async (label, names, amount = DEFAULT_FUNDING) => {
      const pairs = names.map((name) => keyring.addFromUri(`//${label}/${name}`));
      for (const pair of pairs) {
        // Set-up through the in-process hook (a real signed extrinsic), to keep tests fast.
        const outcome = await dev.chain.send('Alice', 'balances', 'transferKeepAlive', pair.address, amount);
        if (!outcome.success) throw new Error(`funding ${label}/${pair.address}: ${outcome.error}`);
      }
      return pairs;
    },
    close: async () => {
      // An extrinsic watch or subscription still open is reported by polkadot.js as cut off.
      const noise = captureConsoleNoise(CHAIN_DISCONNECT_NOISE);
      try {
        // disconnect() only starts the close; the cut-off requests are reported when it completes
        // (on a busy box, after dev.close() has resolved), so the console is held until then.
        const closed = untilDisconnected(provider);
        await api.disconnect();
        await closed;
        await dev.close();
      } finally {
        noise.restore();
      }
    },
  };
}

/** Resolves once `provider` has handled its connection's close (at once when not connected). */
function untilDisconnected(provider: WsProvider): Promise<void> {
  if (!provider.isConnected) return Promise.resolve();
  return new Promise((resolve) => {
    const off = provider.on('disconnected', () => {
      off();
      resolve();
    });
  });
}
