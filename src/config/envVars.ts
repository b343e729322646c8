import { z } from 'zod';
import type { TrustProxy } from './Config.js';
import { parseAuthDomains } from './parseAuthDomains.js';
import { parseCorsOrigins } from './parseCorsOrigins.js';
import { parseDuration } from './parseDuration.js';
import { parseTrustProxy } from './parseTrustProxy.js';

/**
 * Zod builders for single environment variables. Each variable reports at most one problem; an
 * empty string is always a problem (never a silent 0 or "unset"); messages never echo values that
 * may be secret (URLs, keys, tokens).
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const EMPTY_MESSAGE = 'is empty: unset it to use the default, or give a value';

/**
 * A variable parsed by `parse`. (Zod's `abort` option is avoided on purpose: an explicitly aborted
 * field would also stop the cross-variable guard rails, and we want every problem at once.)
 */
export function envVar<T>(parse: (text: string) => Parsed<T>) {
  return z.string().transform((text, ctx): T => {
    const result: Parsed<T> = text === '' ? { ok: false, problem: EMPTY_MESSAGE } : parse(text);
    if (!result.ok) {
      ctx.addIssue({ code: 'custom', message: result.problem });
      return z.NEVER;
    }
    return result.value;
  });
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(problem: string): Parsed<T> => ({ ok: false, problem });

/** Any non-empty string, optionally matching `pattern` and within `maxChars`/`minChars`. */
export function stringVar(
  rules: { pattern?: RegExp; patternProblem?: string; minChars?: number; maxChars?: number } = {},
) {
  return envVar<string>((text) => {
    if (rules.minChars !== undefined && text.length < rules.minChars) {
      return fail(`must be at least ${rules.minChars} characters`);
    }
    if (rules.maxChars !== undefined && text.length > rules.maxChars) {
      return fail(`must be at most ${rules.maxChars} characters`);
    }
    if (rules.pattern !== undefined && !rules.pattern.test(text)) {
      return fail(rules.patternProblem ?? `must match ${rules.pattern}`);
    }
    return ok(text);
  });
}

/** A whole number in `[min, max]`; `1.5`, `-1`, `1e3`, `0x10` and ` 1` are refused. */
export function integerVar(min: number, max: number) {
  return envVar<number>((text) => {
    if (!/^\d+$/.test(text)) return fail(`must be a whole number, got '${text}'`);
    const value = Number(text);
    if (value < min || value > max) return fail(`must be between ${min} and ${max}, got ${text}`);
    return ok(value);
  });
}

/** A duration such as `600` (seconds), `90s`, `10m`, `1h`, returned in whole seconds within bounds. */
export function durationSecondsVar(minSeconds: number, maxSeconds: number) {
  return envVar<number>((text) => {
    const ms = parseDuration(text, 's');
    if (ms === undefined) return fail(`must be seconds (600) or a duration like 90s, 10m, 1h; got '${text}'`);
    const seconds = Math.floor(ms / 1000);
    if (seconds < minSeconds || seconds > maxSeconds) {
      return fail(`must be between ${minSeconds}s and ${maxSeconds}s, got '${text}'`);
    }
    return ok(seconds);
  });
}

/** A URL with one of `protocols` (e.g. `['ws:', 'wss:']`); the value is not echoed (may hold credentials). */
export function urlVar(protocols: readonly string[]) {
  const expected = protocols.map((p) => `${p}//`).join(' or ');
  return envVar<string>((text) => {
    try {
      if (protocols.includes(new URL(text).protocol)) return ok(text);
    } catch {
      // falls through to the problem below
    }
    return fail(`must be a ${expected} URL`);
  });
}

/** One of `values`. */
export function enumVar<const T extends readonly string[]>(values: T) {
  return envVar<T[number]>((text) =>
    values.includes(text)
      ? ok(text as T[number])
      : fail(`must be one of ${values.join(', ')}; got '${text}'`),
  );
}

/** TRUST_PROXY, see `parseTrustProxy`. */
export function trustProxyVar() {
  return envVar<TrustProxy>((text) => {
    const result = parseTrustProxy(text);
    return result.ok ? ok(result.value) : fail(result.problem);
  });
}

/** CORS_ORIGIN, see `parseCorsOrigins`. */
export function corsOriginsVar() {
  return envVar<{ anyOrigin: boolean; origins: readonly string[] }>((text) => {
    const result = parseCorsOrigins(text);
    return result.ok ? ok({ anyOrigin: result.anyOrigin, origins: result.origins }) : fail(result.problem);
  });
}

/** AUTH_DOMAINS, see `parseAuthDomains`. */
export function authDomainsVar() {
  return envVar<readonly string[]>((text) => {
    const result = parseAuthDomains(text);
    return result.ok ? ok(result.domains) : fail(result.problem);
  });
}
