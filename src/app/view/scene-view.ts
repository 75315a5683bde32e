/**
 * The 3-D stage: one WebGPURenderer on the app's GPUDevice (shared with the engine), an orbit camera
 * and a top-down orthographic camera, the loss surface and the walkers, and a frame around the window.
 */
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import {
  BufferGeometry,
  ClampToEdgeWrapping,
  Color,
  DataTexture,
  DataUtils,
  Float32BufferAttribute,
  HalfFloatType,
  LinearFilter,
  LineBasicNodeMaterial,
  LineSegments,
  OrthographicCamera,
  PerspectiveCamera,
  RedFormat,
  Scene,
  Vector3,
  WebGPURenderer,
} from 'three/webgpu';
import type { Window2D } from '../../gpu/grid-compute';
import { renderPixelRatio } from '../frame-budget';
import type { ColormapName } from './colormap';
import { lossRange, SurfaceColorbar } from './surface-colorbar';
import { SURFACE_HEIGHT, SurfaceMesh } from './surface-mesh';
import { WalkerPoints } from './walker-points';

export type CameraMode = 'orbit' | 'top';

/** Vertices per side of the loss surface (and texels per side of its height texture). */
export const SURFACE_RES = 192;

export const BACKGROUND = 0x0d0f14;

/** Distance of the orbit camera from its target on a wide stage. */
const BASE_DISTANCE = 4.1;
/** Where the orbit camera looks at first. */
const ORBIT_TARGET = new Vector3(0, 0.1, 0);

export class SceneView {
  readonly renderer: WebGPURenderer;
  readonly scene = new Scene();
  readonly perspective = new PerspectiveCamera(40, 1, 0.01, 100);
  readonly top = new OrthographicCamera(-1.15, 1.15, 1.15, -1.15, 0.01, 100);
  private controls: OrbitControls;
  private mode: CameraMode = 'orbit';
  surface: SurfaceMesh | null = null;
  walkers: WalkerPoints | null = null;
  private readonly frame: LineSegments;
  /** The surface's normalised heights, sampled by the walkers' vertex stage to sit on the surface. */
  readonly heights: DataTexture;
  private disposed = false;
  /** Axis names and tick values over the stage (HTML, so captures draw them as text). */
  private readonly labels: HTMLElement;
  /** The surface's colour bar (a 2-D canvas in the stage, so captures copy it). */
  readonly colorbar: SurfaceColorbar;
  private readonly anchors: { el: HTMLElement; at: Vector3 }[] = [];
  private labelKey = '';
  /** The narrow-stage fit factor the camera distance was last set for (0: never). */
  private fit = 0;
  /**
   * The on-screen render scale (frame-budget.ts): below 1 on a software adapter, whose per-pixel cost
   * of drawing and presenting dominates a frame. Captures set their own pixel ratio.
   */
  renderScale = 1;
  /** The screen's pixel ratio (capped at 2) the render scale is relative to. */
  screenRatio = 1;

  private constructor(
    readonly canvas: HTMLCanvasElement,
    renderer: WebGPURenderer,
    /** Draw at a capped resolution (a software adapter; benchmarks turn it off to compare). */
    public capResolution: boolean,
  ) {
    this.renderer = renderer;
    this.scene.background = new Color(BACKGROUND);
    this.perspective.position.set(2.35, 2.05, 2.75);
    this.perspective.lookAt(0, 0.1, 0);
    this.top.position.set(0, 5, 0);
    this.top.up.set(0, 0, -1);
    this.top.lookAt(0, 0, 0);
    this.controls = new OrbitControls(this.perspective, canvas);
    this.controls.target.set(0, 0.1, 0);
    this.controls.enableDamping = false;
    keepAbove(this.controls);
    this.controls.update();
    // The window's outline and axis ticks at the floor: w1 along x, w2 along −z.
    const g = new BufferGeometry();
    const p: number[] = [];
    const box = [-1, -1, 1, -1, 1, -1, 1, 1, 1, 1, -1, 1, -1, 1, -1, -1];
    for (let i = 0; i < box.length; i += 4) p.push(box[i], 0, box[i + 1], box[i + 2], 0, box[i + 3]);
    p.push(-1, 0, 0, 1, 0, 0, 0, 0, -1, 0, 0, 1);
    // The L axis: a post at the back-left corner, up to the surface's full height.
    p.push(-1, 0, -1, -1, SURFACE_HEIGHT, -1);
    g.setAttribute('position', new Float32BufferAttribute(p, 3));
    this.frame = new LineSegments(
      g,
      new LineBasicNodeMaterial({ color: 0x3a4257, transparent: true, opacity: 0.8 }),
    );
    this.scene.add(this.frame);
    this.heights = new DataTexture(
      new Uint16Array(SURFACE_RES * SURFACE_RES),
      SURFACE_RES,
      SURFACE_RES,
      RedFormat,
      HalfFloatType,
    );
    this.heights.minFilter = LinearFilter;
    this.heights.magFilter = LinearFilter;
    this.heights.wrapS = ClampToEdgeWrapping;
    this.heights.wrapT = ClampToEdgeWrapping;
    this.heights.generateMipmaps = false;
    this.heights.needsUpdate = true;
    this.labels = document.createElement('div');
    this.labels.id = 'axis-labels';
    this.labels.setAttribute('aria-hidden', 'true');
    canvas.parentElement?.append(this.labels);
    this.colorbar = new SurfaceColorbar(canvas.parentElement ?? document.body);
  }

