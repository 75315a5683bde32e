/**
 * The fixed-width tables of the CLI's human output (calibrate, which-function, generalisation): one
 * helper so that the columns of every table are padded and joined the same way.
 */

/** One line: cell i padded to widths[i] (a cell without a width, e.g. the last, as is), one space between. */
export function tableRow(widths: readonly number[], cells: readonly string[]): string {
  return cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' ');
}

/** `value ± se`, or '–' where there is no value. */
export function plusMinus(value: number | null, se: number | null): string {
  return value === null ? '–' : `${value} ± ${se}`;
}
