import type { Logger } from 'pino';
import type { RoomBroadcastRelay } from '../realtime/RoomBroadcastRelay.js';
import type { RedisConnection } from '../store/RedisConnection.js';

/**
 * Relays room broadcasts that do not come from the chain (presence) between instances, on one
 * channel per room, subscribed only while this instance has members in the room. Every message
 * carries the instance id so that an instance drops its own echoes. Chain events need no relay:
 * every instance follows the chain itself.
 */
export class RedisRoomRelay {
  readonly #redis: RedisConnection;
  readonly #hub: RoomBroadcastRelay;
  readonly #instanceId: string;
  readonly #logger: Logger;
  readonly #rooms = new Set<number>();
  readonly #unsubscribe: (() => void)[] = [];

  constructor(options: {
    redis: RedisConnection;
    hub: RoomBroadcastRelay;
    instanceId: string;
    logger: Logger;
  }) {
    this.#redis = options.redis;
    this.#hub = options.hub;
    this.#instanceId = options.instanceId;
    this.#logger = options.logger.child({ module: 'redis-relay' });
  }

  start(): void {
    const { subscriber, client } = this.#redis;
    this.#unsubscribe.push(
      this.#hub.onMembership((roomId, hasMembers) => {
        if (hasMembers) {
          this.#rooms.add(roomId);
          this.#subscribe([this.#channel(roomId)]);
        } else {
          this.#rooms.delete(roomId);
          if (subscriber.status === 'ready')
            subscriber.unsubscribe(this.#channel(roomId)).catch(() => undefined);
        }
      }),
      this.#hub.onRelay((roomId, frame) => {
        if (!this.#redis.ready) return;
        const message = Buffer.concat([Buffer.from(`${this.#instanceId}\n`), frame]);
        client.publish(this.#channel(roomId), message).catch(() => undefined);
      }),
    );
    subscriber.on('messageBuffer', this.#onMessage);
    // Subscriptions made while Redis was down are renewed once it is back.
    subscriber.on('ready', this.#resubscribe);
  }

  stop(): void {
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#redis.subscriber.off('messageBuffer', this.#onMessage);
    this.#redis.subscriber.off('ready', this.#resubscribe);
  }

  readonly #resubscribe = () => {
    this.#subscribe([...this.#rooms].map((roomId) => this.#channel(roomId)));
  };

  readonly #onMessage = (channel: Buffer, message: Buffer) => {
    const roomId = this.#roomOf(channel.toString());
    if (roomId === null) return;
    const newline = message.indexOf(10);
    if (newline < 0 || message.subarray(0, newline).toString() === this.#instanceId) return;
    this.#hub.deliverRelayed(roomId, message.subarray(newline + 1));
  };

  #subscribe(channels: string[]): void {
    if (channels.length === 0 || this.#redis.subscriber.status !== 'ready') return;
    this.#redis.subscriber.subscribe(...channels).catch((error: unknown) => {
      this.#logger.debug({ err: error }, 'subscribe failed; retried when Redis is back');
    });
  }

  #channel(roomId: number): string {
    return this.#redis.key(`room:${roomId}`);
  }

  #roomOf(channel: string): number | null {
    const prefix = this.#redis.key('room:');
    if (!channel.startsWith(prefix)) return null;
    const id = Number(channel.slice(prefix.length));
    return Number.isSafeInteger(id) && id >= 0 && this.#rooms.has(id) ? id : null;
  }
}
