import {
  type AccessDenial,
  coHostAccess,
  needsTicket,
  publisherAccess,
  viewerAccess,
  viewerNeedsFacts,
} from '../access/roomAccess.js';
import type { Account } from '../auth/parseAccount.js';
import type { SignedMessageAuthenticator, VerifiedMessage } from '../auth/SignedMessageAuthenticator.js';
import { roomMessage } from '../auth/signedMessages.js';
import type { ChainRooms } from '../chain/ChainRooms.js';
import type { ChainRoom } from '../chain/types.js';
import { withDeadline } from '../chain/withDeadline.js';
import { DEFAULT_CHAIN_TIMEOUT_MS } from '../config/configDefaults.js';
import { AppError } from '../errors/AppError.js';
import { participantName } from '../livekit/participantName.js';
import type { CoHostMedia } from '../livekit/stagePermission.js';
import type { MintedToken, TokenMinter } from '../livekit/TokenMinter.js';
import type { ViewerPresence } from '../presence/ViewerPresence.js';

/** Clients should retry a CHAIN_UNAVAILABLE answer after this long. */
export const CHAIN_RETRY_AFTER_SECONDS = 5;

export interface SignedRoomRequest {
  roomId: number;
  address: string;
  /** The parsed `address`, when the caller has it already. */
  account?: Account;
  signature: string;
  timestamp: number;
}

/** A signed room request whose signature verified (`TokenService.verify`); its message is not used yet. */
export interface VerifiedRoomRequest {
  roomId: number;
  verified: VerifiedMessage;
}

/** A request whose caller is already known: a sign-in session's access token was verified. */
export interface SessionRoomRequest {
  roomId: number;
  caller: Account;
}

/** A token request, its caller proved by a signature or by a session. */
export type TokenRequest = (VerifiedRoomRequest | SessionRoomRequest) & {
  /** Shown to others in LiveKit; validated at the edge. Default: the shortened address. */
  displayName?: string;
  /**
   * The client's IP as the rate limits key it: a viewer token raises the viewer count only within
   * that IP's presence quota (the token is issued either way).
   */
  clientIp?: string;
};

export interface TokenServiceOptions {
  authenticator: SignedMessageAuthenticator;
  rooms: ChainRooms;
  minter: TokenMinter;
  presence: ViewerPresence;
  /** A chain read that has not answered in this long fails the request with CHAIN_UNAVAILABLE. */
  chainTimeoutMs?: number;
  /**
   * Makes sure the LiveKit room exists before its host connects (production LiveKit refuses joins
   * to rooms it does not know). Must resolve, within a bounded time, even when LiveKit is down.
   */
  openRoom?: (room: ChainRoom) => Promise<void>;
}

const DENIAL_MESSAGES: Record<AccessDenial, string> = {
  ROOM_NOT_FOUND: 'room does not exist',
  NOT_ROOM_HOST: 'caller is not the host of this room',
  ROOM_NOT_AVAILABLE: 'room is ended or banned',
  ROOM_NOT_LIVE: 'room is not live',
  VIEWER_BANNED: 'caller is banned from this room',
  TICKET_REQUIRED: 'this room needs a ticket',
  NOT_CO_HOST: 'caller is not an active co-host of this room',
};

/**
 * The token endpoints' use cases: verify the wallet, check the chain, mint the grant. Verifying is a
 * step of its own, so the caller can count the request against the account it proved to hold (and
 * only then) before the message is used.
 */
export class TokenService {
  readonly #auth: SignedMessageAuthenticator;
  readonly #rooms: ChainRooms;
  readonly #minter: TokenMinter;
  readonly #presence: ViewerPresence;
  readonly #chainTimeoutMs: number;
  readonly #openRoom: (room: ChainRoom) => Promise<void>;

  constructor(options: TokenServiceOptions) {
    this.#chainTimeoutMs = options.chainTimeoutMs ?? DEFAULT_CHAIN_TIMEOUT_MS;
    this.#auth = options.authenticator;
    this.#rooms = options.rooms;
    this.#minter = options.minter;
    this.#presence = options.presence;
    this.#openRoom = options.openRoom ?? (() => Promise.resolve());
  }

  /**
   * The account that signed `request`, once its signature verifies. `needsChain`: refuse early (before
   * the costly signature check) when the chain's facts are unknown, for the requests that need them.
   */
  async verify(request: SignedRoomRequest, options: { needsChain: boolean }): Promise<VerifiedMessage> {
    if (options.needsChain) this.#ensureChain();
    return this.#auth.verify({ ...request, message: roomMessage(request.roomId, request.timestamp) });
  }

