/**
 * The loss surface: a res × res height field whose heights come from the landscape's own WGSL (see
 * grid-compute.ts), coloured by a perceptually uniform map, with contour lines drawn in the fragment
 * stage from a per-vertex normalised height. World frame: x = w1, −z = w2 (window mapped to [−1, 1]),
 * y = height in [0, HEIGHT].
 */
import {
  attribute,
  float,
  fract,
  fwidth,
  min,
  mix,
  normalWorld,
  smoothstep,
  uniform,
  vertexColor,
} from 'three/tsl';
import { BufferAttribute, BufferGeometry, DoubleSide, Mesh, MeshBasicNodeMaterial } from 'three/webgpu';
import { type ColormapName, colormapAt } from './colormap';

export const SURFACE_HEIGHT = 0.6;
const CONTOUR_LEVELS = 14;

export interface HeightScale {
  readonly log: boolean;
}

/** Maps losses to [0, 1]: linear from the grid minimum, or log₁₀ over 6 decades below the range. */
export function normaliseHeights(loss: Float32Array, scale: HeightScale): Float32Array {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of loss) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const out = new Float32Array(loss.length);
  const span = hi - lo;
  if (!(span > 0)) return out;
  const floor = span * 1e-6;
  const logLo = Math.log10(floor);
  const logSpan = Math.log10(span + floor) - logLo;
  for (let i = 0; i < loss.length; i++) {
    const v = Number.isFinite(loss[i]) ? loss[i] - lo : span;
    out[i] = scale.log ? (Math.log10(v + floor) - logLo) / logSpan : v / span;
  }
  return out;
}

export class SurfaceMesh {
  readonly mesh: Mesh;
  private readonly geometry: BufferGeometry;
  private readonly material: MeshBasicNodeMaterial;
  private readonly contourStrength = uniform(1);

  constructor(readonly res: number) {
    const g = new BufferGeometry();
    const n = res * res;
    const pos = new Float32Array(3 * n);
    for (let j = 0; j < res; j++) {
      for (let i = 0; i < res; i++) {
        const k = j * res + i;
        pos[3 * k] = -1 + (2 * i) / (res - 1);
        pos[3 * k + 1] = 0;
        pos[3 * k + 2] = 1 - (2 * j) / (res - 1);
      }
    }
    const index = new Uint32Array(6 * (res - 1) * (res - 1));
    let t = 0;
    for (let j = 0; j + 1 < res; j++) {
      for (let i = 0; i + 1 < res; i++) {
        const a = j * res + i;
        const b = a + 1;
        const c = a + res;
        const d = c + 1;
        index.set([a, c, b, b, c, d], t);
        t += 6;
      }
    }
    g.setIndex(new BufferAttribute(index, 1));
    g.setAttribute('position', new BufferAttribute(pos, 3));
    g.setAttribute('color', new BufferAttribute(new Float32Array(3 * n), 3));
    g.setAttribute('hnorm', new BufferAttribute(new Float32Array(n), 1));
    g.setAttribute('normal', new BufferAttribute(new Float32Array(3 * n), 3));
    this.geometry = g;

    const m = new MeshBasicNodeMaterial({ side: DoubleSide });
    const h = attribute('hnorm', 'float').mul(CONTOUR_LEVELS);
    const f = fract(h);
    const dist = min(f, f.oneMinus()).div(fwidth(h).max(1e-5));
    const line = smoothstep(float(0.0), float(1.2), dist);
    const shade = normalWorld.y.abs().mul(0.45).add(0.55);
    // No line at level 0: that is the zero set itself (the crossing's two axes), and a dark line
    // there hid the very point a preset is about. Lines start at the first level above it.
    const aboveZero = smoothstep(float(0.5), float(0.9), h);
    const contour = mix(float(1), mix(float(0.55), float(1), line), this.contourStrength.mul(aboveZero));
    m.colorNode = vertexColor().mul(shade).mul(contour);
    this.material = m;
    this.mesh = new Mesh(g, m);
    this.mesh.name = 'loss-surface';
  }

  /** Sets heights (normalised to [0, 1], row-major, row = w2 index) and colours. */
  setHeights(hnorm: Float32Array, colormap: ColormapName): void {
    const res = this.res;
    const pos = this.geometry.getAttribute('position') as BufferAttribute;
    const col = this.geometry.getAttribute('color') as BufferAttribute;
    const hn = this.geometry.getAttribute('hnorm') as BufferAttribute;
    for (let k = 0; k < res * res; k++) {
      const v = hnorm[k];
      pos.setY(k, SURFACE_HEIGHT * v);
      const [r, g, b] = colormapAt(colormap, v);
      // three treats vertex colours as linear: convert the sRGB map so it displays as designed.
      col.setXYZ(k, srgbToLinear(r), srgbToLinear(g), srgbToLinear(b));
      hn.setX(k, v);
    }
    pos.needsUpdate = true;
    col.needsUpdate = true;
    hn.needsUpdate = true;
    this.geometry.computeVertexNormals();
    this.geometry.computeBoundingSphere();
  }

  set contours(on: boolean) {
    this.contourStrength.value = on ? 1 : 0;
  }

  dispose(): void {
    this.geometry.dispose();
    this.material.dispose();
  }
}

export function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}
