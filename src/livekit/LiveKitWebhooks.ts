import { WebhookReceiver } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import { AppError } from '../errors/AppError.js';
import type { ViewerPresence } from '../presence/ViewerPresence.js';
import type { ReplayGuard } from '../store/ReplayGuard.js';
import type { ParticipantSummary } from './LiveKitGateway.js';
import { roomIdOfLiveKitName } from './livekitRoomName.js';
import { summarizeParticipant } from './summarizeParticipant.js';

/** LiveKit retries a delivery for minutes; an id seen within this window is a duplicate. */
export const WEBHOOK_DEDUP_TTL_MS = 60 * 60_000;
const MS_PER_SECOND = 1000;

export interface LiveKitWebhooksOptions {
  apiKey: string;
  apiSecret: string;
  presence: ViewerPresence;
  /** Set-if-absent store for webhook ids (shared between instances when Redis is configured). */
  seen: ReplayGuard;
  logger: Logger;
  /**
   * A participant connected: the place to check their LiveKit permissions against the chain. The
   * answer waits for it (cached chain reads; it must not reject), so a correction is queued by then.
   */
  onParticipantJoined?: (roomId: number, participant: ParticipantSummary) => Promise<unknown>;
}

export type WebhookOutcome = 'applied' | 'duplicate' | 'ignored';

/**
 * Verifies LiveKit webhooks (JWT over the body's SHA-256) and keeps room presence from them:
 * deduplicated by event id, order-tolerant (a report older than what is known is ignored).
 */
export class LiveKitWebhooks {
  readonly #receiver: WebhookReceiver;
  readonly #presence: ViewerPresence;
  readonly #seen: ReplayGuard;
  readonly #logger: Logger;
  readonly #onParticipantJoined: LiveKitWebhooksOptions['onParticipantJoined'];

  constructor(options: LiveKitWebhooksOptions) {
    this.#receiver = new WebhookReceiver(options.apiKey, options.apiSecret);
    this.#presence = options.presence;
    this.#seen = options.seen;
    this.#logger = options.logger.child({ module: 'livekit-webhooks' });
    this.#onParticipantJoined = options.onParticipantJoined;
  }

  async handle(
    body: string,
    authorization: string | undefined,
  ): Promise<{ event: string; outcome: WebhookOutcome }> {
    let event: Awaited<ReturnType<WebhookReceiver['receive']>>;
    try {
      event = await this.#receiver.receive(body, authorization);
    } catch (error) {
      this.#logger.warn(
        { reason: error instanceof Error ? error.message : String(error) },
        'webhook refused',
      );
      throw new AppError('UNAUTHORIZED', 'webhook signature or body hash does not verify');
    }
    const name = event.event;
    if (!event.id || !(await this.#seen.claim(`webhook:${event.id}`, WEBHOOK_DEDUP_TTL_MS))) {
      return { event: name, outcome: event.id ? 'duplicate' : 'ignored' };
    }
    const roomId = roomIdOfLiveKitName(event.room?.name);
    if (roomId === null) return { event: name, outcome: 'ignored' };
    // Whole seconds; an event without a time is taken as happening now.
    const at = event.createdAt > 0n ? Number(event.createdAt) * MS_PER_SECOND : Date.now();
    const identity = event.participant?.identity;
    // The participant sid tells two connections of one identity apart within the same second.
    const session = event.participant?.sid || undefined;
    switch (name) {
      case 'participant_joined':
        if (!identity) return { event: name, outcome: 'ignored' };
        this.#presence.applyLiveKit(roomId, identity, true, at, session);
        if (event.participant)
          await this.#onParticipantJoined?.(roomId, summarizeParticipant(event.participant));
        return { event: name, outcome: 'applied' };
      case 'participant_left':
      case 'participant_connection_aborted':
        if (!identity) return { event: name, outcome: 'ignored' };
        this.#presence.applyLiveKit(roomId, identity, false, at, session);
        return { event: name, outcome: 'applied' };
      case 'room_finished':
        this.#presence.clear(roomId, at);
        return { event: name, outcome: 'applied' };
      default:
        return { event: name, outcome: 'ignored' };
    }
  }
}
