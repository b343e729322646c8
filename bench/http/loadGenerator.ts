/**
 * Child entry of the benchmark: the autocannon load generator (its own process, so its CPU can be
 * kept off the server's core). Loads the pre-signed bodies from the JSON files named on the command
 * line, then answers `run` requests one at a time.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { z } from 'zod';
import { type LoadReady, RunRequest, type RunResult, Stop } from './benchMessages.js';

const bodies = process.argv
  .slice(2)
  .flatMap((file) => z.array(z.string()).parse(JSON.parse(readFileSync(file, 'utf8'))))
  .map((body) => Buffer.from(body));
const streams = new Map<string, number>();

async function run(request: RunRequest): Promise<RunResult> {
  const { bodyStream } = request;
  const nextBody = (): Buffer => {
    const used = streams.get(bodyStream ?? '') ?? 0;
    streams.set(bodyStream ?? '', used + 1);
    return bodies[used % bodies.length] as Buffer;
  };
  const result = await autocannon({
    url: request.url,
    connections: request.connections,
    duration: request.durationS,
    method: request.method,
    ...(bodyStream === undefined
      ? {}
      : {
          headers: { 'content-type': 'application/json' },
          requests: [{ setupRequest: (params) => ({ ...params, body: nextBody() }) }],
        }),
  });
  return {
    id: request.id,
    requests: result.requests.total,
    durationS: result.duration,
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    bodiesUsed: streams.get(bodyStream ?? '') ?? 0,
  };
}

process.on('message', (message: unknown) => {
  if (Stop.safeParse(message).success) {
    process.disconnect();
    return;
  }
  run(RunRequest.parse(message)).then(
    (result) => process.send?.(result),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
const ready: LoadReady = { type: 'ready', bodies: bodies.length };
process.send?.(ready);
