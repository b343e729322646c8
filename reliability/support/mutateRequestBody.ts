import { gzipSync } from 'node:zlib';
import type { Random } from './Random.js';
import type { JsonSchema } from './sampleJsonSchema.js';
import { randomJson } from './sampleJsonSchema.js';

/** A fuzzed request body: raw bytes and the headers that describe them. */
export interface FuzzBody {
  /** Which mutation made it (figures and failure messages name it). */
  kind: string;
  body: Buffer;
  headers: Record<string, string>;
}

/** Past the server's default body limit (16 KiB): the 413 path. */
const HUGE_STRING_CHARS = 100 * 1024;
/** Deep enough to hurt a recursive walker, small enough to stay under the body limit. */
const DEEP_NESTING_LEVELS = 5_000;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** Byte sequences that are not UTF-8: a lone continuation byte, an overlong '/', a surrogate half, 0xFF. */
const INVALID_UTF8 = [
  Buffer.from([0x80]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xff, 0xfe]),
];
const WEIRD_STRINGS = [
  '\ud800',
  '\u0000',
  '\u202e\u0041',
  '\u200b',
  '🎥'.repeat(50),
  '%00',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '\r\nSet-Cookie: x=1',
  '0x',
  '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'.repeat(3),
];
const WRONG_TYPE_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  'string',
  '',
  [],
  {},
  [1, 2],
  { nested: { deeper: 1 } },
];
const NUMBER_EDGES = [-1, -0, 0.5, 2 ** 53, 2 ** 64, -(2 ** 63), 1e308, Number.MIN_VALUE];
const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/xml',
  'application/jsonx',
  '',
];
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];

function json(value: unknown, kind: string): FuzzBody {
  return {
    kind,
    body: Buffer.from(JSON.stringify(value) ?? 'null'),
    headers: { 'content-type': 'application/json' },
  };
}

function fieldNames(schema: JsonSchema, value: unknown): string[] {
  const own = typeof value === 'object' && value !== null ? Object.keys(value) : [];
  return [...new Set([...Object.keys(schema.properties ?? {}), ...own])];
}

function withField(value: unknown, field: string, fieldValue: unknown): Record<string, unknown> {
  const base = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
  return { ...(base as Record<string, unknown>), [field]: fieldValue };
}

/**
 * One mutation of `value` (a sample of `schema`): wrong types, missing and extra fields, bounds,
 * huge and strange strings, deep nesting, non-objects, invalid UTF-8, truncation, BOM, gzip,
 * wrong content types. Each mutation is equally likely.
 */
export function mutateRequestBody(value: unknown, schema: JsonSchema, random: Random): FuzzBody {
  const fields = fieldNames(schema, value);
  const field = fields.length === 0 ? 'x' : random.pick(fields);
  const text = JSON.stringify(value) ?? 'null';
  const mutations: (() => FuzzBody)[] = [
    () => json(value, 'as sampled'),
    () => {
      const copy = { ...(value as Record<string, unknown>) };
      delete copy[field];
      return json(copy, 'field missing');
    },
    () => json(withField(value, field, random.pick(WRONG_TYPE_VALUES)), 'wrong type'),
    () => json(withField(value, field, random.pick(NUMBER_EDGES)), 'number edge'),
    () => json(withField(value, field, random.pick(WEIRD_STRINGS)), 'strange string'),
    () =>
      json(
        withField(value, field, 'x'.repeat((schema.properties?.[field]?.maxLength ?? 100) + 1)),
        'string past its bound',
      ),
    () => json(withField(value, field, 'x'.repeat(HUGE_STRING_CHARS)), 'huge string'),
    () =>
      json(withField(value, random.text(1 + random.int(20), 'abcdefgh_'), randomJson(random)), 'extra field'),
    () => ({
      kind: 'prototype key',
      body: Buffer.from(`{"${random.pick(PROTOTYPE_KEYS)}":{"polluted":true},${text.slice(1)}`),
      headers: { 'content-type': 'application/json' },
    }),
    () => ({
      kind: 'deep nesting',
      body: Buffer.from(
        random.chance(0.5)
          ? `${'['.repeat(DEEP_NESTING_LEVELS)}${']'.repeat(DEEP_NESTING_LEVELS)}`
          : `{"${field}":${'{"a":'.repeat(DEEP_NESTING_LEVELS / 2)}1${'}'.repeat(DEEP_NESTING_LEVELS / 2)}}`,
      ),
      headers: { 'content-type': 'application/json' },
    }),
    () => json(random.pick([[value], 'text', 42, null, true, []]), 'not an object'),
    () => {
      const at = random.int(text.length + 1);
      return {
        kind: 'invalid UTF-8',
        body: Buffer.concat([
          Buffer.from(text.slice(0, at)),
          random.pick(INVALID_UTF8),
          Buffer.from(text.slice(at)),
        ]),
        headers: { 'content-type': 'application/json' },
      };
    },
    () => ({
      kind: 'truncated',
      body: Buffer.from(text.slice(0, random.int(text.length))),
      headers: { 'content-type': 'application/json' },
    }),
    () => ({
      kind: 'random bytes',
      body: random.bytes(1 + random.int(512)),
      headers: { 'content-type': 'application/json' },
    }),
    () => ({
      kind: 'byte order mark',
      body: Buffer.concat([UTF8_BOM, Buffer.from(text)]),
      headers: { 'content-type': 'application/json' },
    }),
    () => ({
      kind: 'gzip',
      body: gzipSync(text),
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    }),
    () => ({
      kind: 'wrong content type',
      body: Buffer.from(text),
      headers: { 'content-type': random.pick(CONTENT_TYPES) },
    }),
    () => ({
      kind: 'duplicate keys',
      body: Buffer.from(`{"${field}":1,${text.slice(1, -1)}${text.length > 2 ? ',' : ''}"${field}":"again"}`),
      headers: { 'content-type': 'application/json' },
    }),
    () => ({ kind: 'empty', body: Buffer.alloc(0), headers: { 'content-type': 'application/json' } }),
  ];
  return random.pick(mutations)();
}
