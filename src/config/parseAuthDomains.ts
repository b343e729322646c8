export type AuthDomainsResult = { ok: true; domains: string[] } | { ok: false; problem: string };

/** `host` or `host:port` (RFC 3986 authority without user info), as a SIWS message states its domain. */
const AUTHORITY =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

/**
 * AUTH_DOMAINS: the comma list of domains (`app.example.com`, `localhost:5173`) a Sign-In with
 * Substrate message may name. Compared exactly (lower-cased): a wallet shows the user this domain,
 * so a message made for another site must not sign anyone in here.
 */
export function parseAuthDomains(text: string): AuthDomainsResult {
  const domains: string[] = [];
  const bad: string[] = [];
  for (const entry of text.split(',').map((part) => part.trim().toLowerCase())) {
    if (!AUTHORITY.test(entry)) bad.push(entry);
    else if (!domains.includes(entry)) domains.push(entry);
  }
  if (bad.length > 0) {
    return {
      ok: false,
      problem: `expected a comma list of domains like app.example.com or localhost:5173 (no scheme, no path); invalid: ${bad.map((b) => `'${b}'`).join(', ')}`,
    };
  }
  return { ok: true, domains };
}
