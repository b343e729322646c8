import { Agent } from 'node:http';
import type { KeyringPair } from '@polkadot/keyring/types';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CoHostTokenBody,
  PublisherTokenBody,
  RoomParams,
  RoomsQuery,
  ViewerLeaveBody,
  ViewerTokenBody,
} from '../src/http/schemas.js';
import { LoginBody, LogoutBody, RefreshBody, TokenSourceBody } from '../src/http/sessionSchemas.js';
import { type AddressField, RequestSigner } from '../test/support/RequestSigner.js';
import { testPair } from '../test/support/testPair.js';
import { type FuzzBody, mutateRequestBody } from './support/mutateRequestBody.js';
import { Random } from './support/Random.js';
import { reliabilityScale } from './support/reliabilityScale.js';
import { reportFigure } from './support/reportFigure.js';
import { type JsonSchema, type PatternSamplers, sampleJsonSchema } from './support/sampleJsonSchema.js';
import { type RawOutcome, type RawRequest, sendRawRequest } from './support/sendRawRequest.js';
import { type ServerProcess, startServerProcess } from './support/startServerProcess.js';

/** Requests in flight at once: enough to overlap, few enough not to measure the box. */
const CONCURRENT_REQUESTS = 8;
/** Demo rooms are 0–3; a few ids past them reach the "no such room" paths. */
const ROOM_IDS = 6;
const HEX = '0123456789abcdef';

const PATTERNS: PatternSamplers = {
  '^0x(?:[0-9a-fA-F]{2}){64,66}$': (random) => `0x${random.text(128 + 2 * random.int(3), HEX)}`,
  '^room-(0|[1-9]\\d{0,15})$': (random) => `room-${random.int(ROOM_IDS)}`,
  '^\\d{1,7}$': (random) => String(1 + random.int(200)),
  '^(?:0|[1-9]\\d{0,15})$': (random) => String(random.int(ROOM_IDS)),
};

const inputSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

interface BodyRoute {
  path: string;
  schema: JsonSchema;
  /** For signed endpoints: a body a wallet really signed, which the fuzzer starts from now and then. */
  signedField?: AddressField;
  contentType?: string;
}

const BODY_ROUTES: BodyRoute[] = [
  {
    path: '/api/livestream/publisher-token',
    schema: inputSchema(PublisherTokenBody),
    signedField: 'publicKey',
  },
  {
    path: '/api/livestream/viewer-token',
    schema: inputSchema(ViewerTokenBody),
    signedField: 'viewerAddress',
  },
  {
    path: '/api/livestream/co-host-token',
    schema: inputSchema(CoHostTokenBody),
    signedField: 'coHostAddress',
  },
  {
    path: '/api/livestream/viewer-leave',
    schema: inputSchema(ViewerLeaveBody),
    signedField: 'viewerAddress',
  },
  { path: '/api/livestream/token-source', schema: inputSchema(TokenSourceBody) },
  { path: '/api/livestream/auth/nonce', schema: { type: 'object', properties: {} } },
  { path: '/api/livestream/auth/login', schema: inputSchema(LoginBody) },
  { path: '/api/livestream/auth/refresh', schema: inputSchema(RefreshBody) },
  { path: '/api/livestream/auth/logout', schema: inputSchema(LogoutBody) },
  {
    path: '/api/livekit/webhook',
    schema: {
      type: 'object',
      properties: { id: { type: 'string' }, event: { type: 'string' } },
      required: ['id', 'event'],
    },
    contentType: 'application/webhook+json',
  },
];

/** Bearer values: absent most of the time, else junk, a JWT-shaped fake, or a malformed header. */
function authorization(random: Random): Record<string, string> {
  if (random.chance(0.8)) return {};
  return {
    authorization: random.pick([
      `Bearer ${random.text(40, HEX)}`,
      'Bearer eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJ4In0.',
      'Bearer ',
      'Basic dXNlcjpwYXNz',
      `Bearer ${'a'.repeat(5000)}`,
    ]),
  };
}

function pathSegment(random: Random): string {
  return random.pick([
    () => (sampleJsonSchema(inputSchema(RoomParams), random, PATTERNS) as { roomId: string }).roomId,
    () => '00000',
    () => '-1',
    () => '1e3',
    () => '9007199254740993',
    () => encodeURIComponent('\ud83c\udfa5'),
    () => '%',
    () => '%zz',
    () => '%00',
    () => '%2e%2e',
    () => 'x'.repeat(10_000),
    () => encodeURIComponent(random.text(1 + random.int(30), ' !"#$&\'()*+,/:;<=>?@[\\]^`{|}~abc')),
  ])();
}

function roomsQuery(random: Random): string {
  const sample = sampleJsonSchema(inputSchema(RoomsQuery), random, PATTERNS) as Record<string, string>;
  const params = Object.entries(sample).map(([key, value]) => `${key}=${encodeURIComponent(value)}`);
  const extra = random.pick([
    () => [],
    () => ['status=Live', 'status=Ended'],
    () => [`page=${random.pick(['-1', '0', '1e9', '99999999', 'abc', ''])}`],
    () => [`limit=${random.pick(['0', '101', '1.5', ''])}`],
    () => ['status[]=Live'],
    () => [`host=${encodeURIComponent(random.text(1 + random.int(120), HEX))}`],
    () => ['%'],
    () => [`x=${'y'.repeat(8000)}`],
    () => [`${random.text(5, 'abc')}=${random.text(5, 'abc')}`],
  ])();
  return [...params, ...extra].join('&');
}

