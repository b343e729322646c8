import { DevChain, type DevChainOptions } from './DevChain.js';
import { DevChainServer } from './DevChainServer.js';
import { bulkRoomsGenesis, type SeedSpec, seedDemo } from './seeds.js';

export interface StartDevChainOptions extends Omit<DevChainOptions, 'genesisState'> {
  host?: string;
  /** 0 = a free port. */
  port?: number;
  seed?: SeedSpec;
}

export interface RunningDevChain {
  url: string;
  chain: DevChain;
  server: DevChainServer;
  /** Stops serving and producing blocks. Idempotent. */
  close(): Promise<void>;
}

/** Starts a seeded dev chain served over JSON-RPC WebSocket. */
export async function startDevChain(options: StartDevChainOptions = {}): Promise<RunningDevChain> {
  const seed = options.seed ?? { kind: 'none' };
  const chain = await DevChain.create({
    ...options,
    genesisState: seed.kind === 'rooms' ? bulkRoomsGenesis(seed.count) : undefined,
  });
  // A chain continued from its base path has its scene already.
  if (seed.kind === 'demo' && chain.head.number === 0) await seedDemo(chain);
  const server = new DevChainServer(chain, { host: options.host, port: options.port });
  const url = await server.start();
  let closing: Promise<void> | undefined;
  return {
    url,
    chain,
    server,
    close: () => {
      closing ??= server.stop().then(() => chain.close());
      return closing;
    },
  };
}
