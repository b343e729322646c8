import type { Logger } from 'pino';
import { z } from 'zod';
import type { PresenceChange, PresenceReplication } from '../presence/PresenceReplication.js';
import type { RedisConnection } from '../store/RedisConnection.js';

const Identity = z.string().min(1).max(256);
const RoomId = z.number().int().min(0);
const Message = z.object({
  origin: z.string(),
  change: z.discriminatedUnion('op', [
    z.object({ op: z.enum(['join', 'leave']), roomId: RoomId, identity: Identity }),
    z.object({ op: z.literal('confirm'), roomId: RoomId, identities: z.array(Identity).max(100_000) }),
    z.object({
      op: z.literal('livekit'),
      roomId: RoomId,
      identity: Identity,
      present: z.boolean(),
      at: z.number(),
      session: z.string().max(256).optional(),
    }),
    z.object({
      op: z.literal('replace'),
      roomId: RoomId,
      identities: z.array(Identity).max(100_000),
      at: z.number(),
    }),
    z.object({ op: z.literal('clear'), roomId: RoomId, at: z.number().optional() }),
  ]),
});

/**
 * Keeps the presence of all instances the same: each local change (a webhook, a viewer token, an
 * authenticated join) is published, and each instance applies the others' changes. Counts and
 * `viewers:count` pushes then agree everywhere. While Redis is down, each instance counts alone.
 */
export class RedisPresenceSync {
  readonly #redis: RedisConnection;
  readonly #presence: PresenceReplication;
  readonly #instanceId: string;
  readonly #logger: Logger;
  #off: (() => void) | undefined;

  constructor(options: {
    redis: RedisConnection;
    presence: PresenceReplication;
    instanceId: string;
    logger: Logger;
  }) {
    this.#redis = options.redis;
    this.#presence = options.presence;
    this.#instanceId = options.instanceId;
    this.#logger = options.logger.child({ module: 'redis-presence' });
  }

  get channel(): string {
    return this.#redis.key('presence');
  }

  start(): void {
    this.#off = this.#presence.onLocalChange((change) => this.#publish(change));
    this.#redis.subscriber.on('message', this.#onMessage);
    this.#redis.subscriber.on('ready', this.#subscribe);
    this.#subscribe();
  }

  stop(): void {
    this.#off?.();
    this.#redis.subscriber.off('message', this.#onMessage);
    this.#redis.subscriber.off('ready', this.#subscribe);
  }

  readonly #subscribe = () => {
    if (this.#redis.subscriber.status !== 'ready') return;
    this.#redis.subscriber.subscribe(this.channel).catch(() => undefined);
  };

  readonly #onMessage = (channel: string, text: string) => {
    if (channel !== this.channel) return;
    let message: z.infer<typeof Message>;
    try {
      message = Message.parse(JSON.parse(text));
    } catch {
      this.#logger.warn('ignored a malformed presence message');
      return;
    }
    if (message.origin === this.#instanceId) return;
    this.#presence.applyRemote(message.change as PresenceChange);
  };

  #publish(change: PresenceChange): void {
    if (!this.#redis.ready) return;
    this.#redis.client
      .publish(this.channel, JSON.stringify({ origin: this.#instanceId, change }))
      .catch(() => undefined);
  }
}
