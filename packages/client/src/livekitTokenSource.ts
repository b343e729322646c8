import type { CoHostMedia, TokenRole } from './apiTypes.js';
import type { LivestreamClient } from './createLivestreamClient.js';
import { LivestreamApiError } from './LivestreamApiError.js';

/** What livekit-client's `TokenSource.custom` passes to its function (the fields used here). */
export interface TokenSourceFetchOptions {
  roomName?: string;
}

/** What `TokenSource.custom`'s function resolves with. */
export interface TokenSourceResponse {
  serverUrl: string;
  participantToken: string;
}

export interface LiveKitTokenFetcherOptions {
  /** Which token to ask for (default `viewer`). */
  role?: TokenRole;
  /** Co-hosts: `audio` (default) or `video`. */
  media?: CoHostMedia;
}

const ROOM_NAME = /^room-(\d{1,16})$/;

/**
 * The function for livekit-client's `TokenSource.custom`: fetches a LiveKit token through the
 * backend for the room `room-<id>` it is asked for. LiveKit's token source caches the answer and
 * calls again when the token is about to expire, so refreshing is a new signed call.
 *
 *   const tokens = TokenSource.custom(livekitTokenFetcher(client, { role: 'viewer' }));
 *   const { serverUrl, participantToken } = await tokens.fetch({ roomName: 'room-0' });
 */
export function livekitTokenFetcher(
  client: LivestreamClient,
  options: LiveKitTokenFetcherOptions = {},
): (fetchOptions: TokenSourceFetchOptions) => Promise<TokenSourceResponse> {
  const role = options.role ?? 'viewer';
  return async ({ roomName }) => {
    const match = roomName === undefined ? null : ROOM_NAME.exec(roomName);
    if (!match) {
      throw new LivestreamApiError(
        'VALIDATION_ERROR',
        `roomName must be "room-<id>", got ${JSON.stringify(roomName)}`,
      );
    }
    const response = await client.token(role, Number(match[1]), options.media);
    return { serverUrl: response.url, participantToken: response.token };
  };
}
