// Convergence-diagnostic accumulators of the sampling phase (split-R̂, ESS; see
// src/core/measures/diagnostics.ts), walker bind group binding 7. Needs posterior.wgsl.
// Per walker: (c, Σ(L − c), Σ(L − c)², samples), c = the walker's first sampled loss. Shifting by
// a value near the walker's own mean keeps the f32 sum of squares well-conditioned: Σ L² − (Σ L)²/T
// would cancel catastrophically at large nβ, where the loss fluctuates by ~1e-4 around ~1.
// The host copies this buffer at the midpoint of sampling (the first half-chains); only the
// reduction reads that copy, so it is not bound here.
@group(0) @binding(7) var<storage, read_write> diag_sums: array<vec4<f32>>;

// One more sampled loss l, in registers (loaded before the step loop, stored after it).
fn diag_add(acc: vec4<f32>, l: f32) -> vec4<f32> {
  var c = acc.x;
  if (acc.w == 0.0) { c = l; }
  let d = l - c;
  return vec4<f32>(c, acc.y + d, acc.z + d * d, acc.w + 1.0);
}
