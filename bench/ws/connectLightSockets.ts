/** Handshakes in flight at once while connecting. */
const CONNECT_CONCURRENCY = 200;
const CONNECT_TIMEOUT_MS = 60_000;
const FIRST_SOURCE_OCTET = 2;

/**
 * Opens `count` connections of a light swarm, `CONNECT_CONCURRENCY` handshakes at a time: `open`
 * starts the one at `index` from loopback `source` (127.0.0.2 for the first `perSourceAddress`
 * indexes, then .3, …) and calls `settle` once, when it is ready (subscribed) or has failed.
 * `firstIndex` continues the numbering of connections opened before.
 */
export async function connectLightSockets(
  count: number,
  firstIndex: number,
  perSourceAddress: number,
  open: (source: string, settle: (ok: boolean) => void) => void,
): Promise<{ ms: number; open: number; failed: number }> {
  const started = performance.now();
  let next = 0;
  let opened = 0;
  let failed = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`connect: ${opened + failed}/${count} settled in ${CONNECT_TIMEOUT_MS} ms`)),
      CONNECT_TIMEOUT_MS,
    );
    const settle = (ok: boolean) => {
      if (ok) opened++;
      else failed++;
      if (opened + failed === count) {
        clearTimeout(timer);
        resolve();
      } else if (next < count) startOne();
    };
    const startOne = () => {
      const index = firstIndex + next;
      next++;
      open(`127.0.0.${FIRST_SOURCE_OCTET + Math.floor(index / perSourceAddress)}`, settle);
    };
    if (count === 0) {
      clearTimeout(timer);
      resolve();
    }
    while (next < Math.min(count, CONNECT_CONCURRENCY)) startOne();
  });
  return { ms: performance.now() - started, open: opened, failed };
}
