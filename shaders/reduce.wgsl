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
  _pad1: f32,
  center: array<vec4<f32>, 8>,
}

const ROW: u32 = 8u;  // partial sums per workgroup, in this order:
// 0 Σ(L − loss_shift), 1 Σ(L − loss_shift)², 2 Σ(m − shift), 3 Σ(m − shift)², 4 #{|w − c| < r},
// 5 Σ accepts, 6 Σ diverged, 7 #walkers seen

@group(0) @binding(0) var<uniform> rp: ReduceParams;
@group(0) @binding(1) var<storage, read> positions: array<f32>;
@group(0) @binding(2) var<storage, read> current_loss: array<f32>;
@group(0) @binding(3) var<storage, read> loss_sum: array<f32>;
@group(0) @binding(4) var<storage, read> accepts: array<u32>;
@group(0) @binding(5) var<storage, read> diverged: array<u32>;
@group(0) @binding(6) var<storage, read_write> partials: array<f32>;

const WG: u32 = 256u;
var<workgroup> scratch: array<array<f32, 256>, 8>;

@compute @workgroup_size(256)
fn reduce_stats(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  var acc: array<f32, 8>;
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
  }
  for (var k = 0u; k < ROW; k++) { scratch[k][lid.x] = acc[k]; }
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid.x < s) {
      for (var k = 0u; k < ROW; k++) { scratch[k][lid.x] += scratch[k][lid.x + s]; }
    }
    workgroupBarrier();
  }
  if (lid.x == 0u) {
    for (var k = 0u; k < ROW; k++) { partials[wid.x * ROW + k] = scratch[k][0]; }
  }
}
