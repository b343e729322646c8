import type { FanoutMode } from './wsFanoutMessages.js';

/** One round of one mode at one room size. */
export interface FanoutRound {
  msgsPerSec: number;
  received: number;
  expected: number;
  /** From `t` (publish) to arrival; for the hub this includes the wait in its queue. */
  burstP50Ms: number;
  burstP99Ms: number;
  pacedP50Ms: number;
  pacedP99Ms: number;
  /** Server CPU per delivered message during the burst. */
  cpuUsPerMsg: number;
  /** Server CPU time / wall time during the burst: well under 100% = waiting, or CPU taken by others. */
  cpuShare: number;
  /** Share of the burst the server was runnable but its CPU ran other processes. */
  stolenShare: number;
  /** Same, for the server and for the clients, over the whole measured window (burst and paced). */
  serverWaitShare: number;
  clientWaitShare: number;
  /** Main thread's share of the server's CPU during the burst (the rest: GC helpers, workers). */
  mainThreadShare: number;
  /** GC pauses during the burst. */
  gcTotalMs: number;
  gcMaxMs: number;
  /** Kernel share of the server's CPU during the burst. */
  sysShare: number;
  /** Longest event-loop block of the server during the burst. */
  loopMaxMs: number;
  /** From the first publish until every frame was handed to the sockets. */
  handoffMs: number;
  burstEvents: number;
  /** `GET /health/live` issued during the burst: slowest and median answer. */
  probeMaxMs: number;
  probeP50Ms: number;
  probes: number;
  /** Clients the server dropped during the round. */
  dropped: number;
}

export interface IdleMemory {
  /** (RSS with N idle subscribers − RSS with none) / N. */
  rssPerConnKB: number;
  /** RSS growth per connection from the previous size to this one (NaN for the first size). */
  marginalRssPerConnKB: number;
  heapPerConnKB: number;
  rssEmptyMB: number;
  rssLoadedMB: number;
}

export interface FanoutCell {
  mode: FanoutMode;
  n: number;
  rounds: FanoutRound[];
  /** Rounds measured again because other processes took the CPU. */
  repeated: number;
  memory: IdleMemory | undefined;
}

export interface FanoutTargets {
  /** Minimum hub / raw ws delivered msgs/s. */
  vsRawWs: number;
  /** Minimum hub / Socket.IO delivered msgs/s. */
  vsSocketIo: number;
  /** Maximum paced p99 by room size. */
  pacedP99Ms: ReadonlyMap<number, number>;
  maxRssPerConnKB: number;
  /** Sizes where a mode's median round waited longer than this share for its CPU are flagged. */
  disturbedShare: number;
}

const HTTP_CHECK_MIN_SUBSCRIBERS = 5000;

const LABELS: Record<FanoutMode, string> = {
  hub: 'our hub (publishBlock)',
  ws: 'raw ws pre-serialized',
  wsNaive: 'ws stringify per client',
  socketio: 'socket.io rooms',
};

