import type { Figure } from './Figure.js';

function goalText(figure: Figure): string {
  if (figure.goal === undefined) return '';
  const verdict = figure.met === undefined ? '' : figure.met ? ' (met)' : ' (NOT met)';
  return `goal ${figure.goal}${verdict}`;
}

/** One line: "name: value unit — goal 0 (met)". */
export function formatFigure(figure: Figure): string {
  const goal = goalText(figure);
  return `${figure.name}: ${figure.value}${figure.unit === '' ? '' : ` ${figure.unit}`}${goal === '' ? '' : ` — ${goal}`}`;
}

/** The end-of-run table, columns padded to their widest cell. */
export function formatFigures(figures: readonly Figure[]): string {
  const rows = figures.map((figure) => [
    figure.name,
    String(figure.value),
    figure.unit,
    figure.goal ?? '',
    figure.met === undefined ? '' : figure.met ? 'yes' : 'NO',
  ]);
  const header = ['figure', 'value', 'unit', 'goal', 'met'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('-|-'), ...rows.map(line)].join('\n');
}
