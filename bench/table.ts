/** Plain-text tables for benchmark output. */
export interface Table {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly note?: string;
}

export function formatRate(x: number): string {
  if (x >= 1e9) return `${(x / 1e9).toFixed(2)} G/s`;
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M/s`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k/s`;
  return `${x.toFixed(1)} /s`;
}

export function renderTable(t: Table): string {
  const widths = t.header.map((h, j) => Math.max(h.length, ...t.rows.map((r) => r[j].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, j) => c.padEnd(widths[j])).join(' | ')} |`;
  const sep = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [
    `### ${t.title}`,
    '',
    line(t.header),
    sep,
    ...t.rows.map(line),
    ...(t.note ? ['', t.note] : []),
  ].join('\n');
}
