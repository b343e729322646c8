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
  /** Sockets of the client that pipelines requests without reading the answers (one address). */
  pipeliningSockets: number;
  /** Requests it writes at a time, whenever a socket takes more. */
  pipelinedRequestsPerWrite: number;
  /** How long that flood lasts while another address measures. */
  floodSeconds: number;
  /** Idle sockets opened from one address (issue 20: 1,100 locked everyone out at 1,024 descriptors). */
  idleSockets: number;
  /** WebSockets of the sign-in flood (one address), each sending 10 `auth` frames a second. */
  signInFloodSockets: number;
  /** Longest the sign-in flood goes on (it ends sooner once every socket was closed). */
  signInFloodSeconds: number;
  /** How long a fault lasts (Redis killed or hung, the chain node hung), and each calm phase around it. */
  faultWindowMs: number;
  /** Viewer tokens for throwaway keys from one IP (fake viewers). */
  fakeViewerKeys: number;
  /** WebSocket members of the room that receive its viewer counts meanwhile. */
  fakeViewerRoomMembers: number;
  /** WebSocket clients that stop reading while their room is flooded. */
  slowConsumers: number;
  /** Frames the room is flooded with (1 KiB each). */
  floodFrames: number;
}

/**
 * `RELIABILITY_SCALE=ci` (the default, run by `.ci/run`) keeps the whole suite to a few minutes on a
 * 2-core box; `full` runs the counts of the hardening issues (much longer: run it by hand).
 */
const RELIABILITY_SCALES = {
  ci: {
    fuzzBodiesPerRoute: 100,
    fuzzWsFrames: 1_000,
    signedAttacksPerKind: 20,
    secretRequestsPerKind: 5,
    pipeliningSockets: 100,
    pipelinedRequestsPerWrite: 200,
    floodSeconds: 8,
    idleSockets: 1_100,
    signInFloodSockets: 50,
    signInFloodSeconds: 5,
    faultWindowMs: 3_000,
    fakeViewerKeys: 120,
    fakeViewerRoomMembers: 300,
    slowConsumers: 10,
    floodFrames: 20_000,
  },
  full: {
    fuzzBodiesPerRoute: 10_000,
    fuzzWsFrames: 10_000,
    signedAttacksPerKind: 500,
    secretRequestsPerKind: 50,
    pipeliningSockets: 300,
    pipelinedRequestsPerWrite: 1_000,
    floodSeconds: 30,
    idleSockets: 1_100,
    signInFloodSockets: 100,
    signInFloodSeconds: 15,
    faultWindowMs: 10_000,
    fakeViewerKeys: 600,
    fakeViewerRoomMembers: 2_000,
    slowConsumers: 100,
    floodFrames: 100_000,
  },
} as const satisfies Record<string, ReliabilityCounts>;

type ReliabilityScaleName = keyof typeof RELIABILITY_SCALES;

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
