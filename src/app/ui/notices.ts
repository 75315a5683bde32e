/**
 * User-facing messages: a stack at the top right of the stage, clear of the HUD (top left) and the
 * watch box (bottom left). One notice per cause: a notice shown with a `cause` replaces the earlier one
 * with that cause, and `clear(cause)` removes it once the cause is fixed (a formula that now compiles,
 * a field that now validates). Errors stay until fixed or closed; others fade.
 */
export type NoticeKind = 'info' | 'warn' | 'error';

/** Most notices on screen at once: older ones go first (a cause's newest message is kept). */
const MAX_NOTICES = 3;

export class Notices {
  readonly root: HTMLElement;

  constructor(parent: HTMLElement) {
    this.root = document.createElement('div');
    this.root.id = 'notices';
    this.root.setAttribute('aria-live', 'polite');
    parent.append(this.root);
  }

  /**
   * Shows `text`. `cause` (default: the text up to its first colon or dash, which names the source,
   * e.g. "URL hash rejected") identifies what the notice is about: a new notice with the same cause
   * replaces the old one instead of stacking under it.
   */
  show(
    text: string,
    kind: NoticeKind = 'info',
    ttlMs = kind === 'error' ? 0 : 9000,
    cause = defaultCause(text),
  ): HTMLElement {
    this.clear(cause);
    const n = document.createElement('div');
    n.className = `notice ${kind}`;
    n.dataset.kind = kind;
    n.dataset.cause = cause;
    if (kind === 'error') n.setAttribute('role', 'alert');
    const body = document.createElement('span');
    body.textContent = text;
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = '×';
    close.title = 'dismiss';
    close.addEventListener('click', () => n.remove());
    n.append(body, close);
    this.root.append(n);
    while (this.root.children.length > MAX_NOTICES) this.root.firstElementChild?.remove();
    if (ttlMs > 0) setTimeout(() => n.remove(), ttlMs);
    return n;
  }

  /** Removes the notice about `cause` (the cause was fixed). */
  clear(cause: string): void {
    for (const el of Array.from(this.root.children)) {
      if ((el as HTMLElement).dataset.cause === cause) el.remove();
    }
  }

  /** The causes on screen now (tests). */
  causes(): string[] {
    return Array.from(this.root.children, (el) => (el as HTMLElement).dataset.cause ?? '');
  }
}

function defaultCause(text: string): string {
  const m = /^(.{1,60}?)(?::| —| \()/.exec(text);
  return m ? m[1] : text.slice(0, 40);
}
