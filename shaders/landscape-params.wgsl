// A landscape's uniforms, in their own bind group so that every module that evaluates a landscape
// (walker kernels, point evaluation, surface grids) binds the same buffer the same way.
// Values 0.. hold the landscape's parameters, followed by any data it needs (e.g. (x, y) points).

const LANDSCAPE_VALUES: u32 = 1024u;

struct LandscapeUniforms {
  values: array<vec4<f32>, 256>,
}

@group(1) @binding(0) var<uniform> landscape_uniforms: LandscapeUniforms;

// Which of a landscape's datasets this invocation evaluates (models that carry several, one per walker
// group: the polynomial model). Walker kernels set it to the walker's group (use_walker_group in
// posterior.wgsl); everywhere else it stays 0 (private variables start zeroed).
var<private> landscape_slot: u32;

// Landscape value i (parameter or datum).
fn lp(i: u32) -> f32 {
  return landscape_uniforms.values[i / 4u][i % 4u];
}

// Landscape values 4i .. 4i + 3 in one read (datasets laid out on 4-value boundaries).
fn lp4(i: u32) -> vec4<f32> {
  return landscape_uniforms.values[i];
}