  /** The colour bar for a surface built from these losses (the same range normaliseHeights maps). */
  setColorbar(loss: Float32Array, log: boolean, colormap: ColormapName): void {
    const r = lossRange(loss);
    this.colorbar.set(r && { ...r, log }, colormap);
  }

  /**
   * Ticks and names of the floor's axes: the first parameter along x (front edge), the second along
   * depth (right edge, increasing away from the viewer), and L up a corner post. `names`: the two
   * parameters' labels (w₁, w₂, or a slice's own pair).
   */
  setAxes(win: Window2D, names: readonly [string, string], log: boolean): void {
    const key = JSON.stringify([win, names, log]);
    if (key === this.labelKey) return;
    this.labelKey = key;
    this.labels.replaceChildren();
    this.anchors.length = 0;
    const add = (text: string, at: Vector3, cls: string) => {
      const el = document.createElement('span');
      el.className = cls;
      el.textContent = text;
      this.labels.append(el);
      this.anchors.push({ el, at });
    };
    const tick = (x: number) => String(Number(x.toPrecision(3)));
    for (const t of [-1, 0, 1]) {
      const w1 = win.lo[0] + ((t + 1) / 2) * (win.hi[0] - win.lo[0]);
      const w2 = win.lo[1] + ((t + 1) / 2) * (win.hi[1] - win.lo[1]);
      add(tick(w1), new Vector3(t, 0, 1.12), 'tick');
      add(tick(w2), new Vector3(1.14, 0, -t), 'tick');
    }
    add(names[0], new Vector3(0.5, 0, 1.3), 'axis');
    add(names[1], new Vector3(1.34, 0, -0.5), 'axis');
    add(log ? 'log L' : 'L', new Vector3(-1.06, SURFACE_HEIGHT * 1.05, -1.06), 'axis');
    this.placeLabels();
  }

  /** Puts each label at its anchor's screen position (hidden behind the camera). */
  private placeLabels(): void {
    const w = this.canvas.clientWidth;
    const h = this.canvas.clientHeight;
    const cam = this.camera;
    cam.updateMatrixWorld();
    const v = new Vector3();
    for (const { el, at } of this.anchors) {
      v.copy(at).project(cam);
      const off = v.z > 1 || v.z < -1;
      el.hidden = off;
      if (!off)
        el.style.transform = `translate(${((v.x + 1) / 2) * w}px, ${((1 - v.y) / 2) * h}px) translate(-50%, -50%)`;
    }
  }

  /** Sets the surface (normalised heights, row = w2 index) and the walkers' height texture. */
  setHeights(hnorm: Float32Array, colormap: ColormapName): void {
    this.ensureSurface(SURFACE_RES).setHeights(hnorm, colormap);
    const data = this.heights.image.data as Uint16Array;
    for (let i = 0; i < data.length; i++) data[i] = DataUtils.toHalfFloat(hnorm[i]);
    this.heights.needsUpdate = true;
  }

  /** `software`: a software adapter, drawn at a capped resolution (see renderScale). */
  static async create(canvas: HTMLCanvasElement, device: GPUDevice, software = false): Promise<SceneView> {
    // alpha: the scene paints an opaque background; captures clear it for transparent screenshots.
    const renderer = new WebGPURenderer({ canvas, device, antialias: false, alpha: true });
    await renderer.init();
    const view = new SceneView(canvas, renderer, software);
    view.resize();
    return view;
  }

