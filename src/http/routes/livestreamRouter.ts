import { type RequestHandler, type Response, Router } from 'express';
import type { z } from 'zod';
import { parseAccount } from '../../auth/parseAccount.js';
import { AppError } from '../../errors/AppError.js';
import type { CoHostMedia } from '../../livekit/stagePermission.js';
import type { MintedToken } from '../../livekit/TokenMinter.js';
import type { Metrics } from '../../observability/Metrics.js';
import type { RoomViews } from '../../rooms/RoomViews.js';
import type {
  SessionRoomRequest,
  SignedRoomRequest,
  TokenService,
  VerifiedRoomRequest,
} from '../../tokens/TokenService.js';
import { clientIpKey } from '../middleware/clientIpKey.js';
import { setRateLimitAccount } from '../middleware/rateLimits.js';
import type { SignatureFailureLimit } from '../middleware/SignatureFailureLimit.js';
import { type SessionAuthenticator, sessionCaller } from '../middleware/sessionCaller.js';
import {
  CoHostTokenBody,
  PublisherTokenBody,
  RoomParams,
  RoomsQuery,
  ViewerLeaveBody,
  ViewerTokenBody,
} from '../schemas.js';
import { SessionRoomBody } from '../sessionSchemas.js';

export interface LivestreamRouterDeps {
  tokens: TokenService;
  rooms: RoomViews;
  /** The per-account limiter shared by every signed endpoint; it counts verified requests only. */
  accountLimiter: RequestHandler;
  /** Failed signature checks per client IP. */
  signatureFailures: SignatureFailureLimit;
  metrics: Metrics;
  /** Verifies `Authorization: Bearer` session tokens, accepted instead of a body signature. */
  sessions: SessionAuthenticator;
}

const BODY = 'parsedBody';

interface SignedRoute {
  tokens: TokenService;
  accountLimiter: RequestHandler;
  signatureFailures: SignatureFailureLimit;
  sessions: SessionAuthenticator;
  /** Token requests need the chain's facts: refused before the signature check while it is unknown. */
  needsChain: boolean;
  /** Told of every request the verification refuses (token metrics count refusals by code). */
  refused: (error: unknown) => void;
}

/**
 * Parses the body, verifies its signature, and only then counts the request against the account it
 * proved to hold: a bad signature counts against the client's IP (whose budget, once spent, refuses
 * its signed requests before any crypto), never against the account it names, so no one can lock
 * another account out. The message is used by the handler, after the account limit: a request refused
 * there can be sent again. With `Authorization: Bearer`, the session's access token names the caller
 * instead (its check is one HMAC), and the body needs no signature.
 */
function signedRequest<S extends z.ZodType<SignedRoomRequest>>(
  schema: S,
  route: SignedRoute,
): RequestHandler[] {
  const parse: RequestHandler = async (req, res, next) => {
    const caller = await sessionCaller(route.sessions, req);
    if (caller !== undefined) {
      const { address, ...body } = SessionRoomBody.parse(req.body);
      if (address !== undefined && parseAccount(address)?.address !== caller.address) {
        throw new AppError('TOKEN_ADDRESS_MISMATCH', 'the access token is for another address');
      }
      const session: SessionBody = { ...body, caller };
      res.locals[BODY] = session;
      setRateLimitAccount(res, caller.address);
      next();
      return;
    }
    const body = schema.parse(req.body);
    const account = parseAccount(body.address);
    if (!account)
      throw new AppError('VALIDATION_ERROR', 'address: must be an SS58 address or a 0x public key');
    // The parsed account travels with the body: the signature check need not parse it again.
    res.locals[BODY] = { ...body, account };
    next();
  };
  const verify: RequestHandler = async (req, res, next) => {
    const body = bodyOf<SignedRoomRequest | SessionRoomRequest>(res);
    if ('caller' in body) {
      next();
      return;
    }
    try {
      const verified = await route.tokens.verify(body, { needsChain: route.needsChain });
      res.locals[BODY] = { ...body, verified };
      setRateLimitAccount(res, verified.account.address);
    } catch (error) {
      route.refused(error);
      if (error instanceof AppError && error.code === 'INVALID_SIGNATURE') {
        await route.signatureFailures.recordFailure(req);
      }
      throw error;
    }
    next();
  };
  return [parse, route.signatureFailures.gate, verify, route.accountLimiter];
}

