import { isIP } from 'node:net';
import type { TrustProxy } from './Config.js';
import { MAX_TRUST_PROXY_HOPS } from './configDefaults.js';

/** Names `proxy-addr` (used by Express) understands. */
const NAMED_SUBNETS = new Set(['loopback', 'linklocal', 'uniquelocal']);

export type TrustProxyResult = { ok: true; value: TrustProxy } | { ok: false; problem: string };

/**
 * TRUST_PROXY: `false`, a hop count (`1`), or a comma list of proxy addresses/CIDRs.
 * `true` is refused: every client could then choose its own IP with X-Forwarded-For.
 */
export function parseTrustProxy(text: string): TrustProxyResult {
  const trimmed = text.trim();
  if (trimmed === 'true') {
    return {
      ok: false,
      problem:
        "'true' is refused: it trusts any X-Forwarded-For, so clients choose their own IP; use a hop count (e.g. 1) or the proxies' addresses",
    };
  }
  if (trimmed === 'false') return { ok: true, value: false };
  if (/^\d+$/.test(trimmed)) {
    const hops = Number(trimmed);
    if (hops > MAX_TRUST_PROXY_HOPS) {
      return { ok: false, problem: `hop count must be at most ${MAX_TRUST_PROXY_HOPS}, got ${trimmed}` };
    }
    return { ok: true, value: hops === 0 ? false : hops };
  }
  const entries = trimmed.split(',').map((entry) => entry.trim());
  const bad = entries.filter((entry) => !isProxyAddress(entry));
  if (bad.length > 0) {
    return {
      ok: false,
      problem: `expected 'false', a hop count, or a comma list of IP addresses/CIDRs (or loopback, linklocal, uniquelocal); invalid: ${bad.map((b) => `'${b}'`).join(', ')}`,
    };
  }
  return { ok: true, value: [...new Set(entries)] };
}

function isProxyAddress(entry: string): boolean {
  if (NAMED_SUBNETS.has(entry)) return true;
  const [address, prefix, extra] = entry.split('/');
  if (address === undefined || extra !== undefined) return false;
  const version = isIP(address);
  if (version === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}
