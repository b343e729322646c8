import express, { type Express } from 'express';
import { AppError } from '../../errors/AppError.js';
import type { LiveKitWebhooks } from '../../livekit/LiveKitWebhooks.js';
import type { Metrics } from '../../observability/Metrics.js';

export const LIVEKIT_WEBHOOK_PATH = '/api/livekit/webhook';
/** LiveKit's webhook bodies are a few KiB. */
export const WEBHOOK_BODY_LIMIT_BYTES = 64 * 1024;

/** `POST /api/livekit/webhook`: the raw body is what LiveKit signed, so it is read unparsed. */
export function mountLiveKitWebhook(app: Express, webhooks: LiveKitWebhooks, metrics: Metrics): void {
  app.post(
    LIVEKIT_WEBHOOK_PATH,
    express.raw({ type: 'application/webhook+json', limit: WEBHOOK_BODY_LIMIT_BYTES }),
    async (req, res) => {
      if (!Buffer.isBuffer(req.body)) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'webhooks are application/webhook+json');
      }
      try {
        const result = await webhooks.handle(req.body.toString('utf8'), req.get('authorization'));
        metrics.webhooks.inc({ event: result.event, outcome: result.outcome });
        res.json({ received: true, ...result });
      } catch (error) {
        metrics.webhooks.inc({ event: 'unknown', outcome: error instanceof AppError ? error.code : 'error' });
        throw error;
      }
    },
  );
}
