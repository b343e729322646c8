import { type RequestHandler, Router } from 'express';
import type { Account } from '../../auth/parseAccount.js';
import { AppError } from '../../errors/AppError.js';
import type { SessionService } from '../../sessions/SessionService.js';
import { setRateLimitAccount } from '../middleware/rateLimits.js';
import type { SignatureFailureLimit } from '../middleware/SignatureFailureLimit.js';
import { bearerTokenOf } from '../middleware/sessionCaller.js';
import { LoginBody, LogoutBody, RefreshBody } from '../sessionSchemas.js';

export interface SessionRouterDeps {
  sessions: SessionService;
  /** The per-account limiter of the signed endpoints; a login counts once its signature verified. */
  accountLimiter: RequestHandler;
  /** Failed signature checks per client IP, shared with the signed endpoints. */
  signatureFailures: SignatureFailureLimit;
}

const SIGNED_IN = 'signedIn';

/** Sign-In with Substrate: `/auth/nonce`, `/auth/login`, `/auth/refresh`, `/auth/logout`. */
export function sessionRouter(deps: SessionRouterDeps): Router {
  const { sessions, accountLimiter, signatureFailures } = deps;
  const router = Router();
  // Credentials: no cache may keep any of these answers.
  router.use('/auth', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router.post('/auth/nonce', (_req, res) => {
    res.json(sessions.nonce());
  });

  // As on the signed endpoints: a bad signature counts against the client's IP, and only a verified
  // sign-in counts against the account it proved to hold, so nobody can lock another account out.
  const verify: RequestHandler = async (req, res, next) => {
    const body = LoginBody.parse(req.body);
    let account: Account;
    try {
      account = await sessions.verifySignIn(body);
    } catch (error) {
      if (error instanceof AppError && error.code === 'INVALID_SIGNATURE')
        await signatureFailures.recordFailure(req);
      throw error;
    }
    res.locals[SIGNED_IN] = account;
    setRateLimitAccount(res, account.address);
    next();
  };
  router.post('/auth/login', signatureFailures.gate, verify, accountLimiter, async (_req, res) => {
    res.json(await sessions.start(res.locals[SIGNED_IN] as Account));
  });

  router.post('/auth/refresh', async (req, res) => {
    res.json(await sessions.refresh(RefreshBody.parse(req.body).refreshToken));
  });

  router.post('/auth/logout', async (req, res) => {
    const { refreshToken } = LogoutBody.parse(req.body ?? {});
    const accessToken = bearerTokenOf(req);
    if (refreshToken !== undefined) await sessions.logout(refreshToken);
    else if (accessToken !== undefined) await sessions.logoutWithAccessToken(accessToken);
    else
      throw new AppError(
        'UNAUTHORIZED',
        'send the refreshToken, or the access token as Authorization: Bearer',
      );
    res.json({ success: true });
  });

  return router;
}
