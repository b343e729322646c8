import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClientPackage } from '../../../scripts/buildDemo.js';
import packageJson from '../package.json' with { type: 'json' };

describe('the client package as published', () => {
  // Its own output directory: the demo test builds packages/client/dist at the same time.
  let dist: string;

  beforeAll(async () => {
    dist = await mkdtemp(join(tmpdir(), 'client-dist-'));
    await buildClientPackage(dist);
  });
  afterAll(() => rm(dist, { recursive: true, force: true }));

  it('is ESM with type declarations for every module, entered where package.json says', async () => {
    expect(packageJson.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    const entry = await import(pathToFileURL(join(dist, 'index.js')).href);
    expect(typeof entry.createLivestreamClient).toBe('function');
    expect(typeof entry.keyringSigner).toBe('function');
    expect(typeof entry.livekitTokenFetcher).toBe('function');
    const files = await readdir(dist);
    expect(files).toContain('index.d.ts');
    for (const js of files.filter((file) => file.endsWith('.js'))) {
      expect(files, js).toContain(js.replace(/\.js$/, '.d.ts'));
    }
  });

  it('imports nothing from outside itself: no Node built-ins, no dependencies', async () => {
    for (const file of (await readdir(dist)).filter((name) => name.endsWith('.js'))) {
      const source = await readFile(join(dist, file), 'utf8');
      const imports = [...source.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
      expect(
        imports.filter((specifier) => !specifier?.startsWith('./')),
        file,
      ).toEqual([]);
    }
  });
});
