// Evaluate a landscape's own loss and gradient at given points (L_n(w*), checks, surface meshes).
// Needs landscape-params.wgsl, a landscape and the assembler's header (const D: u32).

alias Vec = array<f32, D>;

struct EvalParams {
  count: u32,
}

@group(0) @binding(0) var<uniform> ep: EvalParams;
@group(0) @binding(1) var<storage, read> points: array<f32>;       // stride D
@group(0) @binding(2) var<storage, read_write> values: array<f32>; // stride D + 1: loss, grad

@compute @workgroup_size(64)
fn eval_points(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= ep.count) { return; }
  var w: Vec;
  for (var j = 0u; j < D; j++) { w[j] = points[i * D + j]; }
  let g = grad(w);
  values[i * (D + 1u)] = loss(w);
  for (var j = 0u; j < D; j++) { values[i * (D + 1u) + 1u + j] = g[j]; }
}
