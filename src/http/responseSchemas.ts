/** Response shapes of the HTTP contract, for the API description and for tests that check replies. */
import { z } from 'zod';
import { ROOM_STATUSES, ROOM_TYPES } from '../chain/types.js';
import { ERROR_STATUS } from '../errors/AppError.js';

const Balance = z.string().regex(/^\d+$/).describe('planck (12 decimals) as a decimal string');
const BlockNumber = z.number().int().min(0).describe('a block number');
const Address = z.string().describe('SS58 address, prefix 42');

export const TokenResponse = z.object({
  token: z.string().describe('LiveKit access token (JWT, HS256)'),
  url: z.string().describe('LiveKit URL to connect to'),
  roomName: z.string().regex(/^room-\d+$/),
  identity: Address,
  expiresAt: z.number().int().describe('ms since the epoch; LiveKit refreshes tokens of connected clients'),
});

export const Room = z.object({
  id: z.number().int().min(0),
  host: Address,
  title: z.string(),
  description: z.string().nullable(),
  roomType: z.enum(ROOM_TYPES),
  status: z.enum(ROOM_STATUSES),
  coverCid: z.string().nullable(),
  totalViewers: z.number().int().min(0),
  peakViewers: z.number().int().min(0),
  totalGifts: Balance,
  ticketPrice: Balance.nullable(),
  createdAt: BlockNumber,
  startedAt: BlockNumber.nullable(),
  endedAt: BlockNumber.nullable(),
  currentViewers: z.number().int().min(0),
});

export const RoomsPage = z.object({
  rooms: z.array(Room),
  total: z.number().int().min(0),
  page: z.number().int().min(1),
  limit: z.number().int().min(1).max(100),
});

export const LeaveResponse = z.object({ success: z.literal(true) });

const ServiceStatus = z.enum(['connected', 'disconnected', 'disabled']);
export const HealthResponse = z.object({
  status: z.enum(['ok', 'degraded', 'down']),
  timestamp: z.number().int(),
  uptimeSeconds: z.number().int().min(0),
  services: z.object({ chain: ServiceStatus, livekit: ServiceStatus, redis: ServiceStatus }),
  chain: z.object({
    finalizedBlock: BlockNumber.nullable(),
    followerLagBlocks: z.number().int().min(0),
    rooms: z.number().int().min(0),
  }),
});

export const ProbeResponse = z.object({ status: z.string() });

export const ErrorResponse = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]]),
    message: z.string(),
  }),
});

export const WebhookResponse = z.object({
  received: z.literal(true),
  event: z.string(),
  outcome: z.enum(['applied', 'duplicate', 'ignored']),
});
