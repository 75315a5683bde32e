// A landscape's uniforms, in their own bind group so that every module that evaluates a landscape
// (walker kernels, point evaluation, surface grids) binds the same buffer the same way.
// Values 0.. hold the landscape's parameters, followed by any data it needs (e.g. (x, y) points).

const LANDSCAPE_VALUES: u32 = 1024u;

struct LandscapeUniforms {
  values: array<vec4<f32>, 256>,
}

@group(1) @binding(0) var<uniform> landscape_uniforms: LandscapeUniforms;

// Landscape value i (parameter or datum).
fn lp(i: u32) -> f32 {
  return landscape_uniforms.values[i / 4u][i % 4u];
}
