import type { Random } from './Random.js';

/** The part of JSON Schema that `z.toJSONSchema` produces for our request schemas. */
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  items?: JsonSchema;
}

/** Makes a string matching a `pattern` of the schema (regular expressions are not generated in general). */
export type PatternSamplers = Readonly<Record<string, (random: Random) => string>>;

/** Longest string sampled for a field without a tighter bound: mutations make the long ones. */
const SAMPLE_MAX_CHARS = 40;
/** Small integers are what ids and counts usually are; the bounds come from mutations. */
const SAMPLE_SMALL_INT = 8;
const TEXT = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.:/+=';

/** Any JSON value, a few levels deep: for fields the schema leaves open (`unknown`). */
export function randomJson(random: Random, depth = 2): unknown {
  switch (random.int(depth > 0 ? 7 : 5)) {
    case 0:
      return null;
    case 1:
      return random.chance(0.5);
    case 2:
      return random.int(2 ** 31) - 2 ** 30;
    case 3:
      return random.text(random.int(SAMPLE_MAX_CHARS), TEXT);
    case 4:
      return random.next() * 1e6;
    case 5:
      return Array.from({ length: random.int(4) }, () => randomJson(random, depth - 1));
    default:
      return Object.fromEntries(
        Array.from({ length: random.int(4) }, () => [
          random.text(1 + random.int(8), TEXT),
          randomJson(random, depth - 1),
        ]),
      );
  }
}

/** A value that is valid or nearly valid for `schema`: where the fuzzer starts before it mutates. */
export function sampleJsonSchema(schema: JsonSchema, random: Random, patterns: PatternSamplers): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum !== undefined) return random.pick(schema.enum);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices !== undefined) return sampleJsonSchema(random.pick(choices), random, patterns);
  switch (schema.type) {
    case 'object': {
      const required = new Set(schema.required ?? []);
      const entries = Object.entries(schema.properties ?? {}).filter(
        ([name]) => required.has(name) || random.chance(0.5),
      );
      return Object.fromEntries(
        entries.map(([name, field]) => [name, sampleJsonSchema(field, random, patterns)]),
      );
    }
    case 'string': {
      const sampler = schema.pattern === undefined ? undefined : patterns[schema.pattern];
      if (sampler !== undefined) return sampler(random);
      const min = schema.minLength ?? 0;
      const max = Math.min(schema.maxLength ?? SAMPLE_MAX_CHARS, SAMPLE_MAX_CHARS);
      return random.text(min + random.int(Math.max(1, max - min + 1)), TEXT);
    }
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? (schema.exclusiveMinimum === undefined ? 0 : schema.exclusiveMinimum + 1);
      const max = schema.maximum ?? Number.MAX_SAFE_INTEGER;
      return random.chance(0.5)
        ? min + random.int(SAMPLE_SMALL_INT)
        : Math.min(max, min + random.int(2 ** 48));
    }
    case 'boolean':
      return random.chance(0.5);
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: random.int(3) }, () =>
        schema.items === undefined ? randomJson(random) : sampleJsonSchema(schema.items, random, patterns),
      );
    default:
      return randomJson(random);
  }
}
