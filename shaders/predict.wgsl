// A model's predictions f_θ(x) for a block of walkers at a set of inputs (generalisation error).
// Needs landscape-params.wgsl and a model defining `fn predict(w: Vec, x: vec2<f32>) -> f32`
// (models/polynomial.wgsl, models/mlp.wgsl), and the assembler's header (const D: u32).

alias Vec = array<f32, D>;

struct PredictParams {
  walkers: u32,  // walkers in the block
  first: u32,    // index of the block's first walker
  inputs: u32,   // number of inputs x_t
  pad: u32,
}

@group(0) @binding(0) var<uniform> pp: PredictParams;
@group(0) @binding(1) var<storage, read> walker_positions: array<f32>;  // walker-major, stride D
@group(0) @binding(2) var<storage, read> inputs: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read_write> predictions: array<f32>; // [walker][input]

@compute @workgroup_size(64)
fn predict_walkers(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= pp.walkers) { return; }
  var w: Vec;
  let at = (pp.first + i) * D;
  for (var j = 0u; j < D; j++) { w[j] = walker_positions[at + j]; }
  for (var t = 0u; t < pp.inputs; t++) {
    predictions[i * pp.inputs + t] = predict(w, inputs[t]);
  }
}
