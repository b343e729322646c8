import type { ApiErrorCode } from './apiTypes.js';
import { LivestreamApiError } from './LivestreamApiError.js';
import type { FetchLike } from './transport.js';

export const API_BASE_PATH = '/api/livestream';
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
/** A larger answer is not the API's (its biggest, a page of 100 rooms, is ~60 KB). */
const MAX_RESPONSE_CHARS = 4 * 1024 * 1024;

export interface HttpApiOptions {
  baseUrl: string;
  fetch: FetchLike;
  timeoutMs: number;
}

/** JSON over `fetch` with the API's error body turned into `LivestreamApiError`. */
export class HttpApi {
  readonly #base: string;
  readonly #fetch: FetchLike;
  readonly #timeoutMs: number;

  constructor(options: HttpApiOptions) {
    this.#base = `${options.baseUrl.replace(/\/+$/, '')}${API_BASE_PATH}`;
    this.#fetch = options.fetch;
    this.#timeoutMs = options.timeoutMs;
  }

  get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    // Encoded by hand: React Native's URLSearchParams cannot `set`.
    const encoded = Object.entries(query)
      .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
      .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
      .join('&');
    const search = encoded ? `?${encoded}` : '';
    return this.#request<T>('GET', `${path}${search}`, undefined, {});
  }

  post<T>(path: string, body: object, headers: Record<string, string> = {}): Promise<T> {
    return this.#request<T>('POST', path, JSON.stringify(body), headers);
  }

  async #request<T>(
    method: string,
    path: string,
    body: string | undefined,
    extraHeaders: Record<string, string>,
  ): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      let response: Awaited<ReturnType<FetchLike>>;
      try {
        response = await this.#fetch(`${this.#base}${path}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body }),
          signal: controller.signal,
        });
      } catch (cause) {
        if (controller.signal.aborted) {
          throw new LivestreamApiError(
            'TIMEOUT',
            `${method} ${path}: no answer within ${this.#timeoutMs} ms`,
          );
        }
        throw new LivestreamApiError('NETWORK_ERROR', `${method} ${path}: request failed`, { cause });
      }
      const text = await response.text();
      const parsed = text.length <= MAX_RESPONSE_CHARS ? parseJson(text) : undefined;
      if (response.status >= 200 && response.status < 300 && parsed !== undefined) return parsed as T;
      throw errorOf(method, path, response.status, parsed, response.headers.get('retry-after'));
    } finally {
      clearTimeout(timer);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorOf(
  method: string,
  path: string,
  status: number,
  body: unknown,
  retryAfter: string | null,
): LivestreamApiError {
  const retryAfterSeconds = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (typeof error?.code === 'string' && typeof error.message === 'string') {
    return new LivestreamApiError(error.code as ApiErrorCode, error.message, { status, retryAfterSeconds });
  }
  return new LivestreamApiError('BAD_RESPONSE', `${method} ${path}: unexpected answer (HTTP ${status})`, {
    status,
    retryAfterSeconds,
  });
}
