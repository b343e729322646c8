/** The HTTP API's shapes (README "HTTP API", `/openapi.json`), as the client returns them. */

export const ROOM_TYPES = ['Normal', 'Paid', 'Private', 'MultiHost'] as const;
export const ROOM_STATUSES = ['Preparing', 'Live', 'Paused', 'Ended', 'Banned'] as const;
export type RoomType = (typeof ROOM_TYPES)[number];
export type RoomStatus = (typeof ROOM_STATUSES)[number];

export interface Room {
  id: number;
  /** SS58 address, prefix 42. */
  host: string;
  title: string;
  description: string | null;
  roomType: RoomType;
  status: RoomStatus;
  coverCid: string | null;
  totalViewers: number;
  peakViewers: number;
  /** Planck (12 decimals) as a decimal string. */
  totalGifts: string;
  ticketPrice: string | null;
  /** Block numbers. */
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  currentViewers: number;
}

/** The block whose state a room read shows: `final` is false while it may still be retracted. */
export interface ServedBlock {
  number: number;
  /** 0x-prefixed hex. */
  hash: string;
  final: boolean;
}

/** `GET /room/:id`: the room and the block it is shown at (`room:joined` carries the room only). */
export type RoomDetail = Room & { block: ServedBlock };

export interface RoomsPage {
  rooms: Room[];
  total: number;
  page: number;
  limit: number;
  block: ServedBlock;
}

export interface RoomsQuery {
  status?: RoomStatus;
  type?: RoomType;
  /** SS58 (any prefix) or 0x public key. */
  host?: string;
  page?: number;
  /** At most 100. */
  limit?: number;
}

export interface TokenResponse {
  /** LiveKit access token (JWT). */
  token: string;
  /** LiveKit server URL to connect to. */
  url: string;
  /** `room-<id>`. */
  roomName: string;
  /** The caller's SS58 address (prefix 42). */
  identity: string;
  /**
   * The role granted, which the chain decides: the host always gets `publisher` and an active
   * co-host `coHost`, also from the viewer-token endpoint.
   */
  role: 'publisher' | 'coHost' | 'viewer';
  /** ms since the epoch. */
  expiresAt: number;
}

export type TokenRole = 'publisher' | 'viewer' | 'co-host';
export type CoHostMedia = 'audio' | 'video';

/** Error codes the API answers with (`{error: {code, message}}`). */
export const API_ERROR_CODES = [
  'VALIDATION_ERROR',
  'SIGNATURE_EXPIRED',
  'INVALID_SIGNATURE',
  'SIGNATURE_REUSED',
  'UNAUTHORIZED',
  'SIWS_EXPIRED',
  'SIWS_DOMAIN_MISMATCH',
  'NONCE_INVALID',
  'NONCE_REUSED',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'TOKEN_ADDRESS_MISMATCH',
  'SESSION_REVOKED',
  'REFRESH_TOKEN_REUSED',
  'TICKET_REQUIRED',
  'NOT_ROOM_HOST',
  'VIEWER_BANNED',
  'NOT_CO_HOST',
  'FORBIDDEN',
  'IDENTITY_MISMATCH',
  'ROOM_NOT_FOUND',
  'NOT_FOUND',
  'ROOM_NOT_AVAILABLE',
  'ROOM_NOT_LIVE',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMIT_EXCEEDED',
  'INTERNAL_ERROR',
  'CHAIN_UNAVAILABLE',
  'SESSION_STORE_UNAVAILABLE',
  'SHUTTING_DOWN',
] as const;
/** A code of the list, or one a newer server added (kept as sent, never an exception of its own). */
export type ApiErrorCode = (typeof API_ERROR_CODES)[number] | (string & {});
/**
 * Client-side failures: no answer, an answer that is not the API's JSON, or a call with a session
 * that has ended (signed out, or ended by the server: sign in again).
 */
export type ClientErrorCode = 'NETWORK_ERROR' | 'TIMEOUT' | 'BAD_RESPONSE' | 'SIGNED_OUT';
