/**
 * Complexity measures of Boolean functions given as bit strings (the truth table: character i is the
 * output on input i). K_LZ follows Dingle, Camargo & Louis (2018) exactly, as in DESIGN.md:
 *   K(x) = log2 N                                   if x is constant (all 0s or all 1s),
 *   K(x) = log2 N · (N_w(x) + N_w(reverse x)) / 2   otherwise,
 * with N the string length and N_w the Lempel–Ziv (1976) phrase count in the Kaspar–Schuster scan.
 * Checks for N = 128: constant → 7, one-hot at either end → 17.5, 0^64 1^64 → 21, (0011)^32 → 28.
 */

/** A bit string: a string of '0'/'1' characters or an array of 0/1 values. */
export type Bits = string | ArrayLike<number>;

function toArray(bits: Bits): Uint8Array {
  if (typeof bits === 'string') {
    const out = new Uint8Array(bits.length);
    for (let i = 0; i < bits.length; i++) {
      const c = bits.charCodeAt(i);
      if (c !== 48 && c !== 49) throw new RangeError(`not a bit string: character ${i} is '${bits[i]}'`);
      out[i] = c - 48;
    }
    return out;
  }
  return Uint8Array.from(bits as ArrayLike<number>, (b) => (b ? 1 : 0));
}

/**
 * LZ76 phrase count N_w by the Kaspar–Schuster algorithm (Phys. Rev. A 36, 842 (1987)): scan left to
 * right; a new phrase starts whenever the current component cannot be copied from any earlier start.
 * Works on any symbol array; an empty string has 0 phrases, a single symbol 1.
 */
export function lz76(bits: Bits): number {
  const s = toArray(bits);
  const n = s.length;
  if (n <= 1) return n;
  // Kaspar–Schuster with 0-based indices: the component starting at l is compared with the copy
  // starting at i (i < l), extended while they agree (length k).
  let c = 1;
  let l = 1;
  let i = 0;
  let k = 1;
  let kMax = 1;
  for (;;) {
    if (s[i + k - 1] !== s[l + k - 1]) {
      if (k > kMax) kMax = k;
      i++;
      if (i === l) {
        c++;
        l += kMax;
        if (l + 1 > n) break;
        i = 0;
        k = 1;
        kMax = 1;
      } else {
        k = 1;
      }
    } else {
      k++;
      if (l + k > n) {
        c++;
        break;
      }
    }
  }
  return c;
}

/** K_LZ of a bit string of length N ≥ 2 (DESIGN.md, Dingle et al.). */
export function kLz(bits: Bits): number {
  const s = toArray(bits);
  const n = s.length;
  if (n < 2) throw new RangeError(`K_LZ needs at least 2 bits, got ${n}`);
  const log2n = Math.log2(n);
  let ones = 0;
  for (let i = 0; i < n; i++) ones += s[i];
  if (ones === 0 || ones === n) return log2n;
  const reversed = s.slice().reverse();
  return (log2n * (lz76(s) + lz76(reversed))) / 2;
}

/** Number of ones t in the truth table. */
export function countOnes(bits: Bits): number {
  const s = toArray(bits);
  let t = 0;
  for (let i = 0; i < s.length; i++) t += s[i];
  return t;
}

/** Binary entropy (bits) of the ones/zeros fraction: H(t/N) = −p log2 p − (1−p) log2(1−p). */
export function onesEntropy(bits: Bits): number {
  const s = toArray(bits);
  const p = countOnes(s) / s.length;
  if (p === 0 || p === 1) return 0;
  return -p * Math.log2(p) - (1 - p) * Math.log2(1 - p);
}