export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The results table (medians of the rounds), then each target with PASS or MISS. */
export function wsFanoutReport(cells: readonly FanoutCell[], targets: FanoutTargets): string {
  const of = (mode: FanoutMode, n: number) => cells.find((c) => c.mode === mode && c.n === n);
  const med = (cell: FanoutCell | undefined, pick: (r: FanoutRound) => number) =>
    cell ? median(cell.rounds.map(pick)) : Number.NaN;
  const sizes = [...new Set(cells.map((c) => c.n))].sort((a, b) => a - b);

  const header = [
    'N',
    'Mode',
    'Delivered msgs/s (burst)',
    'min–max',
    '× raw ws',
    'Paced p50/p99 ms',
    'Burst p50/p99 ms',
    'Server µs CPU/msg',
    'Waited % server/clients (repeated)',
    'GC ms',
    'Longest loop block ms',
    'Burst ms',
    'GET /health/live in burst: max (p50) ms',
    'Idle RSS KB/conn: 0→N, marginal (heap)',
    'Lost/dropped',
  ];
  const rows: string[][] = [];
  for (const n of sizes) {
    const raw = med(of('ws', n), (r) => r.msgsPerSec);
    for (const cell of cells.filter((c) => c.n === n)) {
      const q = mediansOf(cell);
      const rates = cell.rounds.map((r) => r.msgsPerSec);
      const lost = cell.rounds.reduce((sum, r) => sum + (r.expected - r.received), 0);
      const dropped = cell.rounds.reduce((sum, r) => sum + r.dropped, 0);
      const mem = cell.memory;
      rows.push([
        String(n),
        LABELS[cell.mode],
        fmtInt(q.msgsPerSec),
        `${fmtInt(Math.min(...rates))}–${fmtInt(Math.max(...rates))}`,
        `${fmt(q.msgsPerSec / raw, 2)}×`,
        `${fmt(q.pacedP50Ms, 1)} / ${fmt(q.pacedP99Ms, 1)}`,
        `${fmt(q.burstP50Ms, 0)} / ${fmt(q.burstP99Ms, 0)}`,
        fmt(q.cpuUsPerMsg, 1),
        `${fmt(q.serverWaitShare * 100, 0)} / ${fmt(q.clientWaitShare * 100, 0)} (${cell.repeated})`,
        fmt(q.gcTotalMs, 0),
        fmt(q.loopMaxMs, 0),
        fmtInt(q.handoffMs),
        `${fmt(q.probeMaxMs, 1)} (${fmt(q.probeP50Ms, 1)})`,
        mem
          ? `${fmt(mem.rssPerConnKB, 1)}, ${fmt(mem.marginalRssPerConnKB, 1)} (${fmt(mem.heapPerConnKB, 1)})`
          : '–',
        `${lost}/${dropped}`,
      ]);
    }
  }

  const checks: string[][] = [];
  const waited = (n: number) =>
    Math.max(
      ...cells
        .filter((c) => c.n === n && c.mode !== 'wsNaive')
        .map((c) => med(c, (r) => Math.max(r.serverWaitShare, r.clientWaitShare))),
    );
  const check = (name: string, measured: string, value: number, ok: boolean, n?: number) => {
    const result = Number.isNaN(value) ? 'n/a' : ok ? 'PASS' : 'MISS';
    const disturbed = n !== undefined && waited(n) > targets.disturbedShare;
    checks.push([
      name,
      measured,
      disturbed ? `${result} (disturbed: waited ${fmt(waited(n) * 100, 0)}% for CPU)` : result,
    ]);
  };
  for (const n of sizes) {
    const hub = med(of('hub', n), (r) => r.msgsPerSec);
    const vsRaw = hub / med(of('ws', n), (r) => r.msgsPerSec);
    const vsSio = hub / med(of('socketio', n), (r) => r.msgsPerSec);
    check(
      `N=${n}: hub msgs/s ≥ ${targets.vsRawWs}× raw ws`,
      `${fmt(vsRaw, 2)}×`,
      vsRaw,
      vsRaw >= targets.vsRawWs,
      n,
    );
    check(
      `N=${n}: hub msgs/s ≥ ${targets.vsSocketIo}× Socket.IO`,
      `${fmt(vsSio, 2)}×`,
      vsSio,
      vsSio >= targets.vsSocketIo,
      n,
    );
    const limit = targets.pacedP99Ms.get(n);
    const p99 = med(of('hub', n), (r) => r.pacedP99Ms);
    if (limit !== undefined)
      check(`N=${n}: hub paced p99 ≤ ${limit} ms`, `${fmt(p99, 1)} ms`, p99, p99 <= limit, n);
  }
  const largest = sizes[sizes.length - 1] as number;
  const memory = of('hub', largest)?.memory;
  if (memory) {
    // The larger of the two readings: a big process can absorb the first connections in heap it
    // already holds, which makes 0→N alone read low.
    const perConn = Math.max(
      memory.rssPerConnKB,
      Number.isNaN(memory.marginalRssPerConnKB) ? 0 : memory.marginalRssPerConnKB,
    );
    check(
      `N=${largest}: hub idle RSS/connection ≤ ${targets.maxRssPerConnKB} KB`,
      `${fmt(perConn, 1)} KB`,
      perConn,
      perConn <= targets.maxRssPerConnKB,
    );
  }
  // Sliced fan-out: HTTP waits a few slices at most, less than one unsliced broadcast to the room
  // would block it (the raw ws and Socket.IO rows show that block), let alone the whole burst. Only
  // judged for rooms of thousands: at 1000 one broadcast is just two slices.
  const httpSize = sizes.find((n) => n >= HTTP_CHECK_MIN_SUBSCRIBERS);
  const hubHttp = httpSize === undefined ? undefined : of('hub', httpSize);
  if (httpSize !== undefined && hubHttp) {
    const probeMax = med(hubHttp, (r) => r.probeMaxMs);
    const burstMs = med(hubHttp, (r) => r.handoffMs);
    const oneBroadcastMs = med(hubHttp, (r) => r.handoffMs / r.burstEvents);
    check(
      `N=${httpSize}: GET /health/live during a burst ≤ one whole-room broadcast`,
      `${fmt(probeMax, 1)} ms (one broadcast ${fmt(oneBroadcastMs, 1)} ms, burst ${fmtInt(burstMs)} ms)`,
      probeMax,
      probeMax <= oneBroadcastMs,
      httpSize,
    );
  }

  return `${table(header, rows)}\n\n${table(['Target', 'Measured', 'Result'], checks)}`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Each measure's median over the cell's rounds. */
function mediansOf(cell: FanoutCell): Record<keyof FanoutRound, number> {
  const keys = Object.keys(cell.rounds[0] ?? {}) as (keyof FanoutRound)[];
  return Object.fromEntries(keys.map((k) => [k, median(cell.rounds.map((r) => r[k]))])) as Record<
    keyof FanoutRound,
    number
  >;
}

function fmt(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

function fmtInt(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';
}
