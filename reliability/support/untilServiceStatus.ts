import type { ServerProcess } from './startServerProcess.js';

const POLL_MS = 100;

/**
 * Resolves once the server's `/health` reports `service` (`chain`, `redis`) as `status`, as an
 * operator's probe sees it; throws when it has not within `timeoutMs`.
 */
export async function untilServiceStatus(
  server: ServerProcess,
  service: string,
  status: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = (await (await fetch(`${server.baseUrl}/health`)).json()) as {
      services: Record<string, string>;
    };
    if (health.services[service] === status) return;
    if (Date.now() > deadline) {
      throw new Error(`${service} not ${status} on ${server.baseUrl} within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
