import type { WebSocket } from 'ws';
import type { ExtrinsicStatusRelay } from '../ExtrinsicStatusRelay.js';
import { RPC_ERROR, RpcError } from './RpcError.js';

export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 1024;

/** Starts a subscription's notifications; returns what stops them. */
export type SubscriptionStart = (emit: (result: unknown) => void) => () => void;

interface Subscription {
  method: string;
  close(): void;
}

/** One client's WebSocket (or one HTTP request, without one): its replies, notifications and subscriptions. */
export class RpcConnection {
  readonly socket: WebSocket | undefined;
  /** Watched extrinsics, told when the client reads a block's events. */
  readonly relays = new Set<ExtrinsicStatusRelay>();
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #newId: () => string;
  readonly #gate: (send: () => void) => void;

  /** `gate` runs each send now, or later while the server plays a hung node. */
  constructor(
    socket: WebSocket | undefined,
    newId: () => string,
    gate: (send: () => void) => void = (send) => send(),
  ) {
    this.socket = socket;
    this.#newId = newId;
    this.#gate = gate;
  }

  send(message: object): void {
    const text = JSON.stringify(message);
    this.#gate(() => {
      if (this.socket?.readyState === this.socket?.OPEN) this.socket?.send(text);
    });
  }

  notify(method: string, subscription: string, result: unknown): void {
    this.send({ jsonrpc: '2.0', method, params: { subscription, result } });
  }

  /**
   * Registers a subscription and returns its id. `start` runs after the reply carrying the id went
   * out, so the first notification never precedes it.
   */
  subscribe(method: string, notification: string, start: SubscriptionStart): string {
    if (!this.socket)
      throw new RpcError(RPC_ERROR.methodNotFound, 'Subscriptions are not supported over HTTP');
    if (this.#subscriptions.size >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
      throw new RpcError(RPC_ERROR.tooManySubscriptions, 'Too many subscriptions on the connection');
    }
    const id = this.#newId();
    let stop: () => void = () => undefined;
    setImmediate(() => {
      if (!this.#subscriptions.has(id)) return;
      stop = start((result) => this.notify(notification, id, result));
    });
    this.#subscriptions.set(id, { method, close: () => stop() });
    return id;
  }

  unsubscribe(id: unknown): boolean {
    const key = String(id);
    const sub = this.#subscriptions.get(key);
    if (!sub) return false;
    sub.close();
    this.#subscriptions.delete(key);
    return true;
  }

  /** The socket closed: every subscription stops. */
  closed(): void {
    for (const sub of this.#subscriptions.values()) sub.close();
    this.#subscriptions.clear();
  }
}
