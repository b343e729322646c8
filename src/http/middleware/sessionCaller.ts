import type { Request } from 'express';
import type { Account } from '../../auth/parseAccount.js';
import { AppError } from '../../errors/AppError.js';
import type { SessionService } from '../../sessions/SessionService.js';

/** What a route needs to know a session's caller. */
export type SessionAuthenticator = Pick<SessionService, 'authenticate'>;

const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

/**
 * The token of an `Authorization: Bearer <token>` header; undefined without the header. Any other
 * Authorization header is refused rather than ignored, so a client never silently falls back to
 * something it did not mean.
 */
export function bearerTokenOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const token = BEARER.exec(header)?.[1];
  if (token === undefined)
    throw new AppError('TOKEN_INVALID', 'Authorization must be "Bearer <access token>"');
  return token;
}

/** The account of the request's session access token, or undefined when it has none. */
export async function sessionCaller(
  sessions: SessionAuthenticator,
  req: Request,
): Promise<Account | undefined> {
  const token = bearerTokenOf(req);
  return token === undefined ? undefined : sessions.authenticate(token);
}
