/** User-facing messages: a stack at the top of the stage. Errors stay until closed; others fade. */
export type NoticeKind = 'info' | 'warn' | 'error';

export class Notices {
  readonly root: HTMLElement;

  constructor(parent: HTMLElement) {
    this.root = document.createElement('div');
    this.root.id = 'notices';
    this.root.setAttribute('aria-live', 'polite');
    parent.append(this.root);
  }

  show(text: string, kind: NoticeKind = 'info', ttlMs = kind === 'error' ? 0 : 9000): HTMLElement {
    const n = document.createElement('div');
    n.className = `notice ${kind}`;
    n.dataset.kind = kind;
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
    while (this.root.children.length > 5) this.root.firstElementChild?.remove();
    if (ttlMs > 0) setTimeout(() => n.remove(), ttlMs);
    return n;
  }
}
