import { type Agent, request } from 'node:http';

/** A request that has not been answered in this long counts as a failure (the server is stuck). */
const RAW_REQUEST_TIMEOUT_MS = 30_000;

export interface RawRequest {
  method: string;
  /** Path and query, sent as given (no normalisation, no encoding). */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

export type RawOutcome =
  | { status: number; headers: Record<string, string | string[] | undefined>; body: string }
  | { error: string };

/**
 * Sends exactly these bytes (node:http, unlike fetch, lets a test send invalid UTF-8, any content type
 * and any path) and resolves with the status, or with the transport error: a reset connection or a
 * timeout is an outcome to count, not an exception.
 */
export function sendRawRequest(baseUrl: string, raw: RawRequest, agent?: Agent): Promise<RawOutcome> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const headers: Record<string, string> = { ...raw.headers };
    if (raw.body !== undefined) headers['content-length'] = String(raw.body.length);
    const req = request(
      { host: url.hostname, port: url.port, method: raw.method, path: raw.path, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', (error) => resolve({ error: error.message }));
      },
    );
    req.setTimeout(RAW_REQUEST_TIMEOUT_MS, () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve({ error: error.message }));
    req.end(raw.body);
  });
}
