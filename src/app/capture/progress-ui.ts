/** The progress of a recording, as the bar and `window.__occam.capture.progress` show it. */
export interface CaptureProgress {
  readonly active: boolean;
  readonly frames: number;
  readonly total: number;
  readonly etaSeconds: number;
}

/**
 * The progress bar: frames done, ETA and a cancel button. Never captured (class capture-ui). In the
 * side column it is the last item and sticks to the column's bottom edge while the column scrolls: it
 * has a slot of its own at the end, so scrolling down uncovers everything it passes over (a fixed
 * overlay hid the bottom of the column for good).
 */
export class ProgressUi {
  private readonly root: HTMLElement;
  private readonly bar: HTMLElement;
  private readonly text: HTMLElement;

  constructor(parent: HTMLElement, onCancel: () => void) {
    this.root = document.createElement('div');
    this.root.className = 'capture-ui capture-progress';
    this.root.id = 'capture-progress';
    this.root.hidden = true;
    this.root.setAttribute('role', 'progressbar');
    const track = document.createElement('div');
    track.className = 'capture-track';
    this.bar = document.createElement('div');
    this.bar.className = 'capture-bar';
    track.append(this.bar);
    this.text = document.createElement('span');
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.textContent = 'Cancel';
    cancel.id = 'capture-cancel';
    cancel.addEventListener('click', onCancel);
    this.root.append(this.text, cancel, track);
    const inFlow = parent !== document.body;
    Object.assign(this.root.style, {
      ...(inFlow
        ? { position: 'sticky', bottom: '0', order: '99', flex: '0 0 auto' }
        : { position: 'fixed', right: '12px', bottom: '12px', width: '320px' }),
      zIndex: '20',
      display: 'flex',
      flexWrap: 'wrap',
      alignItems: 'center',
      justifyContent: 'space-between',
      gap: '6px 10px',
      padding: '8px 10px',
      background: '#1a1f2b',
      border: '1px solid #262c3a',
      borderRadius: '8px',
      font: '12px/1.4 ui-monospace, monospace',
      color: '#d9deea',
    });
    // Inline display would override the hidden attribute: hidden until a recording starts.
    this.root.style.display = 'none';
    // The bar takes a row of its own under the text and the button.
    Object.assign(track.style, {
      flex: '1 0 100%',
      height: '6px',
      background: '#262c3a',
      borderRadius: '3px',
    });
    Object.assign(this.bar.style, {
      width: '0%',
      height: '100%',
      background: '#ff7a45',
      borderRadius: '3px',
    });
    parent.append(this.root);
  }

  show(): void {
    this.root.hidden = false;
    this.root.style.display = 'flex';
    this.text.textContent = 'recording…';
    this.bar.style.width = '0%';
  }

  update(p: CaptureProgress): void {
    const frac = p.total > 0 ? p.frames / p.total : 0;
    this.bar.style.width = `${(100 * frac).toFixed(1)}%`;
    this.root.setAttribute('aria-valuenow', String(Math.round(100 * frac)));
    const eta = Number.isFinite(p.etaSeconds) ? `ETA ${Math.ceil(p.etaSeconds)} s` : 'ETA …';
    this.text.textContent = `frame ${p.frames}/${p.total} · ${eta}`;
  }

  hide(): void {
    this.root.hidden = true;
    this.root.style.display = 'none';
  }
}