/** `path` as the OpenAPI document writes it; `fuzz` makes a request path of it. */
const GET_ROUTES: { path: string; fuzzed: string; fuzz: (random: Random) => string }[] = [
  {
    path: '/api/livestream/room/{roomId}',
    fuzzed: 'room ids',
    fuzz: (random) => `/api/livestream/room/${pathSegment(random)}`,
  },
  {
    path: '/api/livestream/rooms',
    fuzzed: 'queries',
    fuzz: (random) => `/api/livestream/rooms?${roomsQuery(random)}`,
  },
];

interface RouteTally {
  requests: number;
  byClass: Map<string, number>;
  fiveXx: string[];
  transportErrors: string[];
}

function tally(): RouteTally {
  return { requests: 0, byClass: new Map(), fiveXx: [], transportErrors: [] };
}

function count(into: RouteTally, kind: string, outcome: RawOutcome): void {
  into.requests++;
  if ('error' in outcome) {
    into.transportErrors.push(`${kind}: ${outcome.error}`);
    return;
  }
  const statusClass = `${Math.floor(outcome.status / 100)}xx`;
  into.byClass.set(statusClass, (into.byClass.get(statusClass) ?? 0) + 1);
  if (outcome.status >= 500) into.fiveXx.push(`${kind}: ${outcome.status} ${outcome.body.slice(0, 200)}`);
}

async function runBounded<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await run(item);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENT_REQUESTS }, worker));
}

describe('fuzzed requests against the server process', () => {
  const { counts } = reliabilityScale();
  const random = Random.fromEnv();
  const signer = new RequestSigner();
  let server: ServerProcess;
  let crashed = false;
  let pairs: KeyringPair[];
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENT_REQUESTS });

  beforeAll(async () => {
    await cryptoWaitReady();
    pairs = ['Alice', 'Bob', 'Eve', 'Dave', 'Ferdie'].map((name) => testPair('sr25519', name));
    server = await startServerProcess({ env: { LOG_LEVEL: 'warn' } });
    void server.exited.then(() => {
      crashed = true;
    });
    console.log(`fuzz seed ${random.seed} (replay with RELIABILITY_SEED=${random.seed})`);
  });
  afterAll(async () => {
    agent.destroy();
    await server?.stop('SIGKILL');
  });

  async function expectAlive(): Promise<void> {
    expect(crashed).toBe(false);
    const live = await sendRawRequest(server.baseUrl, { method: 'GET', path: '/health/live' });
    expect('status' in live && live.status).toBe(200);
  }

  /** Prints the route's answers and its figure; no answer 5xx, none lost, and the server still serves. */
  async function expectAnswered(route: string, counted: RouteTally): Promise<void> {
    const classes = [...counted.byClass].map(([name, n]) => `${name} ${n}`).join(', ');
    console.log(
      `${route}: ${counted.requests} requests (${classes}; transport errors ${counted.transportErrors.length})`,
    );
    reportFigure({
      name: `fuzz ${route} → 5xx`,
      value: counted.fiveXx.length,
      unit: `of ${counted.requests}`,
      goal: '0',
      met: counted.fiveXx.length === 0,
    });
    expect(counted.fiveXx).toEqual([]);
    expect(counted.transportErrors).toEqual([]);
    await expectAlive();
  }

  for (const route of BODY_ROUTES) {
    it(`answers fuzzed bodies of POST ${route.path} with 4xx, never 5xx or a crash`, async () => {
      const counted = tally();
      const cases: (FuzzBody & { extraHeaders: Record<string, string> })[] = [];
      for (let i = 0; i < counts.fuzzBodiesPerRoute; i++) {
        const signed =
          route.signedField !== undefined && random.chance(0.3)
            ? signer.sign(random.pick(pairs), random.int(ROOM_IDS), { field: route.signedField })
            : undefined;
        const value = signed ?? sampleJsonSchema(route.schema, random, PATTERNS);
        const fuzzed = mutateRequestBody(value, route.schema, random);
        if (route.contentType !== undefined && fuzzed.headers['content-type'] === 'application/json') {
          fuzzed.headers['content-type'] = route.contentType;
        }
        cases.push({ ...fuzzed, extraHeaders: authorization(random) });
      }
      await runBounded(cases, async (fuzzed) => {
        const request: RawRequest = {
          method: 'POST',
          path: route.path,
          headers: { ...fuzzed.headers, ...fuzzed.extraHeaders },
          body: fuzzed.body,
        };
        count(counted, fuzzed.kind, await sendRawRequest(server.baseUrl, request, agent));
      });
      await expectAnswered(`POST ${route.path}`, counted);
    });
  }

  for (const route of GET_ROUTES) {
    it(`answers fuzzed ${route.fuzzed} of GET ${route.path} with 200 or 4xx`, async () => {
      const counted = tally();
      const paths = Array.from({ length: counts.fuzzBodiesPerRoute }, () => route.fuzz(random));
      await runBounded(paths, async (path) => {
        count(
          counted,
          path.slice(0, 80),
          await sendRawRequest(server.baseUrl, { method: 'GET', path }, agent),
        );
      });
      await expectAnswered(`GET ${route.path}`, counted);
    });
  }

  it('is still the same process, serving', async () => {
    await expectAlive();
    reportFigure({
      name: 'fuzz HTTP: server crashes',
      value: crashed ? 1 : 0,
      unit: '',
      goal: '0',
      met: !crashed,
    });
  });
});
