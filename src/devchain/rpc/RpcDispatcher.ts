import { InvalidTransaction } from '../runtime/Runtime.js';
import type { RpcConnection } from './RpcConnection.js';
import { errorResponse, RPC_ERROR, RpcError } from './RpcError.js';

export const MAX_BATCH_LENGTH = 256;

export type RpcHandler = (params: unknown[], conn: RpcConnection) => unknown;
export type RpcMethods = Record<string, RpcHandler>;

/** Parses JSON-RPC frames (single requests and batches) and answers them from a method table. */
export class RpcDispatcher {
  readonly #methods: RpcMethods;

  constructor(methods: RpcMethods) {
    this.#methods = {
      ...methods,
      rpc_methods: () => ({ version: 1, methods: Object.keys(this.#methods).sort() }),
    };
  }

  /** The reply to one frame (an array for a batch). */
  async handleFrame(text: string, conn: RpcConnection): Promise<object> {
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch {
      return errorResponse(null, RPC_ERROR.parse, 'Parse error');
    }
    if (!Array.isArray(request)) return this.#handle(request, conn);
    if (request.length === 0 || request.length > MAX_BATCH_LENGTH) {
      return errorResponse(null, RPC_ERROR.invalidRequest, 'Invalid request: batch size');
    }
    return Promise.all(request.map((r) => this.#handle(r, conn)));
  }

  async #handle(request: unknown, conn: RpcConnection): Promise<object> {
    if (typeof request !== 'object' || request === null) {
      return errorResponse(null, RPC_ERROR.invalidRequest, 'Invalid request');
    }
    const { id, method, params } = request as { id?: unknown; method?: unknown; params?: unknown };
    const rid = typeof id === 'number' || typeof id === 'string' ? id : null;
    if (typeof method !== 'string') return errorResponse(rid, RPC_ERROR.invalidRequest, 'Invalid request');
    const handler = Object.hasOwn(this.#methods, method) ? this.#methods[method] : undefined;
    if (!handler) return errorResponse(rid, RPC_ERROR.methodNotFound, 'Method not found');
    if (params !== undefined && !Array.isArray(params)) {
      return errorResponse(rid, RPC_ERROR.invalidParams, 'Invalid params: expected an array');
    }
    try {
      return { jsonrpc: '2.0', id: rid, result: (await handler(params ?? [], conn)) ?? null };
    } catch (error) {
      if (error instanceof RpcError) return errorResponse(rid, error.code, error.message, error.data);
      if (error instanceof InvalidTransaction)
        return errorResponse(rid, error.code, error.rpcMessage, error.data);
      return errorResponse(rid, RPC_ERROR.internal, `Internal error: ${String(error)}`);
    }
  }
}
