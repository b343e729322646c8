/**
 * The request schemas of the HTTP contract: the one source for validation (and
 * for the API description generated from them).
 */
import { z } from 'zod';
import { parseAccount } from '../auth/parseAccount.js';
import { ROOM_STATUSES, ROOM_TYPES } from '../chain/types.js';
import { DISPLAY_NAME_FORBIDDEN, MAX_DISPLAY_NAME_CHARS } from '../livekit/participantName.js';
import { CO_HOST_MEDIA, DEFAULT_CO_HOST_MEDIA } from '../livekit/stagePermission.js';

/** Room ids are u64 on chain; ids past 2^53 cannot exist in practice and are refused. */
export const RoomId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** One canonical form per room (`0`, `42`): `/room/00042` is refused, not read as room 42. */
const RoomIdText = z
  .string()
  .regex(/^(?:0|[1-9]\d{0,15})$/, 'must be a non-negative integer without leading zeros')
  .transform(Number)
  .pipe(RoomId);

const Address = z.string().min(1).max(100);
/** 64-byte sr25519/ed25519, 65-byte ecdsa or type-prefixed MultiSignature, hex. */
const Signature = z
  .string()
  .regex(/^0x(?:[0-9a-fA-F]{2}){64,66}$/, 'must be 0x-prefixed hex of 64 to 66 bytes');
const Timestamp = z.number().int().positive().max(Number.MAX_SAFE_INTEGER).describe('ms since the epoch');

export const DisplayName = z
  .string()
  .trim()
  .min(1)
  .max(MAX_DISPLAY_NAME_CHARS)
  .refine((name) => !DISPLAY_NAME_FORBIDDEN.test(name), 'must not contain control characters')
  .describe('shown to others in the room; default: the shortened address (5Grw…utQY)');

const SignedFields = {
  roomId: RoomId,
  address: Address.optional(),
  signature: Signature,
  timestamp: Timestamp,
};

interface SignedFieldsOutput {
  roomId: number;
  address?: string | undefined;
  signature: string;
  timestamp: number;
}

/**
 * Each endpoint keeps the address field name its existing clients send (`publicKey`, `viewerAddress`,
 * `coHostAddress`); `address` is accepted everywhere.
 */
function withAddress(field: string) {
  return <T extends SignedFieldsOutput>(body: T, ctx: z.RefinementCtx) => {
    const named = (body as T & Record<string, unknown>)[field];
    const address = typeof named === 'string' ? named : body.address;
    if (address === undefined) {
      ctx.addIssue({ code: 'custom', path: [field], message: `${field} or address is required` });
      return z.NEVER;
    }
    return { roomId: body.roomId, address, signature: body.signature, timestamp: body.timestamp };
  };
}

/** A token request: the signed fields and the optional display name. */
function tokenRequest(field: string) {
  return <T extends SignedFieldsOutput & { displayName?: string | undefined }>(
    body: T,
    ctx: z.RefinementCtx,
  ) => {
    const signed = withAddress(field)(body, ctx);
    return body.displayName === undefined ? signed : { ...signed, displayName: body.displayName };
  };
}

export const PublisherTokenBody = z
  .object({ ...SignedFields, publicKey: Address.optional(), displayName: DisplayName.optional() })
  .transform(tokenRequest('publicKey'));
export const ViewerTokenBody = z
  .object({ ...SignedFields, viewerAddress: Address.optional(), displayName: DisplayName.optional() })
  .transform(tokenRequest('viewerAddress'));
export const ViewerLeaveBody = z
  .object({ ...SignedFields, viewerAddress: Address.optional() })
  .transform(withAddress('viewerAddress'));
export const CoHostTokenBody = z
  .object({
    ...SignedFields,
    coHostAddress: Address.optional(),
    displayName: DisplayName.optional(),
    type: z
      .enum(CO_HOST_MEDIA)
      .optional()
      .describe('audio: microphone only; video or absent: camera and microphone'),
  })
  .transform((body, ctx) => ({
    ...tokenRequest('coHostAddress')(body, ctx),
    media: body.type ?? DEFAULT_CO_HOST_MEDIA,
  }));

export const RoomParams = z.object({ roomId: RoomIdText });

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE = 1_000_000;

const PositiveIntText = (max: number) =>
  z
    .string()
    .regex(/^\d{1,7}$/, 'must be a positive integer')
    .transform(Number)
    .pipe(z.number().int().min(1).max(max));

export const RoomsQuery = z.object({
  status: z.enum(ROOM_STATUSES).optional(),
  type: z.enum(ROOM_TYPES).optional(),
  host: z
    .string()
    .max(100)
    .transform((value, ctx) => {
      const account = parseAccount(value);
      if (!account) {
        ctx.addIssue({ code: 'custom', message: 'must be an SS58 address or a 0x public key' });
        return z.NEVER;
      }
      return account.address;
    })
    .optional(),
  page: PositiveIntText(MAX_PAGE).default(1),
  limit: PositiveIntText(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});
