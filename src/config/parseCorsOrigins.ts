export type CorsOriginsResult =
  | { ok: true; anyOrigin: boolean; origins: string[] }
  | { ok: false; problem: string };

/**
 * CORS_ORIGIN: `*` alone, or a comma list of exact origins (`https://app.example.com`).
 * `null` and origins with a path, query or credentials are refused: an allow-list entry must be
 * exactly what a browser sends in `Origin`.
 */
export function parseCorsOrigins(text: string): CorsOriginsResult {
  const entries = text.split(',').map((entry) => entry.trim());
  if (entries.includes('*')) {
    if (entries.length > 1) return { ok: false, problem: "'*' must be the only entry" };
    return { ok: true, anyOrigin: true, origins: [] };
  }
  const origins: string[] = [];
  const bad: string[] = [];
  for (const entry of entries) {
    const origin = toOrigin(entry);
    if (origin === undefined) bad.push(entry);
    else if (!origins.includes(origin)) origins.push(origin);
  }
  if (bad.length > 0) {
    return {
      ok: false,
      problem: `expected '*' or a comma list of origins like https://app.example.com (scheme, host, optional port; no path); invalid: ${bad.map((b) => `'${b}'`).join(', ')}`,
    };
  }
  return { ok: true, anyOrigin: false, origins };
}

function toOrigin(entry: string): string | undefined {
  if (entry === '' || entry === 'null') return undefined;
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return undefined;
  if (url.pathname !== '/' || !/^[a-z]+:\/\/[^/]+\/?$/i.test(entry)) return undefined;
  return url.origin;
}
