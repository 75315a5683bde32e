// Walker statistics in one pass: each workgroup strides over the walkers and writes one row of
// partial sums; the host adds the (few hundred) rows in double precision. Only these rows are read
// back, never the walker array.

struct ReduceParams {
  walkers: u32,         // walkers in the range reduced
  groups: u32,          // number of workgroups dispatched
  inv_samples: f32,     // 1 / (samples accumulated in loss_sum), 0 when none
  shift: f32,           // subtracted from chain means before squaring (keeps f32 sums well-conditioned)
  radius2: f32,         // squared radius of the "mass near a point" ball
  loss_shift: f32,      // subtracted from current losses before squaring
  first: u32,           // first walker of the range (a walker group)
  stuck_below: f32,     // a walker with fewer accepts than this since the counter clear is stuck
  center: array<vec4<f32>, 8>,
}

const ROW: u32 = 24u;  // partial sums per workgroup, in this order:
// 0 Σ(L − loss_shift), 1 Σ(L − loss_shift)², 2 Σ(m − shift), 3 Σ(m − shift)², 4 #{|w − c| < r},
// 5 Σ accepts, 6 Σ diverged, 7 #walkers seen;
// the convergence diagnostics (src/core/measures/diagnostics.ts), from diag_sums and its midpoint copy:
// 8 Σ(x − shift), 9 Σ(x − shift)², 10 Σ s², 11 # over half-chains (mean x, unbiased variance s²);
// 12 Σ(m − shift), 13 Σ(m − shift)², 14 Σ s², 15 # over whole chains (m here from diag_sums);
// 16 Σ(m − shift), 17 Σ(m − shift)², 18 # over even walkers (the w*-started ones of a mixed start);
// 19 #stuck walkers, 20 #walkers that diverged at least once;
// 21 Σ(L − loss_shift), 22 Σ(L − loss_shift)², 23 # of current losses over even walkers.

@group(0) @binding(0) var<uniform> rp: ReduceParams;
@group(0) @binding(1) var<storage, read> positions: array<f32>;
@group(0) @binding(2) var<storage, read> current_loss: array<f32>;
@group(0) @binding(3) var<storage, read> loss_sum: array<f32>;
@group(0) @binding(4) var<storage, read> accepts: array<u32>;
@group(0) @binding(5) var<storage, read> diverged: array<u32>;
@group(0) @binding(6) var<storage, read_write> partials: array<f32>;
@group(0) @binding(7) var<storage, read> diag_sums: array<vec4<f32>>;
@group(0) @binding(8) var<storage, read> diag_half: array<vec4<f32>>;

const WG: u32 = 256u;
// 8 rows at a time (ROW/8 rounds): 8·256 floats stay within the 16 KiB of workgroup memory
// that every WebGPU device offers.
var<workgroup> scratch: array<array<f32, 256>, 8>;

// Mean and unbiased variance of a run of t losses from its shifted sums (s1 = Σd, s2 = Σd²,
// d = L − c); the variance's sum of squares is around the run's own mean.
fn run_moments(c: f32, s1: f32, s2: f32, t: f32) -> vec2<f32> {
  let m = s1 / t;
  return vec2<f32>(c + m, max(0.0, s2 - s1 * m) / (t - 1.0));
}

@compute @workgroup_size(256)
fn reduce_stats(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  var acc: array<f32, 24>;
  let stride = rp.groups * WG;
  for (var i = rp.first + wid.x * WG + lid.x; i < rp.first + rp.walkers; i += stride) {
    // Clamped to ±1e15 so that squares summed over 2^20 walkers stay below f32's 3.4e38: a run with
    // exploding walkers reports huge but finite statistics (and its divergence count), never Inf/NaN.
    let l = clamp(current_loss[i] - rp.loss_shift, -1e15, 1e15);
    let m = clamp(loss_sum[i] * rp.inv_samples - rp.shift, -1e15, 1e15);
    var r2 = 0.0;
    for (var j = 0u; j < D; j++) {
      let d = positions[i * D + j] - rp.center[j / 4u][j % 4u];
      r2 += d * d;
    }
    acc[0] += l;
    acc[1] += l * l;
    acc[2] += m;
    acc[3] += m * m;
    acc[4] += select(0.0, 1.0, r2 < rp.radius2);
    acc[5] += f32(accepts[i]);
    acc[6] += f32(diverged[i]);
    acc[7] += 1.0;

    let a = diag_sums[i];
    let h = diag_half[i];
    if (a.w >= 2.0) {
      let whole = run_moments(a.x, a.y, a.z, a.w);
      let mc = clamp(whole.x - rp.shift, -1e15, 1e15);
      acc[12] += mc;
      acc[13] += mc * mc;
      acc[14] += min(whole.y, 1e30);
      acc[15] += 1.0;
      if ((i & 1u) == 0u) {
        acc[16] += mc;
        acc[17] += mc * mc;
        acc[18] += 1.0;
      }
    }
    // Split chains: the first half from the midpoint copy, the second from the difference.
    if (h.w >= 2.0 && a.w - h.w >= 2.0) {
      let first = run_moments(h.x, h.y, h.z, h.w);
      let second = run_moments(a.x, a.y - h.y, a.z - h.z, a.w - h.w);
      let x1 = clamp(first.x - rp.shift, -1e15, 1e15);
      let x2 = clamp(second.x - rp.shift, -1e15, 1e15);
      acc[8] += x1 + x2;
      acc[9] += x1 * x1 + x2 * x2;
      acc[10] += min(first.y, 1e30) + min(second.y, 1e30);
      acc[11] += 2.0;
    }
    acc[19] += select(0.0, 1.0, f32(accepts[i]) < rp.stuck_below);
    acc[20] += select(0.0, 1.0, diverged[i] > 0u);
    if ((i & 1u) == 0u) {
      acc[21] += l;
      acc[22] += l * l;
      acc[23] += 1.0;
    }
  }
  for (var r = 0u; r < ROW; r += 8u) {
    for (var k = 0u; k < 8u; k++) { scratch[k][lid.x] = acc[r + k]; }
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
      if (lid.x < s) {
        for (var k = 0u; k < 8u; k++) { scratch[k][lid.x] += scratch[k][lid.x + s]; }
      }
      workgroupBarrier();
    }
    if (lid.x == 0u) {
      for (var k = 0u; k < 8u; k++) { partials[wid.x * ROW + r + k] = scratch[k][0]; }
    }
    workgroupBarrier();
  }
}
