import { RoomServiceClient, ServerError } from 'livekit-server-sdk';
import { LiveKitError, type LiveKitErrorKind } from './LiveKitError.js';
import type {
  CreateRoomInput,
  LiveKitGateway,
  ParticipantPermissionSet,
  ParticipantSummary,
  PermissionUpdateOutcome,
} from './LiveKitGateway.js';
import { summarizeParticipant } from './summarizeParticipant.js';
import { toTrackSource } from './trackSources.js';

export const DEFAULT_PING_TIMEOUT_SECONDS = 2;
const HTTP_REQUEST_TIMEOUT = 408;
const HTTP_TOO_MANY_REQUESTS = 429;
const HTTP_SERVER_ERROR_MIN = 500;
/** `ping` lists only this name, so the answer stays tiny however many rooms exist. */
const PING_ROOM_NAME = 'health-probe';
/** Errors fetch raises when no HTTP answer came back: network down, timeout, cut connection. */
const TRANSPORT_ERROR_NAMES = new Set(['TypeError', 'TimeoutError', 'AbortError', 'SyntaxError']);

export type RoomServiceGatewayOptions = {
  /** `ws(s)://` or `http(s)://` base URL of the LiveKit server. */
  url: string;
  apiKey: string;
  apiSecret: string;
  requestTimeoutSeconds: number;
  /** Health checks must answer fast even when ordinary calls may wait longer. */
  pingTimeoutSeconds?: number;
};

/** `LiveKitGateway` on the SDK's `RoomServiceClient` (Twirp over HTTP). */
export class RoomServiceGateway implements LiveKitGateway {
  readonly #client: RoomServiceClient;
  readonly #pingClient: RoomServiceClient;

  constructor(options: RoomServiceGatewayOptions) {
    if (options.apiKey.length === 0 || options.apiSecret.length === 0) {
      throw new RangeError('LiveKit apiKey and apiSecret must not be empty');
    }
    this.#client = new RoomServiceClient(options.url, options.apiKey, options.apiSecret, {
      requestTimeout: options.requestTimeoutSeconds,
    });
    this.#pingClient = new RoomServiceClient(options.url, options.apiKey, options.apiSecret, {
      requestTimeout: options.pingTimeoutSeconds ?? DEFAULT_PING_TIMEOUT_SECONDS,
    });
  }

  async createRoom(input: CreateRoomInput): Promise<void> {
    await this.#call('CreateRoom', () =>
      this.#client.createRoom({
        name: input.name,
        emptyTimeout: input.emptyTimeoutSeconds,
        maxParticipants: input.maxParticipants,
        metadata: input.metadata,
      }),
    );
  }

  async deleteRoom(name: string): Promise<void> {
    await this.#call('DeleteRoom', () => this.#client.deleteRoom(name), { notFound: undefined });
  }

  async removeParticipant(room: string, identity: string): Promise<void> {
    await this.#call('RemoveParticipant', () => this.#client.removeParticipant(room, identity), {
      notFound: undefined,
    });
  }

  async setParticipantPermission(
    room: string,
    identity: string,
    permission: ParticipantPermissionSet,
  ): Promise<PermissionUpdateOutcome> {
    return this.#call(
      'UpdateParticipant',
      async () => {
        await this.#client.updateParticipant(room, identity, {
          // Every field, always: the server replaces the whole permission.
          permission: {
            canPublish: permission.canPublish,
            canSubscribe: permission.canSubscribe,
            canPublishData: permission.canPublishData,
            canPublishSources: permission.canPublishSources.map(toTrackSource),
            hidden: false,
            recorder: false,
            canUpdateMetadata: false,
          },
        });
        return 'updated' as const;
      },
      { notFound: 'participantAbsent' as const },
    );
  }

  async listParticipants(room: string): Promise<ParticipantSummary[]> {
    const participants = await this.#call('ListParticipants', () => this.#client.listParticipants(room));
    return participants.map(summarizeParticipant);
  }

  async getParticipant(room: string, identity: string): Promise<ParticipantSummary | null> {
    const participant = await this.#call(
      'GetParticipant',
      () => this.#client.getParticipant(room, identity),
      { notFound: null },
    );
    return participant === null ? null : summarizeParticipant(participant);
  }

  async listRooms(): Promise<string[]> {
    const rooms = await this.#call('ListRooms', () => this.#client.listRooms());
    return rooms.map((room) => room.name);
  }

  async ping(): Promise<void> {
    await this.#call('ListRooms', () => this.#pingClient.listRooms([PING_ROOM_NAME]));
  }

  /** Runs one SDK call; maps a Twirp `not_found` to `notFound` when given, else to LiveKitError. */
  async #call<T, N = never>(
    operation: string,
    run: () => Promise<T>,
    onNotFound?: { notFound: N },
  ): Promise<T | N> {
    try {
      return await run();
    } catch (error) {
      // Only the Twirp code counts: a proxy's bare 404 must not pass for "already done".
      if (onNotFound !== undefined && error instanceof ServerError && error.code === 'not_found') {
        return onNotFound.notFound;
      }
      throw toLiveKitError(operation, error);
    }
  }
}

function toLiveKitError(operation: string, error: unknown): LiveKitError {
  if (error instanceof ServerError) {
    return new LiveKitError(`HTTP ${error.status} ${error.code ?? '-'}: ${error.message}`, {
      kind: kindOfStatus(error.status),
      operation,
      status: error.status,
      ...(error.code === undefined ? {} : { twirpCode: error.code }),
      cause: error,
    });
  }
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  return new LiveKitError(`${name}: ${message}`, {
    kind: TRANSPORT_ERROR_NAMES.has(name) ? 'unavailable' : 'rejected',
    operation,
    cause: error,
  });
}

function kindOfStatus(status: number): LiveKitErrorKind {
  if (
    status === HTTP_TOO_MANY_REQUESTS ||
    status === HTTP_REQUEST_TIMEOUT ||
    status >= HTTP_SERVER_ERROR_MIN
  ) {
    return 'unavailable';
  }
  if (status === 401 || status === 403) {
    return 'auth';
  }
  return 'rejected';
}
