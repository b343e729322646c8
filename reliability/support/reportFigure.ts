import { appendFileSync } from 'node:fs';
import { inject } from 'vitest';
import type { Figure } from './Figure.js';
import { formatFigure } from './formatFigures.js';

/**
 * Prints a figure as it is measured and records it for the table printed at the end of the run
 * (`figuresGlobalSetup.ts`). A JSON line per figure: test files run in their own processes.
 */
export function reportFigure(figure: Figure): void {
  console.log(`figure: ${formatFigure(figure)}`);
  appendFileSync(inject('reliabilityFiguresFile'), `${JSON.stringify(figure)}\n`);
}
