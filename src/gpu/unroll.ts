/**
 * Unrolls the per-coordinate loops `for (var j = 0u; j < D; j++) { … }` of an assembled module into
 * D copies of `{ let j = Ku; { … } }` for small D. Semantics and f32 results are unchanged (same
 * operations, same order); the reason is SwiftShader (the software GPU of CPU-only machines), whose
 * JIT keeps loops as loops: every coordinate loop then pays per-iteration lane-mask bookkeeping and
 * keeps Vec arrays in memory, which was 30% of a ULA step on 2-D landscapes (issue 17's breakdown).
 * Hardware GPU compilers unroll such constant-trip loops themselves, so there it changes nothing.
 * The WGSL itself stays as written in shaders/; this is a mechanical rewrite of its text.
 */

const HEAD = 'for (var j = 0u; j < D; j++) {';

/** Largest D unrolled: beyond it the code growth outweighs the loop overhead. */
export const MAX_UNROLLED_DIM = 8;

/** The module with every unrollable D-loop unrolled (a loop whose body uses break, continue or assigns j is left alone). */
export function unrollDimensionLoops(code: string, dim: number): string {
  if (!Number.isInteger(dim) || dim < 1 || dim > MAX_UNROLLED_DIM) return code;
  let out = '';
  let rest = code;
  for (let at = rest.indexOf(HEAD); at >= 0; at = rest.indexOf(HEAD)) {
    let depth = 1;
    let end = at + HEAD.length;
    for (; end < rest.length && depth > 0; end++) {
      if (rest.startsWith('//', end)) {
        const eol = rest.indexOf('\n', end);
        end = eol < 0 ? rest.length : eol; // braces in comments do not count
      } else if (rest[end] === '{') depth++;
      else if (rest[end] === '}') depth--;
    }
    if (depth !== 0) break; // unbalanced text: leave the rest to the WGSL compiler's error message
    const body = rest.slice(at + HEAD.length, end - 1);
    const unrollable = !/\b(break|continue)\b/.test(body) && !/\bj\s*(\+\+|--|[-+*/%&|^]?=(?!=))/.test(body);
    const copies = unrollable
      ? // The body keeps its own scope, as in the loop (it may declare names of its own).
        Array.from({ length: dim }, (_, k) => `{ let j = ${k}u; {${body}} }`).join(' ')
      : rest.slice(at, end);
    out += rest.slice(0, at) + copies;
    rest = rest.slice(end);
  }
  return out + rest;
}
