/**
 * shaders/reduce.wgsl's per-walker sums, over walker state that lives in host memory: the CPU
 * backend's statistics (walker-kernels.ts). With the walkers on the CPU, copying their state to a
 * software GPU and reducing it there cost ~0.1 s per reading (20 readings a run) plus ~1.3 s compiling
 * the reduce pipeline (issue 17's time breakdown); summing here takes milliseconds, in f64.
 *
 * The sums are the WGSL's, term for term and in its row order (ROW = 24; the list is in reduce.wgsl),
 * including its clamps and its rules for half-chains, even walkers and stuck walkers, so the engine
 * finishes both into WalkerStats with the same code. They differ from the GPU's only by rounding: the
 * GPU adds in f32 per workgroup, this adds in f64. tests/cpu/state-reduction.test.ts holds the two
 * together on the same state.
 */
import type { KernelState } from './walker-kernels';

export interface ReductionParams {
  readonly first: number;
  readonly count: number;
  readonly invSamples: number;
  readonly shift: number;
  readonly lossShift: number;
  readonly radius2: number;
  readonly stuckBelow: number;
  readonly center: readonly number[];
}

export const REDUCTION_ROW = 24;

const clamp15 = (x: number) => Math.min(1e15, Math.max(-1e15, x));
const f32 = Math.fround;

/** Mean and unbiased variance of a run of t losses from its shifted sums (reduce.wgsl's run_moments). */
function runMoments(c: number, s1: number, s2: number, t: number): [number, number] {
  const m = s1 / t;
  return [c + m, Math.max(0, s2 - s1 * m) / (t - 1)];
}

/** The 24 sums of reduce.wgsl over walkers [first, first + count) of `state` (dimension `dim`). */
export function reduceState(state: KernelState, dim: number, p: ReductionParams): Float64Array {
  const acc = new Float64Array(REDUCTION_ROW);
  const { positions, currentLoss, lossSum, accepts, diverged, diagSums, diagHalf } = state;
  const center = Array.from({ length: dim }, (_, j) => f32(p.center[j] ?? 0));
  const radius2 = f32(p.radius2);
  const invSamples = f32(p.invSamples);
  const end = p.first + p.count;
  for (let i = p.first; i < end; i++) {
    const l = clamp15(currentLoss[i] - p.lossShift);
    const m = clamp15(lossSum[i] * invSamples - p.shift);
    let r2 = 0;
    for (let j = 0; j < dim; j++) {
      const d = positions[i * dim + j] - center[j];
      r2 += d * d;
    }
    acc[0] += l;
    acc[1] += l * l;
    acc[2] += m;
    acc[3] += m * m;
    if (r2 < radius2) acc[4] += 1;
    acc[5] += accepts[i];
    acc[6] += diverged[i];
    acc[7] += 1;
    const a = 4 * i;
    const aw = diagSums[a + 3];
    const hw = diagHalf[a + 3];
    if (aw >= 2) {
      const [mean, variance] = runMoments(diagSums[a], diagSums[a + 1], diagSums[a + 2], aw);
      const mc = clamp15(mean - p.shift);
      acc[12] += mc;
      acc[13] += mc * mc;
      acc[14] += Math.min(variance, 1e30);
      acc[15] += 1;
      if ((i & 1) === 0) {
        acc[16] += mc;
        acc[17] += mc * mc;
        acc[18] += 1;
      }
    }
    // Split chains: the first half from the midpoint copy, the second from the difference.
    if (hw >= 2 && aw - hw >= 2) {
      const first = runMoments(diagHalf[a], diagHalf[a + 1], diagHalf[a + 2], hw);
      const second = runMoments(
        diagSums[a],
        diagSums[a + 1] - diagHalf[a + 1],
        diagSums[a + 2] - diagHalf[a + 2],
        aw - hw,
      );
      const x1 = clamp15(first[0] - p.shift);
      const x2 = clamp15(second[0] - p.shift);
      acc[8] += x1 + x2;
      acc[9] += x1 * x1 + x2 * x2;
      acc[10] += Math.min(first[1], 1e30) + Math.min(second[1], 1e30);
      acc[11] += 2;
    }
    if (accepts[i] < p.stuckBelow) acc[19] += 1;
    if (diverged[i] > 0) acc[20] += 1;
    if ((i & 1) === 0) {
      acc[21] += l;
      acc[22] += l * l;
      acc[23] += 1;
    }
  }
  return acc;
}
