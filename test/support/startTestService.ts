import type { KeyringPair } from '@polkadot/keyring/types';
import { stringToU8a, u8aToHex } from '@polkadot/util';
import type { ChainStatus } from '../../src/chain/ChainClient.js';
import type { RoomType } from '../../src/chain/types.js';
import type { Config } from '../../src/config/Config.js';
import { loadConfig } from '../../src/config/loadConfig.js';
import type { SubmitOutcome } from '../../src/devchain/DevChain.js';
import type { DevAccountName } from '../../src/devchain/genesis.js';
import { UNIT } from '../../src/devchain/metadata/stardustMetadata.js';
import { type RunningDevChain, startDevChain } from '../../src/devchain/startDevChain.js';
import { type RunningService, startService } from '../../src/startService.js';
import { FakeLiveKitServer, type FakeLiveKitServerOptions } from './FakeLiveKitServer.js';
import { FollowerWatch } from './FollowerWatch.js';
import { captureLogs, type LogCapture } from './logCapture.js';

/** Limits far above what one test file sends, so only the rate-limit tests ever meet one. */
const TEST_RATE_LIMIT_MAX_REQUESTS = '100000';
/** What `fund` transfers by default: enough for a room deposit, a ticket and fees. */
export const DEFAULT_FUNDING = 1_000n * UNIT;

export interface StartTestServiceOptions {
  /** Extra environment for `loadConfig` (e.g. `RATE_LIMIT_ACCOUNT_MAX`), over the test defaults. */
  env?: NodeJS.ProcessEnv;
  /** Options of the fake LiveKit server (e.g. non-dev credentials, which production requires, or `autoCreate: false`, as production runs LiveKit). */
  livekit?: FakeLiveKitServerOptions;
}

export interface NewRoom {
  title?: string;
  description?: string | null;
  type?: RoomType;
  /** Ticket price in planck (Paid rooms); default 5 DUST for a Paid room. */
  ticketPrice?: bigint | null;
}

type Signer = DevAccountName | KeyringPair;

export interface TestService extends Omit<RunningService, 'devchain' | 'close'> {
  /** The service's own dev chain (demo seed), reached over WebSocket like a real node. */
  devchain: RunningDevChain;
  livekit: FakeLiveKitServer;
  config: Config;
  logs: LogCapture;
  /** Resolves once the service has processed every block the dev chain has finalized so far. */
  synced(): Promise<void>;
  /** Resolves when the chain client reports `status` (at once when it already does). */
  chainStatus(status: ChainStatus): Promise<void>;
  /** Submits an extrinsic that must succeed; resolves once the service has processed its block. */
  send(who: Signer, section: string, method: string, ...args: unknown[]): Promise<SubmitOutcome>;
  /** As `send`, through sudo. */
  sudo(section: string, method: string, ...args: unknown[]): Promise<SubmitOutcome>;
  /** Transfers from //Alice so `address` can pay deposits, tickets and fees. */
  fund(address: string, amount?: bigint): Promise<void>;
  /** Creates a room hosted by `host` (funded beforehand) and returns its id. */
  createRoom(host: Signer, room?: NewRoom): Promise<number>;
  /** Stops the dev chain's RPC server; resolves when the service has noticed. */
  chainDown(): Promise<void>;
  /** Serves the dev chain again on its port; resolves when the service has reconnected and caught up. */
  chainUp(): Promise<void>;
  close(): Promise<void>;
}

/** The config the test service runs with: the given dev chain and fake LiveKit, `env` over the test defaults. */
export function testServiceConfig(
  chainUrl: string,
  livekit: FakeLiveKitServer,
  env: NodeJS.ProcessEnv = {},
): Config {
  return loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    CHAIN_WS_ENDPOINT: chainUrl,
    LIVEKIT_URL: livekit.wsUrl,
    LIVEKIT_API_KEY: livekit.apiKey,
    LIVEKIT_API_SECRET: livekit.apiSecret,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_IP_MAX: TEST_RATE_LIMIT_MAX_REQUESTS,
    RATE_LIMIT_ACCOUNT_MAX: TEST_RATE_LIMIT_MAX_REQUESTS,
    RATE_LIMIT_SIGNATURE_FAILURES: TEST_RATE_LIMIT_MAX_REQUESTS,
    ...env,
  });
}

