import WebSocket from 'ws';
import { Collector } from './Collector.js';

export interface Message {
  id?: number;
  result?: unknown;
  error?: { code: number; message: string };
  method?: string;
  params?: { subscription: string; result: Record<string, unknown> };
}

/** A raw JSON-RPC client: replies by id, notifications collected per subscription. */
export class SpecClient {
  readonly notifications = new Collector<Message['params'] & object>();
  readonly #replies = new Collector<Message>();
  #id = 1;
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Message;
      if (message.params) this.notifications.push(message.params);
      else this.#replies.push(message);
    });
  }

  static async open(url: string): Promise<SpecClient> {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new SpecClient(socket);
  }

  async call(method: string, params: unknown[]): Promise<Message> {
    const id = this.#id++;
    const reply = this.#replies.next((m) => m.id === id);
    this.socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    return reply;
  }

  event(subscription: string, match: (e: Record<string, unknown>) => boolean) {
    return this.notifications
      .next((n) => n.subscription === subscription && match(n.result))
      .then((n) => n.result);
  }
}
