import type { ParticipantInfo, Room } from '@livekit/protocol';
import { type WebhookEventName, type WebhookResponse, webhookSender } from '../webhookSender.js';

export type WebhookDeliveryRecord = {
  event: WebhookEventName;
  room: string;
  identity: string | undefined;
  response: WebhookResponse | undefined;
  error: unknown;
};

/** The server's webhook notifier: signed deliveries, sent one after another in emit order. */
export class WebhookOutbox {
  readonly #apiKey: string;
  readonly #apiSecret: string;
  readonly #now: () => number;
  readonly #deliveries: WebhookDeliveryRecord[] = [];
  #queue: Promise<void> = Promise.resolve();
  url: string | undefined;

  constructor(options: { apiKey: string; apiSecret: string; now: () => number; url: string | undefined }) {
    this.#apiKey = options.apiKey;
    this.#apiSecret = options.apiSecret;
    this.#now = options.now;
    this.url = options.url;
  }

  get deliveries(): readonly WebhookDeliveryRecord[] {
    return this.#deliveries;
  }

  clear(): void {
    this.#deliveries.length = 0;
  }

  /** Resolves once every webhook queued so far has been delivered (or has failed). */
  settled(): Promise<void> {
    return this.#queue;
  }

  /** Signed now, from snapshots taken now; nothing is sent while no URL is set. */
  emit(event: WebhookEventName, room: Room, participant: ParticipantInfo | undefined): void {
    const url = this.url;
    if (url === undefined) {
      return;
    }
    const sender = webhookSender({ url, apiKey: this.#apiKey, apiSecret: this.#apiSecret, now: this.#now });
    const prepared = sender.prepare({
      event,
      room,
      ...(participant === undefined ? {} : { participant }),
    });
    const record: WebhookDeliveryRecord = {
      event,
      room: room.name,
      identity: participant?.identity,
      response: undefined,
      error: undefined,
    };
    this.#deliveries.push(record);
    this.#queue = this.#queue.then(async () => {
      try {
        record.response = await sender.deliver(prepared);
      } catch (error) {
        record.error = error;
      }
    });
  }
}
