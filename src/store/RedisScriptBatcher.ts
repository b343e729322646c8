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
/**
 * Keys in one script call. Redis runs a script to the end before anything else, and each call has
 * one command timeout (200 ms): an uncapped flood of 10,000 keys in one call ran past it on a busy
 * box. 256 keys cost ~0.5 ms of Redis time on the dev VM, far inside the timeout even when starved.
 */
export const MAX_KEYS_PER_CALL = 256;
/**
 * Script calls sent together (pipelined on the one connection) per round: a flood drains several
 * calls per round trip, and the last of them waits behind at most this many bounded calls.
 */
export const MAX_CALLS_PER_ROUND = 4;

type ScriptCommand = (numberOfKeys: number, ...keysThenArgs: (string | number)[]) => Promise<unknown>;

interface Call {
  key: string;
  args: readonly (string | number)[];
  resolve: (replies: number[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Runs a script for one key at a time as far as callers can tell, with at most one round in flight:
 * calls that arrive while a round is out go in the next, in arrival order, as up to
 * MAX_CALLS_PER_ROUND pipelined script calls of at most MAX_KEYS_PER_CALL keys each (the rest wait
 * for the round after). Under load that is one round trip per batch instead of one per call (~25 µs
 * of the event loop each on the dev VM); when idle, the calls of one tick leave together at its end
 * (a microtask: no timer, no added latency). Sending at the end of the tick also keeps a command's
 * timeout from running while the caller's own synchronous work holds the event loop: a burst of
 * 10,000 calls issued in one loop used to time out the call sent at its first. A failed script call fails
 * its keys and everything not yet answered, so nothing waits on a dead or hung Redis longer than one
 * command timeout. One script touches many keys: a single Redis (or a primary), not Redis Cluster.
 */
export class RedisScriptBatcher {
  readonly #redis: RedisConnection;
  readonly #script: BatchScript;
  readonly #command: ScriptCommand;
  #waiting: Call[] = [];
  /** Calls of the round in flight (0: none in flight). */
  #sent = 0;
  /** A send is queued for the end of this tick. */
  #scheduled = false;

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
      if (this.#sent === 0 && !this.#scheduled) {
        this.#scheduled = true;
        queueMicrotask(() => {
          this.#scheduled = false;
          void this.#sendAll();
        });
      }
    });
  }

  async #sendAll(): Promise<void> {
    try {
      while (this.#waiting.length > 0) {
        const round = this.#waiting.splice(0, MAX_KEYS_PER_CALL * MAX_CALLS_PER_ROUND);
        this.#sent = round.length;
        const batches: Call[][] = [];
        for (let i = 0; i < round.length; i += MAX_KEYS_PER_CALL) {
          batches.push(round.slice(i, i + MAX_KEYS_PER_CALL));
        }
        // Written back to back on one connection, so Redis runs them in arrival order.
        const replies = await Promise.allSettled(batches.map((batch) => this.#send(batch)));
        const failure = replies.find((reply): reply is PromiseRejectedResult => reply.status === 'rejected');
        replies.forEach((reply, i) => {
          const batch = batches[i] ?? [];
          if (reply.status === 'fulfilled') this.#answer(batch, reply.value);
          else for (const call of batch) call.reject(reply.reason);
        });
        if (failure !== undefined) {
          this.#redis.reportFailure();
          for (const call of this.#waiting.splice(0)) call.reject(failure.reason);
          return;
        }
        this.#redis.reportSuccess();
      }
    } finally {
      this.#sent = 0;
    }
  }

  #send(batch: Call[]): Promise<unknown> {
    return this.#command(
      batch.length,
      ...batch.map((call) => call.key),
      ...batch.flatMap((call) => call.args),
    );
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