  get camera(): PerspectiveCamera | OrthographicCamera {
    return this.mode === 'top' ? this.top : this.perspective;
  }

  setCameraMode(mode: CameraMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    this.controls.dispose();
    this.controls = new OrbitControls(this.camera, this.canvas);
    this.controls.enableRotate = mode === 'orbit';
    this.controls.screenSpacePanning = true;
    keepAbove(this.controls);
    this.controls.target.set(0, mode === 'top' ? 0 : 0.1, 0);
    this.controls.update();
  }

  /** Replaces the surface (a new resolution) or creates it. */
  ensureSurface(res: number): SurfaceMesh {
    if (this.surface && this.surface.res === res) return this.surface;
    if (this.surface) {
      this.scene.remove(this.surface.mesh);
      this.surface.dispose();
    }
    this.surface = new SurfaceMesh(res);
    this.scene.add(this.surface.mesh);
    return this.surface;
  }

  /** New walker points for a walker count; the old ones' GPU buffer is freed (its engine must be gone). */
  replaceWalkers(count: number): WalkerPoints {
    this.removeWalkers();
    this.walkers = new WalkerPoints(count, this.heights, SURFACE_RES);
    this.scene.add(this.walkers.object);
    return this.walkers;
  }

  removeWalkers(): void {
    if (!this.walkers) return;
    this.scene.remove(this.walkers.object);
    this.walkers.dispose();
    this.walkers = null;
  }

  setWindow(win: Window2D): void {
    this.walkers?.setWindow(win);
  }

  setVisible(parts: { surface: boolean; points: boolean }): void {
    if (this.surface) this.surface.mesh.visible = parts.surface;
    this.walkers?.setVisible(parts.points);
  }

  resize(): void {
    const parent = this.canvas.parentElement;
    const w = Math.max(1, parent?.clientWidth ?? this.canvas.clientWidth);
    const h = Math.max(1, parent?.clientHeight ?? this.canvas.clientHeight);
    const { ratio, scale } = renderPixelRatio(w, h, window.devicePixelRatio || 1, this.capResolution);
    this.renderScale = scale;
    this.screenRatio = ratio / scale;
    this.renderer.setPixelRatio(ratio);
    this.renderer.setSize(w, h, true);
    const aspect = w / h;
    // Keep the whole window in view on narrow stages: back the orbit camera off along its current ray.
    // After the first fit, by the change of fit only: a resize (or a capture's layout) keeps the zoom.
    const fit = Math.max(1, 1.25 / aspect);
    const target = this.mode === 'orbit' ? this.controls.target : ORBIT_TARGET;
    const ray = this.perspective.position.clone().sub(target);
    ray.setLength(this.fit === 0 ? BASE_DISTANCE * fit : (ray.length() * fit) / this.fit);
    this.fit = fit;
    this.perspective.position.copy(target).add(ray);
    this.perspective.aspect = aspect;
    this.perspective.updateProjectionMatrix();
    const s = 1.15;
    this.top.left = -s * Math.max(1, aspect);
    this.top.right = s * Math.max(1, aspect);
    this.top.top = s * Math.max(1, 1 / aspect);
    this.top.bottom = -s * Math.max(1, 1 / aspect);
    this.top.updateProjectionMatrix();
  }

  render(): void {
    this.renderer.render(this.scene, this.camera);
    this.placeLabels();
  }

  /** Frees everything three owns. Safe to call twice, and on a lost device. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.controls.dispose();
    this.removeWalkers();
    if (this.surface) this.surface.dispose();
    this.frame.geometry.dispose();
    this.labels.remove();
    this.colorbar.destroy();
    this.heights.dispose();
    try {
      this.renderer.dispose();
    } catch {
      // A lost device can make three's teardown throw; the objects are unreachable either way.
    }
  }
}

/**
 * The orbit camera stays above the floor of the window (it went under the surface, where the view is
 * of the surface's underside and the walkers vanish), and within a sane distance.
 */
function keepAbove(c: OrbitControls): void {
  c.maxPolarAngle = Math.PI / 2 - 0.06;
  c.minDistance = 0.4;
  c.maxDistance = 20;
}

export { SURFACE_HEIGHT };
