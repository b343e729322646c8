import express, { type Express, type RequestHandler } from 'express';
import { AppError } from '../../errors/AppError.js';
import type { LiveKitWebhooks } from '../../livekit/LiveKitWebhooks.js';
import type { Metrics } from '../../observability/Metrics.js';
import type { SignatureFailureLimit } from '../middleware/SignatureFailureLimit.js';

export const LIVEKIT_WEBHOOK_PATH = '/api/livekit/webhook';
/** LiveKit's webhook bodies are a few KiB. */
export const WEBHOOK_BODY_LIMIT_BYTES = 64 * 1024;

export interface LiveKitWebhookRouteOptions {
  webhooks: LiveKitWebhooks;
  metrics: Metrics;
  /** The webhooks' own per-IP budget. */
  limit: RequestHandler;
  /** A delivery whose signature does not verify counts here, against the sender's IP. */
  signatureFailures: SignatureFailureLimit;
}

/**
 * `POST /api/livekit/webhook`: the raw body is what LiveKit signed, so it is read unparsed. Webhooks
 * authenticate by that signature; forged deliveries spend the sender IP's failure budget.
 */
export function mountLiveKitWebhook(app: Express, options: LiveKitWebhookRouteOptions): void {
  const { webhooks, metrics, signatureFailures } = options;
  app.post(
    LIVEKIT_WEBHOOK_PATH,
    options.limit,
    signatureFailures.gate,
    // LiveKit sends its bodies uncompressed: a compressed one is refused (415), not inflated.
    express.raw({ type: 'application/webhook+json', limit: WEBHOOK_BODY_LIMIT_BYTES, inflate: false }),
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
        if (error instanceof AppError && error.code === 'UNAUTHORIZED')
          await signatureFailures.recordFailure(req);
        throw error;
      }
    },
  );
}
