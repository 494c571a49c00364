import type { Alignment, ColumnCell } from '../../hal';

/**
 * Lays out a row of cells on a roll `columns` characters wide. When every cell fits at its
 * natural length with a space between, they share one line: first at the left edge, last at the
 * right, the free space spread over the gaps. Otherwise each cell gets its weighted share of the
 * line and is wrapped (at spaces, long words split) or truncated to it.
 */
export function layoutColumns(cells: readonly ColumnCell[], columns: number): string[] {
  const gaps = cells.length - 1;
  const natural = cells.reduce((sum, cell) => sum + cell.text.length, 0);
  if (cells.length === 1) {
    const [cell] = cells as [ColumnCell];
    return fill(cell, columns).map((piece) => pad(piece, columns, cell.align).trimEnd());
  }
  if (natural + gaps <= columns) return [spread(cells, columns - natural, gaps)];
  const widths = shares(cells, columns - gaps);
  const pieces = cells.map((cell, index) => fill(cell, widths[index] as number));
  const rows = Math.max(...pieces.map((lines) => lines.length));
  const lines: string[] = [];
  for (let row = 0; row < rows; row += 1) {
    const parts = cells.map((cell, index) =>
      pad(pieces[index]?.[row] ?? '', widths[index] as number, cell.align),
    );
    lines.push(parts.join(' ').trimEnd());
  }
  return lines;
}

function spread(cells: readonly ColumnCell[], free: number, gaps: number): string {
  let line = '';
  cells.forEach((cell, index) => {
    if (index > 0) {
      const extra = index <= free % gaps ? 1 : 0;
      line += ' '.repeat(Math.floor(free / gaps) + extra);
    }
    line += cell.text;
  });
  return line;
}

/** Each cell's width by weight; every cell gets at least one column, the rounding goes last. */
function shares(cells: readonly ColumnCell[], usable: number): number[] {
  const total = cells.reduce((sum, cell) => sum + cell.weight, 0);
  const widths = cells.map((cell) => Math.max(1, Math.floor((usable * cell.weight) / total)));
  const used = widths.reduce((sum, width) => sum + width, 0);
  widths[widths.length - 1] = Math.max(1, (widths.at(-1) ?? 1) + usable - used);
  return widths;
}

function fill(cell: ColumnCell, width: number): string[] {
  if (cell.overflow === 'truncate') return [cell.text.slice(0, width)];
  return wrapWords(cell.text, width);
}

/**
 * Greedy word wrap; a word longer than the width (a reference, an id) is split, never cut. A
 * leading indent is kept on every line of the paragraph.
 */
export function wrapWords(text: string, width: number): string[] {
  const indent = /^ */.exec(text)?.[0] ?? '';
  if (indent.length > 0 && indent.length < width / 2) {
    return wrapWords(text.slice(indent.length), width - indent.length).map((line) => indent + line);
  }
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ').filter((w) => w.length > 0)) {
    const candidate = current ? `${current} ${word}` : word;
    if (candidate.length <= width) {
      current = candidate;
      continue;
    }
    if (current) lines.push(current);
    let rest = word;
    while (rest.length > width) {
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    current = rest;
  }
  if (current || lines.length === 0) lines.push(current);
  return lines;
}

function pad(text: string, width: number, align: Alignment): string {
  const free = Math.max(0, width - text.length);
  if (align === 'right') return ' '.repeat(free) + text;
  if (align === 'center')
    return ' '.repeat(Math.floor(free / 2)) + text + ' '.repeat(Math.ceil(free / 2));
  return text + ' '.repeat(free);
}
