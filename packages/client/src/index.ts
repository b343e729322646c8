export {
  API_ERROR_CODES,
  type ApiErrorCode,
  type ClientErrorCode,
  type CoHostMedia,
  ROOM_STATUSES,
  ROOM_TYPES,
  type Room,
  type RoomDetail,
  type RoomStatus,
  type RoomsPage,
  type RoomsQuery,
  type RoomType,
  type ServedBlock,
  type TokenResponse,
  type TokenRole,
} from './apiTypes.js';
export { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './backoffDelay.js';
export {
  createLivestreamClient,
  type LivestreamClient,
  type LivestreamClientOptions,
  type RealtimeOptions,
  realtimeUrl,
} from './createLivestreamClient.js';
export { compareEventIds } from './eventIds.js';
export { LivestreamApiError } from './LivestreamApiError.js';
export {
  type LiveKitTokenFetcherOptions,
  livekitTokenFetcher,
  type TokenSourceFetchOptions,
  type TokenSourceResponse,
} from './livekitTokenSource.js';
export {
  type ChainEventMap,
  type ConnectionState,
  MAX_ROOMS,
  RealtimeConnection,
  type RealtimeEvents,
  type StateChange,
} from './RealtimeConnection.js';
export { RealtimeError, type RealtimeErrorCode } from './RealtimeError.js';
export {
  type AnyChainEventMessage,
  CHAIN_EVENT_TYPES,
  type ChainEventData,
  type ChainEventMessage,
  type ChainEventType,
  CLOSE_CODES,
  type EventValue,
  FINALITY_MESSAGE_TYPES,
  type FinalityMessages,
  type ServerMessages,
  WS_ERROR_CODES,
  type WsErrorCode,
} from './realtimeMessages.js';
export {
  ACCESS_TOKEN_REFRESH_MARGIN_MS,
  Session,
  type SessionStorage,
  type SessionTokens,
} from './Session.js';
export {
  authMessage,
  injectedSigner,
  type KeyringPairLike,
  keyringSigner,
  roomMessage,
  type SessionCredentials,
  type Signer,
  type SignRawInjector,
} from './signers.js';
export {
  DEFAULT_SIGN_IN_STATEMENT,
  resumeSession,
  type SignInOptions,
  type SignInWallet,
  signIn,
} from './signIn.js';
export { SIWS_VERSION, type SiwsFields, siwsMessage } from './siwsMessage.js';
export type { FetchLike, FetchResponseLike, WebSocketConstructor, WebSocketLike } from './transport.js';
