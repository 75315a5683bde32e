/** Number boxes' text: how a value is shown, and how typed text is read (src/app/ui/gui.ts). */

/** A number as a box shows it: six significant digits, no exponent up to 10¹⁰ (n = 100000, not 1e5). */
export const boxText = (x: number): string => {
  if (!Number.isFinite(x)) return '—';
  const v = Number(x.toPrecision(6));
  return v === 0 || (Math.abs(v) >= 1e-4 && Math.abs(v) < 1e10) ? String(v) : v.toExponential();
};

/** Typed text as a number: thousands separators (1,000,000 or 1_000_000) and spaces are allowed. */
export function readTyped(text: string): number | string {
  const t = text.trim().replace(/[\s_\u2009\u202f]/g, '');
  const plain = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/.test(t) ? t.replace(/,/g, '') : t;
  const v = Number(plain);
  // Not a number: the raw text goes to the schema, whose message quotes it.
  return plain !== '' && Number.isFinite(v) ? v : text;
}
