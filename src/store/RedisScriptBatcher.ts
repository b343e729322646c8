import type { RedisConnection } from './RedisConnection.js';

/**
 * A Lua script that handles many keys in one call: key i gets `argsPerKey` arguments (ARGV from
 * `(i - 1) * argsPerKey + 1`) and answers `repliesPerKey` numbers, in order, in one flat array.
 */
export interface BatchScript {
  /** The name ioredis defines the command under (unique per connection). */
  name: string;
  lua: string;
  argsPerKey: number;
  repliesPerKey: number;
}

/** Calls waiting or in flight; beyond it a call is refused at once (the caller goes local). */
export const MAX_WAITING_CALLS = 10_000;

type ScriptCommand = (numberOfKeys: number, ...keysThenArgs: (string | number)[]) => Promise<unknown>;

interface Call {
  key: string;
  args: readonly (string | number)[];
  resolve: (replies: number[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Runs a script for one key at a time as far as callers can tell, with at most one call in flight:
 * calls that arrive while one is out all go in the next, in arrival order. Under load that is one
 * round trip per batch instead of one per call (~25 µs of the event loop each on the dev VM); when
 * idle, a call leaves at once. A failed call fails its batch and everything waiting, so nothing waits
 * on a dead or hung Redis longer than one command timeout. One script touches many keys: a single
 * Redis (or a primary), not Redis Cluster.
 */
export class RedisScriptBatcher {
  readonly #redis: RedisConnection;
  readonly #script: BatchScript;
  readonly #command: ScriptCommand;
  #waiting: Call[] = [];
  /** Calls of the batch in flight (0: none in flight). */
  #sent = 0;

  constructor(redis: RedisConnection, script: BatchScript) {
    this.#redis = redis;
    this.#script = script;
    // defineCommand sends EVALSHA and falls back to EVAL once when Redis has lost the script.
    redis.client.defineCommand(script.name, { lua: script.lua });
    const command = (redis.client as unknown as Record<string, ScriptCommand>)[script.name];
    if (command === undefined) throw new Error(`ioredis did not define ${script.name}`);
    this.#command = command.bind(redis.client);
  }

  /** The script's replies for `key` (full Redis key) with `args` (`argsPerKey` of them). */
  run(key: string, args: readonly (string | number)[]): Promise<number[]> {
    if (args.length !== this.#script.argsPerKey) {
      throw new RangeError(`${this.#script.name} takes ${this.#script.argsPerKey} arguments a key`);
    }
    if (this.#waiting.length + this.#sent >= MAX_WAITING_CALLS) {
      return Promise.reject(new Error(`Too many ${this.#script.name} calls waiting for Redis`));
    }
    return new Promise<number[]>((resolve, reject) => {
      this.#waiting.push({ key, args, resolve, reject });
      if (this.#sent === 0) void this.#sendAll();
    });
  }

  async #sendAll(): Promise<void> {
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#waiting;
        this.#waiting = [];
        this.#sent = batch.length;
        let reply: unknown;
        try {
          reply = await this.#command(
            batch.length,
            ...batch.map((call) => call.key),
            ...batch.flatMap((call) => call.args),
          );
        } catch (error) {
          this.#redis.reportFailure();
          for (const call of [...batch, ...this.#waiting.splice(0)]) call.reject(error);
          return;
        }
        this.#answer(batch, reply);
      }
    } finally {
      this.#sent = 0;
    }
  }

  #answer(batch: Call[], reply: unknown): void {
    const { repliesPerKey } = this.#script;
    const numbers = Array.isArray(reply) ? reply.map(Number) : [];
    batch.forEach((call, i) => {
      const replies = numbers.slice(i * repliesPerKey, (i + 1) * repliesPerKey);
      if (replies.length === repliesPerKey && replies.every(Number.isFinite)) call.resolve(replies);
      else call.reject(new TypeError(`Unexpected reply to ${this.#script.name}`));
    });
  }
}
