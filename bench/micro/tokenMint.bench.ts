/**
 * LiveKit join tokens per second, in one process: the SDK's `AccessToken.toJwt` (baseline) beside
 * our TokenMinter, which builds the same claims and signs them with a key made once.
 * Run: `npx tsx bench/micro/tokenMint.bench.ts`.
 */
import { AccessToken } from 'livekit-server-sdk';
import { grantsForRole } from '../../src/livekit/grantsForRole.js';
import { TokenMinter } from '../../src/livekit/TokenMinter.js';

const MEASURE_MS = 2_000;
const WARM_UP_MS = 300;
const ROUNDS = 3;
const API_KEY = 'bench-key';
const API_SECRET = 'bench-secret-bench-secret-bench-secret';
const IDENTITY = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const TTL_SECONDS = 600;

async function perSecond(mint: () => Promise<string>, durationMs: number): Promise<number> {
  const started = performance.now();
  let count = 0;
  while (performance.now() - started < durationMs) {
    await mint();
    count += 1;
  }
  return (count * 1_000) / (performance.now() - started);
}

const minter = new TokenMinter({
  apiKey: API_KEY,
  apiSecret: API_SECRET,
  url: 'wss://x',
  ttlSeconds: TTL_SECONDS,
});
const ours = async () => (await minter.mint({ identity: IDENTITY, roomId: 0, role: 'viewer' })).token;
const sdk = () => {
  const token = new AccessToken(API_KEY, API_SECRET, { identity: IDENTITY, ttl: TTL_SECONDS });
  token.addGrant(grantsForRole('viewer', 'room-0'));
  return token.toJwt();
};

await perSecond(sdk, WARM_UP_MS);
await perSecond(ours, WARM_UP_MS);
// Interleaved rounds: each ratio compares two runs made moments apart on the same (noisy) machine.
for (let round = 1; round <= ROUNDS; round += 1) {
  const baseline = await perSecond(sdk, MEASURE_MS);
  const subject = await perSecond(ours, MEASURE_MS);
  console.log(
    `round ${round}: SDK toJwt ${baseline.toFixed(0)}/s (${(1e6 / baseline).toFixed(1)} µs), ` +
      `TokenMinter ${subject.toFixed(0)}/s (${(1e6 / subject).toFixed(1)} µs): ${(subject / baseline).toFixed(2)}×`,
  );
}