/**
 * The whole service as `main.ts` runs it, on port 0, against its own dev chain (demo seed) and a
 * fake LiveKit server; resolves once it serves tokens (chain connected, rooms loaded).
 */
export async function startTestService(options: StartTestServiceOptions = {}): Promise<TestService> {
  const devchain = await startDevChain({ port: 0, seed: { kind: 'demo' } });
  const livekit = await FakeLiveKitServer.start(options.livekit);
  const config = testServiceConfig(devchain.url, livekit, options.env);
  const logs = captureLogs('warn');
  const service = await startService({ config, logger: logs.logger, port: 0 });
  const { chain, follower } = service;

  const watch = new FollowerWatch(follower);
  const synced = () => watch.reached(devchain.chain.finalized.number);

  const chainStatus = (status: ChainStatus) =>
    new Promise<void>((resolve) => {
      if (chain.status === status) {
        resolve();
        return;
      }
      const off = chain.onStatusChange((next) => {
        if (next !== status) return;
        off();
        resolve();
      });
    });

  const send = async (who: Signer, section: string, method: string, ...args: unknown[]) => {
    const outcome = await devchain.chain.send(who, section, method, ...args);
    if (!outcome.success) throw new Error(`${section}.${method} failed: ${outcome.error ?? 'unknown'}`);
    await synced();
    return outcome;
  };

  const sudo = async (section: string, method: string, ...args: unknown[]) => {
    const outcome = await devchain.chain.sudo(section, method, ...args);
    const sudid = outcome.events.find((e) => e.name === 'Sudid');
    const result = JSON.stringify(sudid?.data ?? null);
    if (!outcome.success || !sudid || result.includes('"err"')) {
      throw new Error(`sudo ${section}.${method} failed: ${result}`);
    }
    await synced();
    return outcome;
  };

  const createRoom = async (host: Signer, room: NewRoom = {}) => {
    const type = room.type ?? 'Normal';
    const price = room.ticketPrice === undefined ? (type === 'Paid' ? 5n * UNIT : null) : room.ticketPrice;
    const outcome = await send(
      host,
      'livestream',
      'createRoom',
      u8aToHex(stringToU8a(room.title ?? 'Test room')),
      room.description ? u8aToHex(stringToU8a(room.description)) : null,
      type,
      null,
      price,
    );
    const created = outcome.events.find((e) => e.name === 'RoomCreated');
    if (!created) throw new Error('createRoom: no RoomCreated event');
    return Number(created.data.roomId);
  };

  let closing: Promise<void> | undefined;
  await chainStatus('connected');
  await synced();
  if (!service.rooms.available) throw new Error('test service: rooms not available after start');
  // The periodic probe's first answer may still be in flight: settle it so /health is deterministic.
  if ((await service.livekitHealth.probe()) !== 'connected')
    throw new Error('test service: LiveKit not reachable');

  return {
    ...service,
    devchain,
    livekit,
    config,
    logs,
    synced,
    chainStatus,
    send,
    sudo,
    fund: async (address, amount = DEFAULT_FUNDING) => {
      await send('Alice', 'balances', 'transferKeepAlive', address, amount);
    },
    createRoom,
    chainDown: async () => {
      const down = chainStatus('disconnected');
      await devchain.server.stop();
      await down;
    },
    chainUp: async () => {
      const up = chainStatus('connected');
      await devchain.server.start();
      await up;
      await synced();
    },
    close: () => {
      closing ??= (async () => {
        await service.close();
        await devchain.close();
        await livekit.stop();
      })();
      return closing;
    },
  };
}
