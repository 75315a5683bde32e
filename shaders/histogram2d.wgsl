// A 2-D histogram of walker positions over a window, by global atomics. Walkers outside the window
// are not counted (the host knows N, so the outside mass is N − Σ counts). Reads the walker buffer
// in place (walker-major, stride D; the first two coordinates are binned): no readback of positions.
// Needs the assembler's header (const D: u32).

struct HistParams {
  walkers: u32,
  bins: u32,           // bins per side; counts has bins² entries, row = w2 bin, column = w1 bin
  stride: u32,         // total threads dispatched (grid-stride loop)
  _pad0: u32,
  lo: vec2<f32>,
  hi: vec2<f32>,
}

@group(0) @binding(0) var<uniform> hp: HistParams;
@group(0) @binding(1) var<storage, read> positions: array<f32>;
@group(0) @binding(2) var<storage, read_write> counts: array<atomic<u32>>;

@compute @workgroup_size(256)
fn histogram2d(@builtin(global_invocation_id) gid: vec3<u32>) {
  let scale = f32(hp.bins) / (hp.hi - hp.lo);
  for (var i = gid.x; i < hp.walkers; i += hp.stride) {
    let p = vec2<f32>(positions[i * D], positions[i * D + 1u]);
    let t = (p - hp.lo) * scale;
    // NaN compares false, so non-finite walkers fall out here too.
    if (t.x >= 0.0 && t.y >= 0.0 && t.x < f32(hp.bins) && t.y < f32(hp.bins)) {
      let c = vec2<u32>(t);
      atomicAdd(&counts[c.y * hp.bins + c.x], 1u);
    }
  }
}
