/**
 * Builds the dev demo page (`GET /demo`): the client package as published (its `tsc` build, taken
 * through its package.json `exports` like any app would), bundled with the page by esbuild into
 * demo/dist. `npm run dev` runs it first; the end-to-end test runs it before opening the page.
 *
 *   npx tsx scripts/buildDemo.ts
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEMO_SOURCE_DIR = `${ROOT}demo`;
export const DEMO_BUILD_DIR = `${ROOT}demo/dist`;
const STATIC_FILES = ['index.html', 'demo.css'];

/** Builds the client package as it is published, into its `dist` (or `outDir`). */
export async function buildClientPackage(outDir?: string): Promise<void> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const project = ['-p', `${ROOT}packages/client/tsconfig.build.json`];
  await promisify(execFile)(process.execPath, [tsc, ...project, ...(outDir ? ['--outDir', outDir] : [])]);
}

export async function buildDemo(outDir = DEMO_BUILD_DIR): Promise<void> {
  await buildClientPackage();
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [`${DEMO_SOURCE_DIR}/main.ts`],
    outfile: `${outDir}/demo.js`,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  });
  await Promise.all(STATIC_FILES.map((file) => copyFile(`${DEMO_SOURCE_DIR}/${file}`, `${outDir}/${file}`)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildDemo();
  console.log(`demo built in ${DEMO_BUILD_DIR}`);
}
