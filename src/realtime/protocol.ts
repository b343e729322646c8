/** The client → server frames of the WebSocket protocol, validated with zod. */
import { z } from 'zod';
import { EVENT_ID_PATTERN } from './chainEventMessage.js';

const RoomId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Sign-in session access tokens are ~330 characters. */
const MAX_ACCESS_TOKEN_CHARS = 2048;

/** `auth` signs in with a signed message (address, signature, timestamp) or a session token. */
const AuthFrame = z
  .object({
    type: z.literal('auth'),
    address: z.string().min(1).max(100).optional(),
    signature: z
      .string()
      .regex(/^0x(?:[0-9a-fA-F]{2}){64,66}$/)
      .optional(),
    timestamp: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    token: z
      .string()
      .min(1)
      .max(MAX_ACCESS_TOKEN_CHARS)
      .optional()
      .describe('a sign-in session access token'),
  })
  .describe('either token, or address + signature + timestamp')
  .superRefine((frame, ctx) => {
    const signed = [frame.address, frame.signature, frame.timestamp].filter((v) => v !== undefined).length;
    if (frame.token !== undefined ? signed > 0 : signed < 3) {
      ctx.addIssue({ code: 'custom', message: 'send either token, or address, signature and timestamp' });
    }
  });

export const ClientFrame = z.discriminatedUnion('type', [
  AuthFrame,
  z.object({
    type: z.literal('join-room'),
    roomId: RoomId,
    since: z
      .string()
      .regex(EVENT_ID_PATTERN, 'must be an event id like "120-3"')
      .optional()
      .describe('the id of the last event of the room you hold as final: resumes right after it'),
    finalOnly: z
      .boolean()
      .optional()
      .describe("true: the room's events once final only (never from a best block, never retracted)"),
  }),
  z.object({ type: z.literal('leave-room'), roomId: RoomId }),
  z.object({ type: z.literal('ping') }),
]);

export type ClientFrame = z.infer<typeof ClientFrame>;

/** Close codes: 4000 + the HTTP analogue where there is one. */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  HeartbeatTimeout: 4408,
  TooManyRequests: 4429,
} as const;

export const WS_ERROR_CODES = [
  'BAD_FRAME',
  'VALIDATION_ERROR',
  'UNKNOWN_TYPE',
  'ROOM_NOT_FOUND',
  'TOO_MANY_ROOMS',
  'NOT_JOINED',
  'AUTH_FAILED',
  'CHAIN_UNAVAILABLE',
  'VIEWER_BANNED',
] as const;
export type WsErrorCode = (typeof WS_ERROR_CODES)[number];

/** Why the server took a connection out of a room (`room:left` with a reason). */
export const ROOM_LEFT_REASONS = ['kicked'] as const;
export type RoomLeftReason = (typeof ROOM_LEFT_REASONS)[number];
