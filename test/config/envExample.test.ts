import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLE_NAMES } from '../../src/config/envSchema.js';
import { loadConfig } from '../../src/config/loadConfig.js';

const example = readFileSync(join(process.cwd(), '.env.example'), 'utf8');
/** `# NAME=value` lines: documented, commented out so copying the file changes nothing. */
const documented = new Map(
  [...example.matchAll(/^# ([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((match) => [match[1] ?? '', match[2] ?? '']),
);

describe('.env.example', () => {
  it('documents every variable the service reads, and nothing else', () => {
    expect([...documented.keys()].sort()).toEqual([...ENV_VARIABLE_NAMES].sort());
  });

  it('sets nothing when copied as is', () => {
    expect(example.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'))).toEqual([]);
  });

  it('shows values that are valid when uncommented', () => {
    expect(() => loadConfig(Object.fromEntries(documented))).not.toThrow();
  });
});
