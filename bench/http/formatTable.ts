export interface TableRow {
  scenario: string;
  variant: string;
  /** Medians over the rounds. */
  rps: number;
  p50: number;
  p99: number;
  /** Server process CPU time (all threads) per request, µs. */
  cpu: number;
  /** Median of the per-round ratios (rps / the baseline's rps); null for the baseline itself. */
  ratio: number | null;
  /** req/s of each round, in order. */
  spread: string;
  /** rps / the baseline's rps within each round (the baseline ran moments before). */
  roundRatios: string;
}

const HEADERS = [
  'Scenario',
  'Variant',
  'req/s',
  'p50 ms',
  'p99 ms',
  'srv CPU µs/req',
  'ratio',
  'rounds req/s',
  'per-round ratio',
];
const RIGHT_ALIGNED = new Set([2, 3, 4, 5, 6]);

/** A Markdown table of the medians, ratios against the scenario's baseline row. */
export function formatTable(rows: readonly TableRow[]): string {
  const cells = rows.map((row) => [
    row.scenario,
    row.variant,
    row.rps.toFixed(0),
    String(row.p50),
    String(row.p99),
    row.cpu.toFixed(0),
    row.ratio === null ? 'baseline' : `${row.ratio.toFixed(2)}×`,
    row.spread,
    row.roundRatios,
  ]);
  const widths = HEADERS.map((header, i) =>
    Math.max(header.length, ...cells.map((line) => (line[i] ?? '').length)),
  );
  const line = (values: readonly string[]) =>
    `| ${values
      .map((value, i) =>
        RIGHT_ALIGNED.has(i) ? value.padStart(widths[i] ?? 0) : value.padEnd(widths[i] ?? 0),
      )
      .join(' | ')} |`;
  const rule = `|${widths.map((width, i) => (RIGHT_ALIGNED.has(i) ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`;
  return [line(HEADERS), rule, ...cells.map(line)].join('\n');
}
