/**
 * Questions about a loop's statements that decide whether landscape-wat.ts may unroll it: what its
 * update steps by, and whether its body assigns the counter or leaves the loop early.
 */
import type { Expr, Stmt } from './wgsl-subset';

/** The name an update statement assigns, if it assigns a plain name. */
export function updateTarget(u: Stmt): string | null {
  if ((u.k === 'incdec' || u.k === 'assign') && u.target.k === 'id') return u.target.name;
  return null;
}

/** The step of a loop update `i++`, `i--`, `i += C`, `i -= C` (C a literal), or null. */
export function stepOf(u: Stmt, i: string): number | null {
  if (u.k === 'incdec' && u.target.k === 'id' && u.target.name === i) return u.op === '++' ? 1 : -1;
  if (
    u.k === 'assign' &&
    u.target.k === 'id' &&
    u.target.name === i &&
    u.value.k === 'num' &&
    !u.value.float
  ) {
    if (u.op === '+=') return u.value.value;
    if (u.op === '-=') return -u.value.value;
  }
  return null;
}

/** Whether statements assign the name `i` (or take its address). */
export function assigns(list: readonly Stmt[], i: string): boolean {
  const hit = (e: Expr | undefined): boolean => {
    if (!e) return false;
    switch (e.k) {
      case 'unary':
        return (e.op === '&' && e.arg.k === 'id' && e.arg.name === i) || hit(e.arg);
      case 'binary':
        return hit(e.left) || hit(e.right);
      case 'call':
        return e.args.some(hit);
      case 'index':
        return hit(e.base) || hit(e.index);
      case 'member':
        return hit(e.base);
      default:
        return false;
    }
  };
  const root = (e: Expr): Expr => (e.k === 'index' || e.k === 'member' ? root(e.base) : e);
  const walk = (s: Stmt | undefined): boolean => {
    if (!s) return false;
    switch (s.k) {
      case 'assign':
      case 'incdec': {
        const r = root(s.target);
        return (r.k === 'id' && r.name === i) || hit(s.target) || (s.k === 'assign' && hit(s.value));
      }
      case 'decl':
        // A shadowing declaration ends the question for the rest of its block; rare enough to refuse.
        return s.name === i || hit(s.init);
      case 'if':
        return hit(s.cond) || s.then.some(walk) || (s.else ?? []).some(walk);
      case 'for':
        return walk(s.init) || hit(s.cond) || walk(s.update) || s.body.some(walk);
      case 'block':
        return s.body.some(walk);
      case 'return':
        return hit(s.value);
      case 'expr':
        return hit(s.expr);
      default:
        return false;
    }
  };
  return list.some(walk);
}

/** Whether statements break or continue the loop they are in (nested loops' own breaks do not count). */
export function breaks(list: readonly Stmt[]): boolean {
  return list.some((s) => {
    if (s.k === 'break' || s.k === 'continue') return true;
    if (s.k === 'if') return breaks(s.then) || breaks(s.else ?? []);
    if (s.k === 'block') return breaks(s.body);
    return false;
  });
}
