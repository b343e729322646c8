const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type DurationUnit = keyof typeof UNIT_MS;

const DURATION_PATTERN = /^(\d+)\s*(ms|s|m|h|d)?$/;

/**
 * Parses `600`, `90s`, `10m`, `1h`, `1d` or `1500ms` into milliseconds; a bare number is in
 * `bareUnit`. Returns `undefined` for anything else (no decimals, no negative values).
 */
export function parseDuration(text: string, bareUnit: DurationUnit): number | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = (match[2] ?? bareUnit) as DurationUnit;
  const ms = amount * UNIT_MS[unit];
  return Number.isSafeInteger(ms) ? ms : undefined;
}
