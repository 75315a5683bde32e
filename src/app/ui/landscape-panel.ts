/**
 * The Landscape folder's app-built landscapes: a formula text box (with the parser's reason and a caret
 * under the position when it fails), one slider per named constant (each a uniform write, never a
 * recompile), the polynomial model and the tiny network settings, and the two slice axes for d > 2.
 * Like the rest of the GUI it owns no state: every control reads the host's state and writes through
 * `host.set`, which validates against the schema (a rejected formula never enters the state, so the
 * previous landscape keeps running).
 */
import type GUI from 'lil-gui';
import type { Controller } from 'lil-gui';
import { resolveSceneLandscape } from '../../scene/landscape';
import { type Key, type SceneState, schema } from '../../scene/schema';
import { formulaProblem, withConstant } from '../../scene/specs';

export interface LandscapePanelHost {
  readonly state: SceneState;
  set(key: Key, value: unknown): void;
}

/** A few formulas to start from (each parses; the first is the schema default). */
export const EXAMPLE_FORMULAS: Record<string, string> = {
  'w1²·w2⁴ (λ = 1/4)': 'w1^2 * w2^4',
  'min(w1², w2²)': 'min(w1^2, w2^2)',
  'ring (a − w1² − w2²)²': '(a - w1^2 - w2^2)^2',
  'tanh valley': 'tanh(w1 * w2)^2 + c * w1^4',
  '3-D cusp w1²w2² + w3⁴': 'w1^2 * w2^2 + w3^4',
};

/**
 * A text control that commits on Enter or blur (not per keystroke), and keeps what the user typed
 * while it is rejected, so the caret pointer refers to the text on screen.
 */
export function addTextField(folder: GUI, key: Key, host: LandscapePanelHost): TextField {
  return new TextField(folder, key, host);
}

export class TextField {
  readonly controller: Controller;
  private readonly model: Record<string, string>;
  /** Text the user typed that the state rejected (shown until the state changes or they retype). */
  private rejected: { text: string; stateWas: string } | null = null;

  constructor(
    folder: GUI,
    readonly key: Key,
    private readonly host: LandscapePanelHost,
    onCommit?: (text: string) => void,
  ) {
    this.model = { [key]: String(host.state[key]) };
    this.controller = folder.add(this.model, key).onFinishChange((v: string) => {
      const before = String(host.state[key]);
      host.set(key, v);
      const accepted = String(host.state[key]) === v;
      this.rejected = accepted ? null : { text: v, stateWas: before };
      onCommit?.(v);
      this.sync();
    });
    this.controller.name(schema[key].label);
    this.controller.domElement.dataset.key = key;
  }

  /** The text on screen: the state's, unless a rejected edit is pending against the same state. */
  get text(): string {
    return this.model[this.key];
  }

  sync(): void {
    const stateText = String(this.host.state[this.key]);
    if (this.rejected && this.rejected.stateWas !== stateText) this.rejected = null;
    const shown = this.rejected ? this.rejected.text : stateText;
    const input = this.controller.domElement.querySelector('input');
    if (this.model[this.key] !== shown && document.activeElement !== input) {
      this.model[this.key] = shown;
      this.controller.updateDisplay();
    }
  }
}

export class LandscapePanel {
  private readonly formulaFolder: GUI;
  private readonly constantsFolder: GUI;
  private readonly polyFolder: GUI;
  private readonly mlpFolder: GUI;
  private readonly rrrFolder: GUI;
  private readonly sliceFolder: GUI;
  private readonly formula: TextField;
  private readonly texts: TextField[] = [];
  private readonly errorBox: HTMLElement;
  private readonly sliceNote: HTMLElement;
  private readonly proxy: Record<string, unknown> = {};
  private readonly constants: Controller[] = [];
  private readonly axes: Controller[] = [];
  private constantNames = '';
  private readonly example = { example: '' };
  /** Distinct proxy property names (the same key may appear in two folders, e.g. σ). */
  private serial = 0;

