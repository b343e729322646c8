/** Server → client messages of the WebSocket protocol, as schemas for the protocol document and tests. */
import { z } from 'zod';
import { Room } from '../rooms/roomSchemas.js';
import { EVENT_MESSAGE_TYPES } from './chainEventMessage.js';
import { ROOM_LEFT_REASONS, WS_ERROR_CODES } from './protocol.js';
import { VIEWERS_COUNT_WINDOW_MS } from './TrailingCoalescer.js';

const EventValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const BlockRef = z.object({ number: z.number().int().min(0), hash: z.string() });
const EventId = z
  .string()
  .regex(/^\d+-\d+$/)
  .describe('<blockNumber>-<eventIndex>: chain position, the same on every instance');

export const ChainEventFrame = z.object({
  type: z.enum(['room:live', ...Object.values(EVENT_MESSAGE_TYPES)]),
  id: EventId,
  roomId: z.number().int().min(0).nullable(),
  block: BlockRef,
  final: z
    .boolean()
    .describe(
      'false: pushed from a best block, may still be retracted (events:retracted); final once a block:finalized reaches its block number',
    ),
  data: z
    .record(z.string(), EventValue)
    .describe('event fields, camelCase; balances as decimal strings; accounts SS58-42'),
});

export const SERVER_MESSAGES = {
  'auth:ok': z.object({ type: z.literal('auth:ok'), address: z.string() }),
  'room:joined': z.object({
    type: z.literal('room:joined'),
    roomId: z.number().int(),
    room: Room,
    viewers: z.number().int().min(0),
    lastEventId: EventId.nullable(),
  }),
  'room:left': z.object({
    type: z.literal('room:left'),
    roomId: z.number().int(),
    reason: z
      .enum(ROOM_LEFT_REASONS)
      .optional()
      .describe('set when the server took the connection out (kicked: the account was kicked from the room)'),
  }),
  'room:reset': z
    .object({ type: z.literal('room:reset'), roomId: z.number().int() })
    .describe(
      "the room's history here cannot be told exactly (too old, another chain, a re-org past what is kept): reload the room",
    ),
  'block:finalized': z
    .object({ type: z.literal('block:finalized'), number: z.number().int().min(0), hash: z.string() })
    .describe(
      'finality advanced to this block: every event of a block up to this number is final (one per advance, to every connection)',
    ),
  'events:retracted': z
    .object({
      type: z.literal('events:retracted'),
      roomId: z.number().int(),
      ids: z.array(EventId).min(1),
      block: BlockRef,
    })
    .describe(
      'a best block left the best chain before finality: its events with these ids did not happen (an event included again in another block comes again, with its id there)',
    ),
  pong: z.object({ type: z.literal('pong') }),
  'viewer:joined': z.object({
    type: z.literal('viewer:joined'),
    roomId: z.number().int(),
    address: z.string(),
  }),
  'viewer:left': z.object({ type: z.literal('viewer:left'), roomId: z.number().int(), address: z.string() }),
  'viewers:count': z
    .object({
      type: z.literal('viewers:count'),
      roomId: z.number().int(),
      count: z.number().int(),
    })
    .describe(
      `a room's viewer count, coalesced: at most one per ${VIEWERS_COUNT_WINDOW_MS} ms per room, sent at the end of ` +
        'the window with the latest count (counts in between are skipped; the last one always arrives)',
    ),
  error: z.object({ type: z.literal('error'), code: z.enum(WS_ERROR_CODES), message: z.string() }),
  'server:shutdown': z.object({ type: z.literal('server:shutdown') }),
  chainEvent: ChainEventFrame,
} as const;
