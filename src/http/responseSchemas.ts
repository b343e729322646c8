/** Response shapes of the HTTP contract, for the API description and for tests that check replies. */

import { z } from 'zod';
import { ERROR_STATUS } from '../errors/AppError.js';
import { STAGE_ROLES } from '../livekit/stagePermission.js';
import { Address, BlockNumber, ServedBlock } from '../rooms/roomSchemas.js';

export const TokenResponse = z.object({
  token: z.string().describe('LiveKit access token (JWT, HS256)'),
  url: z.string().describe('LiveKit URL to connect to'),
  roomName: z.string().regex(/^room-\d+$/),
  identity: Address,
  role: z
    .enum(STAGE_ROLES)
    .describe('the role granted, from the chain: the host always gets publisher, an active co-host coHost'),
  expiresAt: z.number().int().describe('ms since the epoch; LiveKit refreshes tokens of connected clients'),
});

/** LiveKit's standard token endpoint answer (livekit/protocol TokenSourceResponse). */
export const TokenSourceResponse = z.object({
  server_url: z.string().describe('LiveKit URL to connect to'),
  participant_token: z.string().describe('LiveKit access token (JWT, HS256), identity = the session address'),
});

export const NonceResponse = z.object({
  nonce: z.string().describe('put it in the SIWS message (Nonce:); accepted once'),
  expiresAt: z.number().int().describe('ms since the epoch: sign in before then'),
});

export const SessionResponse = z.object({
  tokenType: z.literal('Bearer'),
  accessToken: z.string().describe('send as Authorization: Bearer; short-lived'),
  accessTokenExpiresAt: z.number().int().describe('ms since the epoch'),
  refreshToken: z
    .string()
    .describe('single use: POST /auth/refresh answers a new one; reusing an old one ends the session'),
  refreshTokenExpiresAt: z.number().int().describe('ms since the epoch'),
  address: Address,
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
    bestBlock: ServedBlock.nullable().describe(
      'the block whose state the service serves: the best block it applied (final: false until finality reaches it); null before the rooms are first loaded',
    ),
    followerLagBlocks: z.number().int().min(0),
    rooms: z.number().int().min(0),
  }),
  sessions: z
    .object({ store: z.enum(['redis', 'memory']), shared: z.boolean(), survivesRestart: z.boolean() })
    .describe(
      'sign-in sessions: in Redis (all instances, survive restarts) or in memory (this instance only)',
    ),
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
