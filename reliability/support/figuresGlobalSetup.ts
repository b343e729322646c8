import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import type { Figure } from './Figure.js';
import { formatFigures } from './formatFigures.js';
import { reliabilityScale } from './reliabilityScale.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** JSON lines file the suite's figures are appended to (one per run). */
    reliabilityFiguresFile: string;
  }
}

/** Gives the run its figures file and prints every figure as one table at the end of the run. */
export default function figuresGlobalSetup(project: TestProject): () => void {
  const file = join(tmpdir(), `stardust-reliability-figures-${randomUUID()}.jsonl`);
  writeFileSync(file, '');
  project.provide('reliabilityFiguresFile', file);
  return () => {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    rmSync(file, { force: true });
    const figures = text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Figure);
    console.log(
      `\nReliability figures (RELIABILITY_SCALE=${reliabilityScale().name}, ${figures.length} figures)\n${formatFigures(figures)}\n`,
    );
  };
}
