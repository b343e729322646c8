/** Request schemas of sign-in sessions and of LiveKit's standard token endpoint. */
import { z } from 'zod';
import { CO_HOST_MEDIA, DEFAULT_CO_HOST_MEDIA } from '../livekit/stagePermission.js';
import { MAX_SIWS_MESSAGE_CHARS } from '../sessions/SiwsAuthenticator.js';
import { DisplayName, RoomId } from './schemas.js';

const Address = z.string().min(1).max(100);
const Signature = z
  .string()
  .regex(/^0x(?:[0-9a-fA-F]{2}){64,66}$/, 'must be 0x-prefixed hex of 64 to 66 bytes');
/** Ours are ~90 characters; anything token-like up to this bound gets TOKEN_INVALID, not a 400. */
const RefreshToken = z.string().min(1).max(2048);

export const LoginBody = z.object({
  message: z
    .string()
    .min(1)
    .max(MAX_SIWS_MESSAGE_CHARS)
    .describe('the exact Sign-In with Substrate text the wallet signed (@talismn/siws prepareMessage())'),
  signature: Signature.describe('of the message text, raw or <Bytes>-wrapped; sr25519, ed25519 or ecdsa'),
});

export const RefreshBody = z.object({ refreshToken: RefreshToken });

export const LogoutBody = z.object({
  refreshToken: RefreshToken.optional().describe('the session to end; or send the access token as Bearer'),
});

/**
 * The body of a signed endpoint called with `Authorization: Bearer`: no signature or timestamp. An
 * address, when sent, must be the session's own (else TOKEN_ADDRESS_MISMATCH).
 */
export const SessionRoomBody = z
  .object({
    roomId: RoomId,
    address: Address.optional(),
    publicKey: Address.optional(),
    viewerAddress: Address.optional(),
    coHostAddress: Address.optional(),
    displayName: DisplayName.optional(),
    type: z.enum(CO_HOST_MEDIA).optional().describe('co-host-token only; default video'),
  })
  .transform((body) => ({
    roomId: body.roomId,
    address: body.address ?? body.publicKey ?? body.viewerAddress ?? body.coHostAddress,
    media: body.type ?? DEFAULT_CO_HOST_MEDIA,
    ...(body.displayName === undefined ? {} : { displayName: body.displayName }),
  }));

/** `room-<id>`, the LiveKit room of chain room `<id>`. */
const ROOM_NAME = /^room-(0|[1-9]\d{0,15})$/;

/** Fields of LiveKit's request a client may not set here (a later rule may allow some). */
export const REFUSED_TOKEN_SOURCE_FIELDS = [
  'participant_metadata',
  'participant_attributes',
  'room_config',
] as const;

/**
 * LiveKit's standard token-endpoint request (livekit/protocol `TokenSourceRequest`, JSON with proto
 * field names, as livekit-client's `TokenSource.endpoint` sends it).
 */
export const TokenSourceBody = z
  .object({
    room_name: z.string().regex(ROOM_NAME, 'must be room-<id>').describe('room-<id> of a chain room'),
    participant_identity: z
      .string()
      .max(256)
      .optional()
      .describe("must be the session's address when given (any SS58 prefix or 0x public key)"),
    participant_name: z
      .union([z.literal(''), DisplayName])
      .optional()
      .describe('display name put in the token; default: the shortened address'),
    participant_metadata: z.unknown().optional().describe('refused (400)'),
    participant_attributes: z.unknown().optional().describe('refused (400)'),
    room_config: z.unknown().optional().describe('refused (400)'),
  })
  .superRefine((body, ctx) => {
    for (const field of REFUSED_TOKEN_SOURCE_FIELDS) {
      if (!isEmpty(body[field])) {
        ctx.addIssue({ code: 'custom', path: [field], message: 'is not accepted by this server' });
      }
    }
  })
  .transform((body) => ({
    roomId: Number(ROOM_NAME.exec(body.room_name)?.[1]),
    identity: emptyToUndefined(body.participant_identity),
    name: emptyToUndefined(body.participant_name),
  }));

/** Protobuf JSON omits unset fields, but other SDKs may send them empty: empty means unset. */
function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  return typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}
