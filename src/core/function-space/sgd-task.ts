/**
 * The Boolean task of SGD vs Bayes (issue 13): a target function on the N = 2^n input points, a
 * training subset S of chosen size and seed, and the rest of the points as the test set. Bits follow
 * randnet.ts's convention (character i of a truth table = output bit at input point i).
 */

import { philox4x32_10, seedKey } from '../rng';
import { kLz } from './complexity';
import { bitsToKey, MAX_INPUTS } from './randnet';

/** Philox stream of the training-subset draw and the random-target search (networks use 16). */
export const STREAM_TASK = 17;

export interface BoolTask {
  readonly inputs: number;
  /** The target's truth table, 2^n characters of 0/1. */
  readonly target: string;
  /** Training points, ascending. */
  readonly train: readonly number[];
  /** Test points (the rest), ascending. */
  readonly test: readonly number[];
}

/**
 * A target from text, for n inputs: `zeros`, `ones`, `random:K` (a random function with K_LZ = K,
 * seeded by `seed`), or a 0/1 string whose length divides 2^n (repeated: `0011` is (0011)^32 for
 * n = 7). Throws RangeError naming the bad character and its position (1-based).
 */
export function parseTarget(text: string, inputs: number, seed = 1): string {
  if (!Number.isInteger(inputs) || inputs < 1 || inputs > MAX_INPUTS)
    throw new RangeError(`inputs must be an integer in [1, ${MAX_INPUTS}], got ${inputs}`);
  const n = 2 ** inputs;
  const t = text.trim();
  if (t === 'zeros') return '0'.repeat(n);
  if (t === 'ones') return '1'.repeat(n);
  if (t.startsWith('random:')) {
    const k = Number(t.slice(7));
    if (!Number.isFinite(k) || t.slice(7).trim() === '')
      throw new RangeError(`target: random:K needs a number K (a K_LZ value), got '${t.slice(7)}'`);
    return randomTargetOfKlz(inputs, k, seed);
  }
  if (t.length === 0) throw new RangeError('target: empty; expected a 0/1 string, zeros, ones or random:K');
  for (let i = 0; i < t.length; i++) {
    if (t[i] !== '0' && t[i] !== '1')
      throw new RangeError(
        `target: character '${t[i]}' at position ${i + 1} is not 0 or 1 (expected a 0/1 string, zeros, ones or random:K)`,
      );
  }
  if (t.length > n || n % t.length !== 0)
    throw new RangeError(
      `target: a 0/1 string of length ${n} (2^${inputs}) or a divisor of it (repeated), got length ${t.length}`,
    );
  return t.repeat(n / t.length);
}

/**
 * The schema's check of target text, before the inputs are known: the same messages as parseTarget
 * (a bad character named with its position), with a length that fits some n ≤ MAX_INPUTS; the length
 * against the chosen n and a random:K search are checked when the view builds. Null when acceptable.
 */
export function checkTargetText(text: string): string | null {
  const t = text.trim();
  if (t.startsWith('random:')) {
    const k = t.slice(7).trim();
    return k !== '' && Number.isFinite(Number(k))
      ? null
      : `target: random:K needs a number K (a K_LZ value), got '${k}'`;
  }
  try {
    parseTarget(t, MAX_INPUTS);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** A uniform u32 stream from Philox keyed by seed (counter (i, purpose, 0, STREAM_TASK)). */
function words(seed: number, purpose: number): () => number {
  const key = seedKey(seed);
  let i = 0;
  let buf: number[] = [];
  return () => {
    if (buf.length === 0) buf = philox4x32_10([i++ >>> 0, purpose, 0, STREAM_TASK], key);
    return buf.pop()!;
  };
}

/** Uniform integer in [0, m) from a u32 word (multiply-shift; bias ≤ m/2^32, negligible for m ≤ 128). */
const below = (w: number, m: number): number => Math.floor((w / 2 ** 32) * m);

/**
 * A random function with K_LZ exactly `k`: candidates are random words of a random period p, repeated
 * and with a few random flips (so low and high complexities are both reached), searched in a seeded
 * order. Throws RangeError when no candidate in 20 000 has that K_LZ, naming the nearest found.
 */
export function randomTargetOfKlz(inputs: number, k: number, seed: number): string {
  const n = 2 ** inputs;
  const next = words(seed, 1);
  let nearest = '';
  let nearestK = Number.POSITIVE_INFINITY;
  for (let tries = 0; tries < 20_000; tries++) {
    const period = 1 + below(next(), n);
    let word = '';
    for (let i = 0; i < period; i++) word += next() & 1 ? '1' : '0';
    const chars = word
      .repeat(Math.ceil(n / period))
      .slice(0, n)
      .split('');
    const flips = below(next(), 4);
    for (let f = 0; f < flips; f++) {
      const i = below(next(), n);
      chars[i] = chars[i] === '1' ? '0' : '1';
    }
    const s = chars.join('');
    const ks = kLz(s);
    if (Math.abs(ks - k) < 1e-9) return s;
    if (Math.abs(ks - k) < Math.abs(nearestK - k)) {
      nearest = s;
      nearestK = ks;
    }
  }
  throw new RangeError(
    `target: no function with K_LZ = ${k} found for n = ${inputs} (nearest K_LZ ${nearestK}: ${nearest}); ` +
      `K_LZ values are multiples of ${inputs / 2}`,
  );
}

/** The training points: a seeded uniform subset of `size` of the 2^n points (partial Fisher–Yates). */
export function trainingSubset(inputs: number, size: number, seed: number): number[] {
  const n = 2 ** inputs;
  if (!Number.isInteger(size) || size < 1 || size > n)
    throw new RangeError(`train: the training-set size must be an integer in [1, ${n}], got ${size}`);
  const idx = Array.from({ length: n }, (_, i) => i);
  const next = words(seed, 2);
  for (let i = 0; i < size; i++) {
    const j = i + below(next(), n - i);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, size).sort((a, b) => a - b);
}

export function makeTask(inputs: number, target: string, trainSize: number, seed: number): BoolTask {
  if (target.length !== 2 ** inputs)
    throw new RangeError(`target: expected ${2 ** inputs} bits, got ${target.length}`);
  const train = trainingSubset(inputs, trainSize, seed);
  const inTrain = new Set(train);
  const test = Array.from({ length: 2 ** inputs }, (_, i) => i).filter((i) => !inTrain.has(i));
  return { inputs, target, train, test };
}

/** 128-bit masks of the training and test points and the target's key (bit i of word ⌊i/32⌋). */
export function taskKeys(task: BoolTask): { target: Uint32Array; train: Uint32Array; test: Uint32Array } {
  const mask = (points: readonly number[]) => {
    const m = new Uint32Array(4);
    for (const i of points) m[i >>> 5] |= 1 << (i & 31);
    return m;
  };
  return { target: bitsToKey(task.target), train: mask(task.train), test: mask(task.test) };
}

/** Fraction of test points where `bits` differs from the target (0 when the test set is empty). */
export function testError(task: BoolTask, bits: string): number {
  if (task.test.length === 0) return 0;
  let wrong = 0;
  for (const i of task.test) if (bits[i] !== task.target[i]) wrong++;
  return wrong / task.test.length;
}

/** True when `bits` equals the target on every training point. */
export function fitsTrain(task: BoolTask, bits: string): boolean {
  return task.train.every((i) => bits[i] === task.target[i]);
}
