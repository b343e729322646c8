import { type RequestHandler, Router } from 'express';
import { parseAccount } from '../../auth/parseAccount.js';
import { AppError } from '../../errors/AppError.js';
import type { MintedToken } from '../../livekit/TokenMinter.js';
import type { Metrics } from '../../observability/Metrics.js';
import type { TokenRequest, TokenService } from '../../tokens/TokenService.js';
import { clientIpKey } from '../middleware/clientIpKey.js';
import { setRateLimitAccount } from '../middleware/rateLimits.js';
import { type SessionAuthenticator, sessionCaller } from '../middleware/sessionCaller.js';
import { TokenSourceBody } from '../sessionSchemas.js';

export interface TokenSourceRouterDeps {
  tokens: TokenService;
  sessions: SessionAuthenticator;
  accountLimiter: RequestHandler;
  metrics: Metrics;
}

/** LiveKit's standard token endpoint answer (livekit/protocol `TokenSourceResponse`). */
export interface TokenSourceResponse {
  server_url: string;
  participant_token: string;
}

const REQUEST = 'tokenSourceRequest';

/**
 * `POST /token-source`: LiveKit's standard token endpoint, so livekit-client's
 * `TokenSource.endpoint(url, {headers: {Authorization: 'Bearer …'}})` (and the other SDKs') fetch
 * and re-fetch join tokens with the session's access token. The identity is the session's account;
 * the role comes from the chain.
 */
export function tokenSourceRouter(deps: TokenSourceRouterDeps): Router {
  const { tokens, sessions, accountLimiter, metrics } = deps;
  const router = Router();
  const authenticate: RequestHandler = async (req, res, next) => {
    const caller = await sessionCaller(sessions, req);
    if (caller === undefined) {
      throw new AppError(
        'UNAUTHORIZED',
        'send Authorization: Bearer <access token> (sign in at /auth/login)',
      );
    }
    const body = TokenSourceBody.parse(req.body);
    if (body.identity !== undefined && parseAccount(body.identity)?.address !== caller.address) {
      throw new AppError('IDENTITY_MISMATCH', "participant_identity must be the session's address");
    }
    const request: TokenRequest = {
      roomId: body.roomId,
      caller,
      clientIp: clientIpKey(req),
      ...(body.name === undefined ? {} : { displayName: body.name }),
    };
    res.locals[REQUEST] = request;
    setRateLimitAccount(res, caller.address);
    next();
  };
  router.post('/token-source', authenticate, accountLimiter, async (_req, res) => {
    let token: MintedToken;
    try {
      // The viewer-token use case lets the chain decide the role (host, active co-host, viewer).
      token = await tokens.issueViewerToken(res.locals[REQUEST] as TokenRequest);
      metrics.tokens.inc({ role: 'tokenSource', outcome: 'issued' });
    } catch (error) {
      metrics.tokens.inc({
        role: 'tokenSource',
        outcome: error instanceof AppError ? error.code : 'INTERNAL_ERROR',
      });
      throw error;
    }
    const response: TokenSourceResponse = { server_url: token.url, participant_token: token.token };
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json(response);
  });
  return router;
}
