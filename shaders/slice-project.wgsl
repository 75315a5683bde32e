// Projects each walker onto two chosen parameter axes: out[2i], out[2i + 1] = w_i[ax], w_i[ay]. This is
// how a d > 2 walker cloud is drawn in the coordinates of the surface slice (the renderer and the 2-D
// histogram read the projected pairs). Needs the assembler's header (const D: u32).

struct ProjectParams {
  walkers: u32,
  ax: u32,
  ay: u32,
  _pad0: u32,
}

@group(0) @binding(0) var<uniform> pp: ProjectParams;
@group(0) @binding(1) var<storage, read> positions: array<f32>;
@group(0) @binding(2) var<storage, read_write> projected: array<f32>;

@compute @workgroup_size(64)
fn project_axes(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= pp.walkers) { return; }
  projected[2u * i] = positions[i * D + min(pp.ax, D - 1u)];
  projected[2u * i + 1u] = positions[i * D + min(pp.ay, D - 1u)];
}
