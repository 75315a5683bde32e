/**
 * The lil-gui panel, derived from the schema: each field's control type (slider, log slider, number
 * box, checkbox, dropdown) follows from its declaration; folders only group keys. The GUI never owns
 * state: every control reads and writes through the host, which validates and marks the scene dirty.
 */
import GUI, { type Controller } from 'lil-gui';
import { findLandscape, landscapes } from '../../core/landscapes/landscapes';
import { derive } from '../../scene/derive';
import { resolveSceneLandscape } from '../../scene/landscape';
import { presets } from '../../scene/presets';
import { FOLDERS, type Folder, type Key, keys, type SceneState, schema } from '../../scene/schema';
import { landscapeTitle } from './landscape-choice';
import { addTextField, LandscapePanel, type TextField } from './landscape-panel';
import { boxText, readTyped } from './number-text';

export interface GuiHost {
  readonly state: SceneState;
  set(key: Key, value: unknown): void;
  applyPreset(id: string): void;
  reset(): void;
  singleStep(): void;
  exportJson(): void;
  importJson(): void;
  copyLink(): void;
  /** The preset the scene came from, if it still matches one. */
  presetId(): string | undefined;
  /** The walker count in use (after "auto" and device caps). */
  walkersInUse(): number;
  /** Whether the last value given for `key` was rejected (its error notice is showing). */
  rejected(key: Key): boolean;
}

/** The keys of each folder, in schema order (a field without a folder has a panel of its own). */
const folderKeys = (folder: Folder): Key[] => keys.filter((k) => schema[k].folder === folder);

/** The function-space and SGD-vs-Bayes settings: shown while their folder's mode switch is on. */
const FUNCTION_SPACE_KEYS = folderKeys('Function space').filter((k) => k !== 'fspace');
const SGD_KEYS = folderKeys('SGD vs Bayes').filter((k) => k !== 'sgd');

/** Shows `value()` in a number controller's box instead of the controller's own (e.g. log₁₀) value. */
function showValueInBox(c: Controller, value: () => number): void {
  const input = c.domElement.querySelector('input');
  if (!input) return;
  const own = c.updateDisplay.bind(c);
  c.updateDisplay = () => {
    own();
    if (document.activeElement !== input) input.value = boxText(value());
    return c;
  };
  c.updateDisplay();
}

/**
 * The number box takes what is typed as the field's value, checked by the schema on Enter or when the
 * box loses focus: lil-gui's own handler would apply every keystroke and clamp silently to the slider's
 * range (typing 100000 went through 1, 10, 100, …; 999999999 walkers became the maximum unannounced).
 * Rejected text gets the schema's message (as the URL path does) and a red box until the next edit.
 */
function typedNumbers(c: Controller, key: Key, host: GuiHost): void {
  const input = c.domElement.querySelector('input');
  if (!input) return;
  const el = c.domElement;
  const mine = (e: Event) => e.target === input;
  // Capture phase at the controller: lil-gui's listeners on the input itself never see these.
  for (const type of ['input', 'wheel', 'mousedown'] as const) {
    el.addEventListener(
      type,
      (e) => {
        if (!mine(e)) return;
        e.stopPropagation();
        if (type === 'input') el.classList.remove('rejected');
      },
      true,
    );
  }
  let committed = '';
  const commit = () => {
    if (input.value === committed) return;
    committed = input.value;
    const before = host.state[key];
    host.set(key, readTyped(input.value));
    el.classList.toggle('rejected', host.state[key] === before && host.rejected(key));
  };
  input.addEventListener('focus', () => {
    committed = input.value;
  });
  el.addEventListener(
    'keydown',
    (e) => {
      if (!mine(e)) return;
      const k = (e as KeyboardEvent).key;
      // Enter commits, then lil-gui blurs the box. Arrow keys would step the box's text by the
      // slider's step (log₁₀ units on a log slider): not passed on.
      if (k === 'Enter') commit();
      else e.stopPropagation();
    },
    true,
  );
  input.addEventListener('change', commit);
}

const fmtNum = (x: number): string =>
  x >= 1e4 || x < 1e-2 ? x.toExponential(2) : String(Number(x.toPrecision(4)));

export class ControlPanel {
  readonly gui: GUI;
  private readonly controllers = new Map<Key, Controller>();
  private readonly proxy: Record<string, unknown> = {};
  private readonly presetModel = { preset: '' };
  private landscapePanel: LandscapePanel | null = null;
  /** Text fields in the folders: re-synced with the state (they keep rejected text on screen). */
  private readonly textFields: TextField[] = [];
  private fsActions: Controller[] = [];
  /** Folders about the walkers: hidden while the function-space mode has the stage. */
  private readonly walkerFolders: GUI[] = [];

