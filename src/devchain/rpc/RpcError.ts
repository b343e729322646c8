/** JSON-RPC error codes: the spec's, and the ones a Substrate node uses. */
export const RPC_ERROR = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  tooManySubscriptions: -32000,
  /** sc-rpc's `state` errors: a failed runtime call is a client error, as an unknown block. */
  callFailed: 4003,
  unknownBlock: 4003,
} as const;

/** Thrown by a method to answer with a JSON-RPC error. */
export class RpcError extends Error {
  readonly code: number;
  readonly data: string | undefined;

  constructor(code: number, message: string, data?: string) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
    this.data = data;
  }

  static invalidParams(what: string): RpcError {
    return new RpcError(RPC_ERROR.invalidParams, `Invalid params: ${what}`);
  }
}

export function errorResponse(id: unknown, code: number, message: string, data?: string): object {
  return { jsonrpc: '2.0', id, error: data === undefined ? { code, message } : { code, message, data } };
}
