// Test kernel: raw Philox words for counters (i, step, block, stream), to compare with the TS twin.
// Needs rng.wgsl.

struct StreamParams {
  count: u32,
  step: u32,
  block: u32,
  stream: u32,
  key: vec2<u32>,
}

@group(0) @binding(0) var<uniform> sp: StreamParams;
@group(0) @binding(1) var<storage, read_write> words: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read_write> normals: array<vec4<f32>>;

@compute @workgroup_size(64)
fn philox_stream(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= sp.count) { return; }
  let r = philox4x32_10(vec4<u32>(i, sp.step, sp.block, sp.stream), sp.key);
  words[i] = r;
  normals[i] = vec4<f32>(box_muller(r.x, r.y), box_muller(r.z, r.w));
}
