/**
 * Two Philox4x32-10 evaluations in one function, for the walker kernels: `(func $philox2 (param $c0 …
 * $c3 v128) (param $e0 … $e3 v128) (param $k0 i32) (param $k1 i32) (result v128 ×8))` returns the
 * words of counters c and of counters e under one key.
 *
 * Why: one Philox is a chain of ten dependent rounds (a 32×32→64 multiply each), so a single call
 * leaves the CPU waiting on latency (it was ~30% of a ULA step); two independent chains in one
 * function body let the out-of-order core overlap them. The walkers pair the noise of steps t and
 * t + 1 (ULA) or the noise and accept draws of one step (MALA): counter-based, so nothing changes.
 *
 * The text is derived from the toolkit's PHILOX_WAT itself (its rounds duplicated with renamed
 * locals and interleaved), so the constants and the round function stay defined once; if that text
 * ever changes shape, $philox2 falls back to two calls of $philox (the same words, slower).
 */
const HEADER =
  /^[\s\S]*?\(func \$philox \(param \$c0 v128\) \(param \$c1 v128\) \(param \$c2 v128\) \(param \$c3 v128\) \(param \$k0 i32\) \(param \$k1 i32\)\s*\(result v128 v128 v128 v128\)\s*\(local \$h0 v128\) \(local \$l0 v128\) \(local \$h1 v128\) \(local \$l1 v128\)\s*/;
const FOOTER = /\s*\(local\.get \$c0\) \(local\.get \$c1\) \(local\.get \$c2\) \(local\.get \$c3\)\)\s*$/;

const SIGNATURE = `(func $philox2 (param $c0 v128) (param $c1 v128) (param $c2 v128) (param $c3 v128)
  (param $e0 v128) (param $e1 v128) (param $e2 v128) (param $e3 v128) (param $k0 i32) (param $k1 i32)
  (result v128 v128 v128 v128 v128 v128 v128 v128)`;

const FALLBACK = `${SIGNATURE}
  (call $philox (local.get $c0) (local.get $c1) (local.get $c2) (local.get $c3) (local.get $k0) (local.get $k1))
  (call $philox (local.get $e0) (local.get $e1) (local.get $e2) (local.get $e3) (local.get $k0) (local.get $k1)))`;

/** The second chain's names: $c → $e, $h0/$l0/$h1/$l1 → $g0/$m0/$g1/$m1. */
const renamed = (text: string): string =>
  text
    .replace(/\$c([0-3])\b/g, '$e$1')
    .replace(/\$h([01])\b/g, '$g$1')
    .replace(/\$l([01])\b/g, '$m$1');

export function philox2Wat(philoxWat: string): string {
  const head = philoxWat.match(HEADER);
  const foot = philoxWat.match(FOOTER);
  if (!head || !foot) return FALLBACK;
  const body = philoxWat.slice(head[0].length, philoxWat.length - foot[0].length);
  const rounds = body.split(/(?=\s*;; round \d+)/).filter((r) => r.trim() !== '');
  if (rounds.length !== 10) return FALLBACK;
  return `${SIGNATURE}
  (local $h0 v128) (local $l0 v128) (local $h1 v128) (local $l1 v128)
  (local $g0 v128) (local $m0 v128) (local $g1 v128) (local $m1 v128)
${rounds.map((r) => `${r}\n${renamed(r)}`).join('\n')}
  (local.get $c0) (local.get $c1) (local.get $c2) (local.get $c3)
  (local.get $e0) (local.get $e1) (local.get $e2) (local.get $e3))`;
}
