import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  authMessage as serverAuthMessage,
  roomMessage as serverRoomMessage,
} from '../../../src/auth/signedMessages.js';
import {
  ROOM_STATUSES as SERVER_ROOM_STATUSES,
  ROOM_TYPES as SERVER_ROOM_TYPES,
} from '../../../src/chain/types.js';
import { ERROR_STATUS } from '../../../src/errors/AppError.js';
import type { SessionTokens as ServerSessionTokens } from '../../../src/sessions/SessionService.js';
import { startTestService, type TestService } from '../../../test/support/startTestService.js';
import {
  API_ERROR_CODES,
  authMessage,
  CHAIN_EVENT_TYPES,
  type ChainEventData,
  type ChainEventType,
  CLOSE_CODES,
  FINALITY_MESSAGE_TYPES,
  ROOM_STATUSES,
  ROOM_TYPES,
  roomMessage,
  type ServerMessages,
  type SessionTokens,
  WS_ERROR_CODES,
} from '../src/index.js';

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema & { const?: unknown; enum?: unknown[] }>;
  required?: string[];
  enum?: unknown[];
}

interface ProtocolDocument {
  serverMessages: Record<string, JsonSchema>;
  chainEventData: Record<string, JsonSchema>;
  chainEvents: Record<string, string>;
  closeCodes: Record<string, number>;
}

/** The fields the client's types declare for each message; `satisfies` keeps them true to the types. */
const CLIENT_FIELDS = {
  'auth:ok': ['type', 'address'],
  'room:joined': ['type', 'roomId', 'room', 'viewers', 'lastEventId'],
  'room:left': ['type', 'roomId', 'reason'],
  'room:reset': ['type', 'roomId'],
  pong: ['type'],
  'viewer:joined': ['type', 'roomId', 'address'],
  'viewer:left': ['type', 'roomId', 'address'],
  'viewers:count': ['type', 'roomId', 'count'],
  error: ['type', 'code', 'message'],
  'server:shutdown': ['type'],
} satisfies { [K in keyof ServerMessages]: (keyof ServerMessages[K])[] };

const CHAIN_EVENT_FIELDS = ['type', 'id', 'roomId', 'block', 'data'];

type JsonTypeOf<V> = V extends number
  ? 'integer'
  : V extends string
    ? 'string'
    : V extends boolean
      ? 'boolean'
      : never;

/** Each event's data fields with their JSON types, complete and true to `ChainEventData` (checked by the compiler). */
const CLIENT_EVENT_DATA: {
  [T in ChainEventType]: { [F in keyof ChainEventData[T]]-?: JsonTypeOf<ChainEventData[T][F]> };
} = {
  'room:created': { host: 'string', roomId: 'integer', roomType: 'string' },
  'room:live': { roomId: 'integer', startedAt: 'integer' },
  'live:started': { roomId: 'integer', startedAt: 'integer' },
  'live:paused': { roomId: 'integer' },
  'live:resumed': { roomId: 'integer' },
  'live:ended': {
    roomId: 'integer',
    duration: 'integer',
    totalViewers: 'integer',
    peakViewers: 'integer',
    totalGifts: 'string',
  },
  'room:updated': { roomId: 'integer' },
  'ticket:purchased': { roomId: 'integer', buyer: 'string', price: 'string' },
  'gift:received': {
    roomId: 'integer',
    sender: 'string',
    receiver: 'string',
    giftId: 'integer',
    quantity: 'integer',
    value: 'string',
  },
  'earnings:withdrawn': { host: 'string', amount: 'string' },
  'viewer:kicked': { roomId: 'integer', viewer: 'string' },
  'viewer:unbanned': { roomId: 'integer', viewer: 'string' },
  'room:banned': { roomId: 'integer', reason: 'string' },
  'cohost:started': { roomId: 'integer', coHost: 'string' },
  'cohost:ended': { roomId: 'integer', coHost: 'string' },
  'gift:created': { giftId: 'integer', price: 'string' },
  'gift:updated': { giftId: 'integer', enabled: 'boolean' },
  'stats:synced': { roomId: 'integer', totalViewers: 'integer', peakViewers: 'integer' },
};

describe("the client's protocol types against /ws-protocol.json and the server's contract", () => {
  let service: TestService;
  let protocol: ProtocolDocument;

  beforeAll(async () => {
    service = await startTestService();
    protocol = (await (await fetch(`${service.url}/ws-protocol.json`)).json()) as ProtocolDocument;
  });
  afterAll(() => service?.close());

  it('knows every message type the server sends, with the same fields', () => {
    const { chainEvent, ...messages } = protocol.serverMessages;
    const pending = new Set<string>(FINALITY_MESSAGE_TYPES);
    const served = Object.keys(messages).filter((type) => !pending.has(type));
    expect(served.sort()).toEqual(Object.keys(CLIENT_FIELDS).sort());
    for (const [type, fields] of Object.entries(CLIENT_FIELDS)) {
      const schema = messages[type] as JsonSchema;
      expect(Object.keys(schema.properties ?? {}).sort(), type).toEqual([...fields].sort());
    }
    expect(
      Object.keys(chainEvent?.properties ?? {})
        .filter((f) => f !== 'final')
        .sort(),
    ).toEqual([...CHAIN_EVENT_FIELDS].sort());
  });

  it('knows every chain event type, error code and close code', () => {
    const { chainEvent } = protocol.serverMessages;
    expect([...(chainEvent?.properties?.type?.enum ?? [])].sort()).toEqual([...CHAIN_EVENT_TYPES].sort());
    expect(
      Object.values(protocol.chainEvents).every((type) => CHAIN_EVENT_TYPES.includes(type as never)),
    ).toBe(true);
    const errorCodes = protocol.serverMessages.error?.properties?.code?.enum ?? [];
    expect([...errorCodes].sort()).toEqual([...WS_ERROR_CODES].sort());
    expect(protocol.closeCodes).toEqual(CLOSE_CODES);
  });

  it("types each chain event's data as the server describes it", () => {
    expect(Object.keys(protocol.chainEventData).sort()).toEqual([...CHAIN_EVENT_TYPES].sort());
    for (const type of CHAIN_EVENT_TYPES) {
      const schema = protocol.chainEventData[type] as JsonSchema;
      const served = Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([field, property]) => [field, property.type]),
      );
      expect(served, type).toEqual(CLIENT_EVENT_DATA[type]);
      expect([...(schema.required ?? [])].sort(), type).toEqual(Object.keys(CLIENT_EVENT_DATA[type]).sort());
    }
  });

  it('knows the HTTP error codes, room enums and signed texts of the server', () => {
    expect([...API_ERROR_CODES].sort()).toEqual(Object.keys(ERROR_STATUS).sort());
    expect(ROOM_TYPES).toEqual(SERVER_ROOM_TYPES);
    expect(ROOM_STATUSES).toEqual(SERVER_ROOM_STATUSES);
    expect(roomMessage(7, 1_700_000_000_000)).toBe(serverRoomMessage(7, 1_700_000_000_000));
    expect(authMessage(1_700_000_000_000)).toBe(serverAuthMessage(1_700_000_000_000));
  });

  it("declares the session tokens as the server's login and refresh answer them", () => {
    // The client keeps its own copy (it runs in browsers and may not import server code): the
    // typecheck (`npm run typecheck`) fails when the two drift apart.
    expectTypeOf<SessionTokens>().toEqualTypeOf<ServerSessionTokens>();
  });
});
