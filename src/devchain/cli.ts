/**
 * `npm run devchain -- [--port 9944] [--host 127.0.0.1] [--seed demo|rooms:N] [--block-time MS] [--finality-lag N] [--base-path DIR]`
 *
 * `--base-path`: keep the blocks in DIR and, when it holds a chain, continue it (see `ChainDatabase`).
 */
import { parseArgs } from 'node:util';
import { parseSeed } from './seeds.js';
import { startDevChain } from './startDevChain.js';

const DEFAULT_PORT = 9944;

function positiveInt(value: string | undefined, name: string, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < (allowZero ? 0 : 1))
    throw new Error(`--${name} must be an integer${allowZero ? ' ≥ 0' : ' > 0'}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      'block-time': { type: 'string' },
      'finality-lag': { type: 'string' },
      'base-path': { type: 'string' },
    },
  });
  const started = Date.now();
  const running = await startDevChain({
    host: values.host ?? '127.0.0.1',
    port: positiveInt(values.port, 'port', true) ?? DEFAULT_PORT,
    seed: parseSeed(values.seed),
    blockTimeMs: positiveInt(values['block-time'], 'block-time'),
    finalityLag: positiveInt(values['finality-lag'], 'finality-lag', true),
    basePath: values['base-path'],
  });
  console.log(
    `Stardust dev chain listening on ${running.url} (genesis ${running.chain.genesisHash}, head #${running.chain.head.number}, ready in ${Date.now() - started} ms)`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`${signal}: stopping the dev chain`);
    void running.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