  async issuePublisherToken(request: TokenRequest): Promise<MintedToken> {
    const caller = await this.#authenticate(request);
    const room = this.#room(request.roomId);
    deny(publisherAccess(room, caller.address));
    return this.#mintPublisher(room as ChainRoom, caller, request);
  }

  /**
   * The app asks for a viewer token after a restart whatever its role: the chain decides. The host
   * gets publisher grants, an active co-host co-host grants (camera and microphone), anyone else
   * the viewer rules.
   */
  async issueViewerToken(request: TokenRequest): Promise<MintedToken> {
    const caller = await this.#authenticate(request);
    const room = this.#room(request.roomId);
    if (room && publisherAccess(room, caller.address) === null) {
      const token = await this.#mintPublisher(room, caller, request);
      this.#presence.join(request.roomId, caller.address, request.clientIp);
      return token;
    }
    const facts = { blacklisted: false, hasTicket: false, isCoHost: false };
    if (room && viewerNeedsFacts(room)) {
      const rooms = this.#rooms;
      const [blacklisted, hasTicket, coHosts] = await this.#read(() =>
        Promise.all([
          rooms.isBlacklisted(room.id, caller.accountId),
          needsTicket(room, caller.address) ? rooms.hasTicket(room.id, caller.accountId) : false,
          rooms.coHosts(room.id),
        ]),
      );
      Object.assign(facts, { blacklisted, hasTicket, isCoHost: coHosts.includes(caller.address) });
    }
    deny(viewerAccess(room, caller.address, facts));
    const token = await this.#minter.mint({
      identity: caller.address,
      name: participantName(caller.address, request.displayName),
      roomId: request.roomId,
      role: facts.isCoHost ? 'coHost' : 'viewer',
    });
    this.#presence.join(request.roomId, caller.address, request.clientIp);
    return token;
  }

  async issueCoHostToken(request: TokenRequest & { media: CoHostMedia }): Promise<MintedToken> {
    const caller = await this.#authenticate(request);
    const room = this.#room(request.roomId);
    // Only a live or paused room's co-hosts matter: other rooms are refused without a chain read.
    const coHosts =
      room && viewerNeedsFacts(room) ? await this.#read(() => this.#rooms.coHosts(room.id)) : [];
    deny(coHostAccess(room, coHosts.includes(caller.address)));
    return this.#minter.mint({
      identity: caller.address,
      name: participantName(caller.address, request.displayName),
      roomId: request.roomId,
      role: 'coHost',
      coHostMedia: request.media,
    });
  }

  async #mintPublisher(room: ChainRoom, caller: Account, request: TokenRequest): Promise<MintedToken> {
    const [token] = await Promise.all([
      this.#minter.mint({
        identity: caller.address,
        name: participantName(caller.address, request.displayName),
        roomId: room.id,
        role: 'publisher',
      }),
      this.#openRoom(room),
    ]);
    return token;
  }

  async leaveAsViewer(request: VerifiedRoomRequest | SessionRoomRequest): Promise<void> {
    const caller = 'caller' in request ? request.caller : await this.#auth.consume(request.verified);
    this.#presence.leave(request.roomId, caller.address);
  }

  async #authenticate(request: VerifiedRoomRequest | SessionRoomRequest): Promise<Account> {
    this.#ensureChain();
    return 'caller' in request ? request.caller : this.#auth.consume(request.verified);
  }

  #room(roomId: number): ChainRoom | undefined {
    this.#ensureChain();
    return this.#rooms.get(roomId);
  }

  #ensureChain(): void {
    if (!this.#rooms.available) {
      throw new AppError('CHAIN_UNAVAILABLE', 'the chain is unreachable; try again shortly', {
        retryAfterSeconds: CHAIN_RETRY_AFTER_SECONDS,
      });
    }
  }

  async #read<T>(read: () => Promise<T>): Promise<T> {
    try {
      // A hung node would otherwise hold the request for the provider's own 10 s timeout.
      return await withDeadline(read(), this.#chainTimeoutMs);
    } catch (error) {
      throw new AppError('CHAIN_UNAVAILABLE', 'the chain did not answer; try again shortly', {
        retryAfterSeconds: CHAIN_RETRY_AFTER_SECONDS,
        cause: error,
      });
    }
  }
}

function deny(code: AccessDenial | null): void {
  if (code !== null) throw new AppError(code, DENIAL_MESSAGES[code]);
}
