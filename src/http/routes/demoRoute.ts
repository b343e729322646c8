import { existsSync } from 'node:fs';
import express, { type Express } from 'express';
import { AppError } from '../../errors/AppError.js';

export const DEMO_PATH = '/demo';

/**
 * The page is a dev tool that runs scripts (and the sr25519 wasm) from this origin and talks to the
 * API over HTTP and WebSocket: its own CSP instead of the API's `default-src 'none'`.
 */
const DEMO_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "connect-src 'self' ws: wss:",
  "style-src 'self'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
].join('; ');

/**
 * `GET /demo`: the live demo page built by `scripts/buildDemo.ts` into `dir` (never mounted in
 * production). Before a build, a 404 that says how to make one.
 */
export function mountDemo(app: Express, dir: string): void {
  const files = express.static(dir, { index: 'index.html', fallthrough: true });
  app.use(DEMO_PATH, (req, res, next) => {
    if (!existsSync(dir)) {
      next(new AppError('NOT_FOUND', 'the demo page is not built: run `npm run demo:build`'));
      return;
    }
    res.setHeader('content-security-policy', DEMO_CSP);
    files(req, res, next);
  });
}
