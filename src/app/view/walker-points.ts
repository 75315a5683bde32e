/**
 * The walkers, drawn straight from the engine's positions buffer: a StorageBufferAttribute whose
 * GPUBuffer the WalkerEngine writes (see three-buffer-adapter.ts). No per-frame readback. Two ways to
 * draw the same buffer: 1-pixel points (a point-list draw, the attribute as the vertex position; by far
 * the cheapest, ~10× faster than quads on SwiftShader) and camera-facing quads of a chosen pixel size
 * (instanced, reading the buffer as read-only storage by instance index). Each walker is lifted onto the
 * loss surface by sampling its height texture in the vertex stage; additive blending makes dense
 * regions glow.
 */
import { float, instanceIndex, select, storage, texture, uniform, vec2, vec3, vertexIndex } from 'three/tsl';
import {
  AdditiveBlending,
  BufferAttribute,
  BufferGeometry,
  Color,
  Group,
  type Object3D,
  Points,
  PointsNodeMaterial,
  Sphere,
  Sprite,
  StorageBufferAttribute,
  type Texture,
  Vector3,
} from 'three/webgpu';
import type { Window2D } from '../../gpu/grid-compute';
import { SURFACE_HEIGHT } from './surface-mesh';

/** Point sizes at or below this many pixels draw as 1-pixel points. */
export const PIXEL_POINTS_MAX_SIZE = 1;

export class WalkerPoints {
  /** Holds both drawables; only one is visible at a time. */
  readonly object: Object3D;
  readonly attribute: StorageBufferAttribute;
  private readonly points: Points;
  private readonly sprites: Sprite;
  private readonly pointsMaterial: PointsNodeMaterial;
  private readonly spriteMaterial: PointsNodeMaterial;
  private readonly pointsGeometry: BufferGeometry;
  private readonly quadGeometry: BufferGeometry;
  private readonly center = uniform(vec3(0, 0, 0));
  private readonly invHalf = uniform(1);
  private readonly size = uniform(2);
  private readonly lift = uniform(0.006);
  private visible = true;
  private sizePx = 1;
  /** Device pixels per screen pixel of a capture drawn above the screen's resolution (1 on screen). */
  private pixelScale = 1;

  /**
   * @param walkers walker count
   * @param heights the surface's normalised heights (res × res, row = w2 index), sampled per walker
   * @param res vertices per side of that grid
   */
  constructor(
    readonly walkers: number,
    heights: Texture,
    res: number,
  ) {
    this.attribute = new StorageBufferAttribute(new Float32Array(2 * walkers), 2);
    this.attribute.name = 'walker-positions';
    // The attribute lives in the points geometry: disposing it frees the GPUBuffer through three's
    // geometry manager, its one owner. The bounding sphere is set by hand (the data lives on the GPU).
    const pg = new BufferGeometry();
    pg.setAttribute('position', this.attribute);
    pg.boundingSphere = new Sphere(new Vector3(), 1e6);
    this.pointsGeometry = pg;
    // Sprites need their own quad geometry (Sprite's default one is shared by every sprite).
    const qg = new BufferGeometry();
    qg.setIndex([0, 1, 2, 0, 2, 3]);
    qg.setAttribute(
      'position',
      new BufferAttribute(new Float32Array([-0.5, -0.5, 0, 0.5, -0.5, 0, 0.5, 0.5, 0, -0.5, 0.5, 0]), 3),
    );
    qg.setAttribute('uv', new BufferAttribute(new Float32Array([0, 0, 1, 0, 1, 1, 0, 1]), 2));
    qg.boundingSphere = new Sphere(new Vector3(), 1e6);
    this.quadGeometry = qg;

    const positions = storage(this.attribute, 'vec2', walkers).toReadOnly();
    const place = (w: ReturnType<typeof positions.element>) => {
      const x = w.x.sub(this.center.x).mul(this.invHalf);
      const z = w.y.sub(this.center.y).mul(this.invHalf).negate();
      const inside = x.abs().lessThanEqual(1).and(z.abs().lessThanEqual(1));
      // Vertex (i, j) of the height grid sits at texel centre ((i + ½)/res, (j + ½)/res).
      const toTexel = (t: typeof x) => t.mul((res - 1) / res).add(0.5 / res);
      const uv = vec2(toTexel(x.add(1).mul(0.5)), toTexel(z.oneMinus().mul(0.5)));
      const h = texture(heights, uv).level(float(0)).x.mul(SURFACE_HEIGHT);
      // Walkers outside the window go far behind every camera, i.e. are clipped.
      return vec3(x, select(inside, h.add(this.lift), float(1e6)), z);
    };
    const material = () => {
      const m = new PointsNodeMaterial({
        transparent: true,
        depthWrite: false,
        blending: AdditiveBlending,
        sizeAttenuation: false,
      });
      m.color = new Color(1.0, 0.45, 0.18);
      return m;
    };
    this.pointsMaterial = material();
    this.pointsMaterial.positionNode = place(positions.element(vertexIndex));
    this.pointsMaterial.opacity = 0.45;
    this.spriteMaterial = material();
    this.spriteMaterial.positionNode = place(positions.element(instanceIndex));
    this.spriteMaterial.sizeNode = this.size;
    this.spriteMaterial.opacity = 0.3;

    this.points = new Points(pg, this.pointsMaterial);
    this.sprites = new Sprite(this.spriteMaterial);
    this.sprites.geometry = qg;
    this.sprites.count = walkers;
    this.object = new Group();
    this.object.name = 'walkers';
    for (const o of [this.points, this.sprites]) {
      o.frustumCulled = false;
      o.renderOrder = 2;
      this.object.add(o);
    }
    this.update();
  }

  setWindow(win: Window2D): void {
    this.center.value.set((win.lo[0] + win.hi[0]) / 2, (win.lo[1] + win.hi[1]) / 2, 0);
    this.invHalf.value = 2 / (win.hi[0] - win.lo[0]);
  }

  set pointSize(px: number) {
    if (px === this.sizePx) return;
    this.sizePx = px;
    this.update();
  }

  /**
   * Captures at k× the screen's resolution: 1-pixel points would shrink to 1/k² of their on-screen
   * area, so above 1.5× they draw as quads one screen pixel wide (k device pixels), at the points'
   * opacity. Quads (size > 1 px) scale with the pixel ratio by themselves.
   */
  setPixelScale(k: number): void {
    this.pixelScale = k;
    this.update();
  }

  /** Walkers the points draw (all of them, or none while hidden): tests count them here, not in pixels. */
  get drawn(): number {
    if (!this.visible) return 0;
    const shown = this.points.visible ? this.points : this.sprites;
    const range = shown === this.points ? this.pointsGeometry.drawRange.count : this.sprites.count;
    return Math.min(this.walkers, range, this.attribute.count);
  }

  setVisible(on: boolean): void {
    this.visible = on;
    this.update();
  }

  private update(): void {
    const small = this.sizePx <= PIXEL_POINTS_MAX_SIZE;
    const pixels = small && this.pixelScale < 1.5;
    this.points.visible = this.visible && pixels;
    this.sprites.visible = this.visible && !pixels;
    this.size.value = small ? 1 : this.sizePx;
    this.spriteMaterial.opacity = small ? this.pointsMaterial.opacity : 0.3;
  }

  /** Frees three's GPU buffer for the attribute: destroy the engine that writes it first. */
  dispose(): void {
    this.pointsMaterial.dispose();
    this.spriteMaterial.dispose();
    this.quadGeometry.dispose();
    this.pointsGeometry.dispose();
  }
}
