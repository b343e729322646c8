/**
 * Signature checks per second, in one process: util-crypto `signatureVerify` with the plain text (the
 * common way, and what the backend this service replaces did: the baseline), @polkadot/wasm-crypto's sr25519 over both signed forms (what
 * verifySignature used before verifySr25519), our `verifySignature` on the calling thread, and the
 * WorkerSignatureVerifier pool with 64 checks in flight. Run: `npx tsx bench/micro/signatureVerify.bench.ts`.
 */
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Keyring } from '@polkadot/keyring';
import { stringToU8a, u8aWrapBytes } from '@polkadot/util';
import { cryptoWaitReady, signatureVerify } from '@polkadot/util-crypto';
import { sr25519Verify as wasmCryptoVerify } from '@polkadot/wasm-crypto';
import { roomMessage } from '../../src/auth/signedMessages.js';
import { verifySignature } from '../../src/auth/verifySignature.js';
import { WorkerSignatureVerifier } from '../../src/auth/WorkerSignatureVerifier.js';

const MEASURE_MS = 2_000;
const WARM_UP_MS = 300;
const IN_FLIGHT = 64;
const NS_PER_MS = 1_000_000;

interface Result {
  opsPerSecond: number;
  loopP99Ms?: number;
}

function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / NS_PER_MS;
}

function measureSync(check: () => boolean, expected: boolean): Result {
  const run = (durationMs: number): number => {
    const start = process.hrtime.bigint();
    let count = 0;
    while (elapsedMs(start) < durationMs) {
      if (check() !== expected) throw new Error('Unexpected verification result');
      count += 1;
    }
    return (count * 1_000) / elapsedMs(start);
  };
  run(WARM_UP_MS);
  return { opsPerSecond: run(MEASURE_MS) };
}

async function measureConcurrent(check: () => Promise<boolean>, expected: boolean): Promise<Result> {
  const run = async (durationMs: number): Promise<number> => {
    const start = process.hrtime.bigint();
    let count = 0;
    const lane = async (): Promise<void> => {
      while (elapsedMs(start) < durationMs) {
        if ((await check()) !== expected) throw new Error('Unexpected verification result');
        count += 1;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    return (count * 1_000) / elapsedMs(start);
  };
  await run(WARM_UP_MS);
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const opsPerSecond = await run(MEASURE_MS);
  loop.disable();
  return { opsPerSecond, loopP99Ms: loop.percentile(99) / NS_PER_MS };
}

await cryptoWaitReady();
const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
const bob = new Keyring({ type: 'sr25519' }).addFromUri('//Bob');
const text = roomMessage(1, Date.now());
const bytes = stringToU8a(text);
const wrapped = u8aWrapBytes(bytes);

const cases = [
  { name: 'sr25519, raw-signed (mobile app)', signature: alice.sign(bytes), valid: true },
  { name: 'sr25519, <Bytes>-wrapped (extension)', signature: alice.sign(u8aWrapBytes(bytes)), valid: true },
  { name: 'sr25519, wrong signature (attacker)', signature: bob.sign(bytes), valid: false },
];

const pool = new WorkerSignatureVerifier();
// Wait for every worker to be up before measuring.
await Promise.all(
  Array.from({ length: IN_FLIGHT }, () => pool.verify(bytes, cases[0]!.signature, alice.publicKey)),
);

const rows: string[][] = [];
for (const { name, signature, valid } of cases) {
  const baseline = measureSync(() => signatureVerify(text, signature, alice.address).isValid, valid);
  // What verifySignature did before verifySr25519: @polkadot/wasm-crypto, raw form first, then wrapped.
  const wasmCrypto = measureSync(
    () =>
      wasmCryptoVerify(signature, bytes, alice.publicKey) ||
      wasmCryptoVerify(signature, wrapped, alice.publicKey),
    valid,
  );
  const inline = measureSync(() => verifySignature(bytes, signature, alice.publicKey), valid);
  const workers = await measureConcurrent(() => pool.verify(bytes, signature, alice.publicKey), valid);
  const row = (variant: string, result: Result): string[] => [
    name,
    variant,
    result.opsPerSecond.toFixed(0),
    (1_000_000 / result.opsPerSecond).toFixed(0),
    `${(result.opsPerSecond / baseline.opsPerSecond).toFixed(2)}x`,
    result.loopP99Ms === undefined ? 'blocked' : result.loopP99Ms.toFixed(1),
  ];
  rows.push(row('util-crypto signatureVerify (baseline)', baseline));
  rows.push(row('@polkadot/wasm-crypto, both forms, inline', wasmCrypto));
  rows.push(row('verifySignature inline', inline));
  rows.push(row(`WorkerSignatureVerifier, ${IN_FLIGHT} in flight`, workers));
}
await pool.close();

const header = ['case', 'variant', 'ops/s', 'µs/op', 'vs baseline', 'event-loop p99 ms'];
const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
const format = (cells: string[]): string =>
  `| ${cells.map((cell, i) => (i >= 2 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join(' | ')} |`;
console.log(
  `Node ${process.version}, ${os.availableParallelism()} cores available, ${MEASURE_MS} ms per measurement`,
);
console.log(format(header));
console.log(format(widths.map((width, i) => (i >= 2 ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width)))));
for (const row of rows) console.log(format(row));
