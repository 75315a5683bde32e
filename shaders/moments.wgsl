// Per-coordinate first and second moments of a range of walkers (a walker group), for the proposal
// metric of ensemble preconditioning. Each workgroup strides over the range and writes one row of
// 2·D partial sums, Σ(w_j − c_j) then Σ(w_j − c_j)², which the host adds in double precision: a
// few kilobytes read back per group whatever the walker count (10⁶ walkers: the same 64 rows).
// Shifting by c (w*) before squaring keeps the f32 sums well-conditioned.

struct MomentParams {
  first: u32,        // first walker of the range
  walkers: u32,      // walkers in the range
  groups: u32,       // workgroups dispatched
  _pad: u32,
  center: array<vec4<f32>, 8>,
}

@group(0) @binding(0) var<uniform> mp: MomentParams;
@group(0) @binding(1) var<storage, read> positions: array<f32>;
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;

const WG: u32 = 256u;
var<workgroup> scratch: array<f32, 256>;

@compute @workgroup_size(256)
fn walker_moments(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  var s1: array<f32, D>;
  var s2: array<f32, D>;
  let stride = mp.groups * WG;
  for (var i = mp.first + wid.x * WG + lid.x; i < mp.first + mp.walkers; i += stride) {
    for (var j = 0u; j < D; j++) {
      let d = positions[i * D + j] - mp.center[j / 4u][j % 4u];
      s1[j] += d;
      s2[j] += d * d;
    }
  }
  // One tree reduction per sum, through one shared row (2·D of them: D ≤ 32, a few hundred barriers).
  for (var k = 0u; k < 2u * D; k++) {
    if (k < D) { scratch[lid.x] = s1[k]; } else { scratch[lid.x] = s2[k - D]; }
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
      if (lid.x < s) { scratch[lid.x] += scratch[lid.x + s]; }
      workgroupBarrier();
    }
    if (lid.x == 0u) { partials[wid.x * 2u * D + k] = scratch[0]; }
    workgroupBarrier();
  }
}

// The same range's first moments and cross moments, for a dense (full-covariance) metric: each
// workgroup writes one row of D + D(D+1)/2 partial sums, Σ(w_j − c_j), then Σ(w_j − c_j)(w_k − c_k)
// for k ≤ j packed by rows (j(j+1)/2 + k). A separate entry point so the diagonal pass keeps its
// small register footprint; the host builds its pipeline only for --precondition full (D ≤ 16).
const PAIRS: u32 = D * (D + 1u) / 2u;

@compute @workgroup_size(256)
fn walker_cross_moments(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  var s1: array<f32, D>;
  var s2: array<f32, PAIRS>;
  let stride = mp.groups * WG;
  for (var i = mp.first + wid.x * WG + lid.x; i < mp.first + mp.walkers; i += stride) {
    var d: array<f32, D>;
    for (var j = 0u; j < D; j++) {
      d[j] = positions[i * D + j] - mp.center[j / 4u][j % 4u];
      s1[j] += d[j];
    }
    for (var j = 0u; j < D; j++) {
      for (var k = 0u; k <= j; k++) { s2[j * (j + 1u) / 2u + k] += d[j] * d[k]; }
    }
  }
  for (var k = 0u; k < D + PAIRS; k++) {
    if (k < D) { scratch[lid.x] = s1[k]; } else { scratch[lid.x] = s2[k - D]; }
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
      if (lid.x < s) { scratch[lid.x] += scratch[lid.x + s]; }
      workgroupBarrier();
    }
    if (lid.x == 0u) { partials[wid.x * (D + PAIRS) + k] = scratch[0]; }
    workgroupBarrier();
  }
}