  constructor(
    container: HTMLElement,
    private readonly host: GuiHost,
  ) {
    this.gui = new GUI({ container, title: 'Controls', width: 299 });
    const presetFolder = this.gui.addFolder('Presets');
    const presetOptions: Record<string, string> = { '— choose a scene —': '' };
    for (const p of presets) presetOptions[p.title] = p.id;
    presetFolder
      .add(this.presetModel, 'preset', presetOptions)
      .name('scene')
      .onChange((id: string) => {
        if (id) host.applyPreset(id);
      })
      .domElement.classList.add('preset-choice');

    for (const [title, spec] of Object.entries(FOLDERS) as [
      Folder,
      { walkers?: boolean; closed?: boolean },
    ][]) {
      const folder = this.gui.addFolder(title);
      for (const key of folderKeys(title)) this.addField(folder, key);
      if (spec.walkers) this.walkerFolders.push(folder);
      if (title === 'Landscape') this.landscapePanel = new LandscapePanel(folder, host);
      if (title === 'Run') {
        const actions = {
          step: () => host.singleStep(),
          reset: () => host.reset(),
        };
        folder.add(actions, 'step').name('single step');
        folder.add(actions, 'reset').name('reset walkers');
      }
      if (title === 'Function space') {
        const actions = {
          run: () => host.set('running', !host.state.running),
          reset: () => host.reset(),
        };
        this.fsActions = [
          folder.add(actions, 'run').name('run / pause'),
          folder.add(actions, 'reset').name('reset: start again at network 0'),
        ];
      }
      if (spec.closed) folder.close();
    }
    const file = this.gui.addFolder('Share');
    const fileActions = {
      link: () => host.copyLink(),
      exportJson: () => host.exportJson(),
      importJson: () => host.importJson(),
    };
    file.add(fileActions, 'link').name('copy link');
    file.add(fileActions, 'exportJson').name('export JSON');
    file.add(fileActions, 'importJson').name('import JSON…');
    file.close();
    this.refresh();
  }

  private addField(folder: GUI, key: Key): void {
    const f = schema[key];
    const host = this.host;
    const log = f.kind === 'number' ? f.logSlider : undefined;
    let c: Controller;
    if (f.kind === 'text') {
      const field = addTextField(folder, key, host);
      this.textFields.push(field);
      c = field.controller;
    } else if (log) {
      const prop = `log10_${key}`;
      Object.defineProperty(this.proxy, prop, {
        get: () => Math.log10(host.state[key] as number),
        set: (v: number) => host.set(key, Number((10 ** v).toPrecision(6))),
        enumerable: true,
      });
      c = folder.add(this.proxy, prop, log[0], log[1], 0.01);
      // The slider moves in log₁₀ n; the number box shows and takes n itself (100000 means 10⁵).
      showValueInBox(c, () => this.shownValue(key));
      typedNumbers(c, key, host);
    } else {
      Object.defineProperty(this.proxy, key, {
        get: () => host.state[key],
        set: (v: unknown) => host.set(key, v),
        enumerable: true,
      });
      if (f.kind === 'enum') {
        const options: Record<string, string> = {};
        for (const o of f.options) options[key === 'landscape' ? landscapeTitle(o) : o] = o;
        c = folder.add(this.proxy, key, options);
      } else if (f.kind === 'bool') {
        c = folder.add(this.proxy, key);
      } else {
        const s = f.slider;
        c = s
          ? folder.add(this.proxy, key, s[0], s[1], s[2])
          : folder.add(this.proxy, key, f.min, f.max, f.integer ? 1 : undefined);
        // A derived value (β = 1/log n while auto) is shown in its greyed box, not the stale field.
        if (key === 'beta') showValueInBox(c, () => this.shownValue(key));
        typedNumbers(c, key, host);
      }
    }
    c.name(f.label);
    c.domElement.dataset.key = key;
    if (f.help) c.domElement.title = f.help;
    this.controllers.set(key, c);
  }

  /** What a number box shows: the field, or the value in use when an "auto" switch derives it. */
  private shownValue(key: Key): number {
    const s = this.host.state;
    if ((key === 'beta' && s.betaAuto) || (key === 'eps' && s.epsAuto)) {
      const d = derive(s);
      return key === 'beta' ? d.beta : d.eps;
    }
    return s[key] as number;
  }

  /** Re-reads every control from the state, relabels derived values, shows only relevant fields. */
  refresh(): void {
    const s = this.host.state;
    this.presetModel.preset = this.host.presetId() ?? '';
    for (const c of this.gui.controllersRecursive()) c.updateDisplay();
    // a and b are the built-in landscapes' exponents (a formula's constants have their own sliders).
    const landscape = findLandscape(s.landscape) ?? landscapes[0];
    const paramNames = new Set(findLandscape(s.landscape) ? landscape.params.map((p) => p.name) : []);
    const dim = resolveSceneLandscape(s).landscape.dim;
    this.controllers.get('wx')?.show(dim === 2);
    this.controllers.get('wy')?.show(dim === 2);
    this.controllers.get('a')?.show(paramNames.has('a'));
    this.controllers.get('b')?.show(paramNames.has('b'));
    this.controllers.get('beta')?.disable(s.betaAuto);
    this.controllers.get('eps')?.disable(s.epsAuto);
    this.controllers.get('n')?.name(`n = ${fmtNum(s.n)} (log slider)`);
    this.controllers.get('eps')?.name(s.epsAuto ? 'step ε (auto)' : `step ε = ${fmtNum(s.eps)}`);
    this.controllers
      .get('walkers')
      ?.name(`walkers (0 = auto; now ${this.host.walkersInUse().toLocaleString()})`);
    this.controllers.get('point')?.show(landscape.singularPoints.length > 1);
    this.landscapePanel?.refresh(s);
    for (const t of this.textFields) t.sync();
    // A rejected box stays red until its field takes a valid value (or a new scene replaces it).
    for (const [key, c] of this.controllers)
      if (!this.host.rejected(key)) c.domElement.classList.remove('rejected');
    for (const k of FUNCTION_SPACE_KEYS) this.controllers.get(k)?.show(s.fspace);
    for (const c of this.fsActions) c.show(s.fspace);
    for (const k of SGD_KEYS) this.controllers.get(k)?.show(s.sgd);
    for (const k of ['polyGd', 'polyGdScale', 'polyGdLr', 'polyGdRuns'] as const)
      this.controllers.get(k)?.show(s.landscape === 'poly' && (k === 'polyGd' || s.polyGd));
    for (const f of this.walkerFolders) f.show(!s.fspace && !s.sgd);
  }

  destroy(): void {
    this.gui.destroy();
  }
}