/** A body after `signedRequest`: parsed, and its signature verified (or its session's token). */
type Verified<S extends z.ZodType> = (z.output<S> & VerifiedRoomRequest) | SessionBody;

/** A body of a request with a session's access token (its `media` matters to co-host tokens only). */
type SessionBody = SessionRoomRequest & { media: CoHostMedia };

function bodyOf<T>(res: { locals: Record<string, unknown> }): T {
  return res.locals[BODY] as T;
}

/** The `/api/livestream` routes: tokens, leave, rooms (the README's HTTP API). */
export function livestreamRouter(deps: LivestreamRouterDeps): Router {
  const { tokens, rooms, metrics } = deps;
  const outcomeOf = (error: unknown) => (error instanceof AppError ? error.code : 'INTERNAL_ERROR');
  /** A token route (`role`: counted in the token metrics) or, without a role, the leave route. */
  const signed = (role?: string): SignedRoute => ({
    tokens,
    accountLimiter: deps.accountLimiter,
    signatureFailures: deps.signatureFailures,
    sessions: deps.sessions,
    needsChain: role !== undefined,
    refused:
      role === undefined ? () => {} : (error) => metrics.tokens.inc({ role, outcome: outcomeOf(error) }),
  });
  const router = Router();
  const counted = async (role: string, issue: () => Promise<MintedToken>): Promise<MintedToken> => {
    try {
      const token = await issue();
      metrics.tokens.inc({ role, outcome: 'issued' });
      return token;
    } catch (error) {
      metrics.tokens.inc({ role, outcome: outcomeOf(error) });
      throw error;
    }
  };

  // Reads first: they are most of the traffic, and every route before the matching one costs a match.
  router.get('/room/:roomId', (req, res) => {
    const { roomId } = RoomParams.parse(req.params);
    if (!rooms.loaded) throw chainUnavailable();
    const room = rooms.detail(roomId);
    if (!room) throw new AppError('ROOM_NOT_FOUND', 'room does not exist');
    res.json(room);
  });

  router.get('/rooms', (req, res) => {
    const query = RoomsQuery.parse(req.query);
    if (!rooms.loaded) throw chainUnavailable();
    const page = rooms.page(query);
    // Content type and ETag set here, so Express neither looks the type up nor hashes the body
    // again; a client sending If-None-Match still gets its 304.
    res.setHeader('Content-Type', JSON_CONTENT_TYPE);
    res.setHeader('ETag', page.etag);
    res.send(page.body);
  });

  router.post(
    '/publisher-token',
    ...signedRequest(PublisherTokenBody, signed('publisher')),
    async (_req, res) => {
      const body = bodyOf<Verified<typeof PublisherTokenBody>>(res);
      sendToken(res, await counted('publisher', () => tokens.issuePublisherToken(body)));
    },
  );

  router.post('/viewer-token', ...signedRequest(ViewerTokenBody, signed('viewer')), async (req, res) => {
    const body = { ...bodyOf<Verified<typeof ViewerTokenBody>>(res), clientIp: clientIpKey(req) };
    sendToken(res, await counted('viewer', () => tokens.issueViewerToken(body)));
  });

  router.post('/co-host-token', ...signedRequest(CoHostTokenBody, signed('coHost')), async (_req, res) => {
    const body = bodyOf<Verified<typeof CoHostTokenBody>>(res);
    sendToken(res, await counted('coHost', () => tokens.issueCoHostToken(body)));
  });

  router.post('/viewer-leave', ...signedRequest(ViewerLeaveBody, signed()), async (_req, res) => {
    await tokens.leaveAsViewer(bodyOf<Verified<typeof ViewerLeaveBody>>(res));
    res.json({ success: true });
  });

  return router;
}

/** A token is a credential: no cache, shared or private, may keep it. */
function sendToken(res: Response, token: MintedToken): void {
  res.setHeader('Cache-Control', 'no-store');
  res.json(token);
}

function chainUnavailable(): AppError {
  return new AppError('CHAIN_UNAVAILABLE', 'rooms are not loaded yet; try again shortly', {
    retryAfterSeconds: 5,
  });
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