  constructor(
    parent: GUI,
    private readonly host: LandscapePanelHost,
  ) {
    this.formulaFolder = parent.addFolder('Formula');
    this.formulaFolder.domElement.classList.add('formula-folder');
    this.formula = new TextField(this.formulaFolder, 'formula', host, (text) => this.showProblem(text));
    this.formula.controller.domElement.classList.add('formula-text');
    this.errorBox = document.createElement('div');
    this.errorBox.className = 'formula-error';
    this.errorBox.setAttribute('role', 'alert');
    this.errorBox.hidden = true;
    this.formulaFolder.$children.append(this.errorBox);
    const examples: Record<string, string> = { '— examples —': '' };
    for (const [title, text] of Object.entries(EXAMPLE_FORMULAS)) examples[title] = text;
    this.formulaFolder
      .add(this.example, 'example', examples)
      .name('start from')
      .onChange((text: string) => {
        if (text) host.set('formula', text);
        this.example.example = '';
      });
    this.number(this.formulaFolder, 'fdim', 0, 32, 1);
    this.constantsFolder = this.formulaFolder.addFolder('Constants (uniforms: no recompile)');

    this.polyFolder = parent.addFolder('Polynomial model');
    this.texts.push(
      new TextField(this.polyFolder, 'polyM', host),
      new TextField(this.polyFolder, 'polyData', host),
    );
    this.number(this.polyFolder, 'sigma', 0.05, 5, 0.01);

    this.mlpFolder = parent.addFolder('Tiny network');
    this.number(this.mlpFolder, 'mlpInputs', 1, 2, 1);
    this.number(this.mlpFolder, 'mlpTeacher', 1, 8, 1);
    this.number(this.mlpFolder, 'mlpWidth', 1, 8, 1);
    this.enumField(this.mlpFolder, 'mlpAct', ['tanh', 'relu', 'softplus']);
    this.number(this.mlpFolder, 'sharpness', 0.1, 50, 0.1);
    this.number(this.mlpFolder, 'sigma', 0.05, 5, 0.01);

    this.rrrFolder = parent.addFolder('Reduced-rank regression');
    this.texts.push(new TextField(this.rrrFolder, 'rrrSpec', host));
    this.number(this.rrrFolder, 'sigma', 0.05, 5, 0.01);

    this.sliceFolder = parent.addFolder('Slice (d > 2)');
    this.sliceNote = document.createElement('div');
    this.sliceNote.className = 'slice-note';
    this.sliceFolder.$children.prepend(this.sliceNote);
    this.axes.push(
      this.number(this.sliceFolder, 'axisX', 1, 32, 1),
      this.number(this.sliceFolder, 'axisY', 1, 32, 1),
    );
  }

  private number(folder: GUI, key: Key, min: number, max: number, step: number): Controller {
    const prop = `${++this.serial}/${key}`;
    Object.defineProperty(this.proxy, prop, {
      get: () => this.host.state[key],
      set: (v: unknown) => this.host.set(key, v),
      enumerable: true,
    });
    const c = folder.add(this.proxy, prop, min, max, step).name(schema[key].label);
    c.domElement.dataset.key = key;
    return c;
  }

  private enumField(folder: GUI, key: Key, options: readonly string[]): Controller {
    const prop = `${++this.serial}/${key}`;
    Object.defineProperty(this.proxy, prop, {
      get: () => this.host.state[key],
      set: (v: unknown) => this.host.set(key, v),
      enumerable: true,
    });
    const c = folder.add(this.proxy, prop, options as string[]).name(schema[key].label);
    c.domElement.dataset.key = key;
    return c;
  }

  /** Shows the parser's reason and a caret under the position, or hides the box. */
  private showProblem(text: string): void {
    const err = formulaProblem(text);
    this.errorBox.hidden = err === null;
    this.errorBox.replaceChildren();
    if (!err) return;
    const reason = document.createElement('div');
    reason.className = 'reason';
    reason.textContent = `${err.reason} (position ${err.position + 1}). Still running the previous landscape.`;
    const pointer = document.createElement('pre');
    pointer.className = 'pointer';
    pointer.textContent = err.pointer;
    this.errorBox.append(reason, pointer);
  }

  private rebuildConstants(s: SceneState): void {
    const { landscape } = resolveSceneLandscape(s);
    const names = s.landscape === 'formula' ? landscape.params.map((p) => p.name).join(',') : '';
    if (names === this.constantNames) {
      for (const c of this.constants) c.updateDisplay();
      return;
    }
    this.constantNames = names;
    for (const c of this.constants.splice(0)) c.destroy();
    if (s.landscape !== 'formula') return;
    const model: Record<string, number> = {};
    landscape.params.forEach((p, i) => {
      Object.defineProperty(model, p.name, {
        get: () => resolveSceneLandscape(this.host.state).params[i] ?? p.default,
        set: (v: number) => this.host.set('consts', withConstant(this.host.state.consts, p.name, v)),
        enumerable: true,
      });
      const c = this.constantsFolder.add(model, p.name, p.min, p.max, p.integer ? 1 : 0.01);
      c.domElement.dataset.constant = p.name;
      this.constants.push(c);
    });
    this.constantsFolder.show(landscape.params.length > 0);
  }

  refresh(s: SceneState): void {
    this.formulaFolder.show(s.landscape === 'formula');
    this.polyFolder.show(s.landscape === 'poly');
    this.mlpFolder.show(s.landscape === 'mlp');
    this.rrrFolder.show(s.landscape === 'rrr');
    this.formula.sync();
    if (formulaProblem(this.formula.text) === null) this.errorBox.hidden = true;
    for (const t of this.texts) t.sync();
    this.rebuildConstants(s);
    const { landscape } = resolveSceneLandscape(s);
    const d = landscape.dim;
    this.sliceFolder.show(d > 2);
    if (d > 2) {
      for (const c of this.axes) c.max(d);
      this.sliceNote.textContent = `d = ${d}: the surface is the loss on the plane through w* along w${Math.min(s.axisX, d)} and w${Math.min(s.axisY, d)}; walkers are drawn at those two coordinates.`;
    }
    for (const c of this.axes) c.updateDisplay();
  }
}
