/** Iteration counts of the reliability tests; every loop of the suite takes its bound from here. */
export interface ReliabilityCounts {
  /** Fuzzed request bodies per HTTP route. */
  fuzzBodiesPerRoute: number;
  /** Fuzzed WebSocket frames in total. */
  fuzzWsFrames: number;
  /** Signed messages per attack kind (replay, cross-signer, expired, cross-room). */
  signedAttacksPerKind: number;
  /** Requests of each kind that carry a secret, sent to a server logging at debug. */
  secretRequestsPerKind: number;
}

/**
 * `RELIABILITY_SCALE=ci` (the default, run by `.ci/run`) keeps the whole suite to a few minutes on a
 * 2-core box; `full` runs the counts of the hardening issues (much longer: run it by hand).
 */
export const RELIABILITY_SCALES = {
  ci: {
    fuzzBodiesPerRoute: 100,
    fuzzWsFrames: 1_000,
    signedAttacksPerKind: 20,
    secretRequestsPerKind: 5,
  },
  full: {
    fuzzBodiesPerRoute: 10_000,
    fuzzWsFrames: 10_000,
    signedAttacksPerKind: 500,
    secretRequestsPerKind: 50,
  },
} as const satisfies Record<string, ReliabilityCounts>;

export type ReliabilityScaleName = keyof typeof RELIABILITY_SCALES;

/** The scale named by `RELIABILITY_SCALE` (default `ci`); an unknown name is an error, never a silent default. */
export function reliabilityScale(env: NodeJS.ProcessEnv = process.env): {
  name: ReliabilityScaleName;
  counts: ReliabilityCounts;
} {
  const name = env.RELIABILITY_SCALE ?? 'ci';
  if (name !== 'ci' && name !== 'full') {
    throw new Error(`RELIABILITY_SCALE must be "ci" or "full", not "${name}"`);
  }
  return { name, counts: RELIABILITY_SCALES[name] };
}
