/**
 * A landscape's own WGSL `loss`/`grad`, translated to WebAssembly SIMD text for the CPU backend, so
 * that the WGSL stays the one definition of every landscape (issue 17): four walkers at once, one per
 * f32x4 lane.
 *
 * The WAT this module emits, to be spliced inside a `(module …)` that also holds the toolkit's
 * VMATH_WAT (src/cpu/wat-lib.ts):
 *   (func $loss (param $w0 v128) … (param $w{D-1} v128) (result v128))
 *   (func $grad (param $w0 v128) … (result v128 … D times))      ∂L/∂w_j, lane = walker
 * It reads two globals that the KERNEL declares and sets (LANDSCAPE_GLOBALS_WAT below declares them):
 *   $lp_base (mut i32)         — byte address in linear memory of the landscape values: lp(i) is the
 *                                f32 at $lp_base + 4i, lp4(i) the four at $lp_base + 16i;
 *   $landscape_slot (mut i32)  — the dataset selector (landscape-params.wgsl's landscape_slot).
 * Both are per-instance (each worker has its own), and the same for the four lanes: a kernel must put
 * only walkers of one group (one landscape_slot) in one v128.
 *
 * How: wgsl-subset.ts parses the WGSL; this module inlines every call into `loss` and `grad` and
 * generates code per value by its uniformity:
 *   const    — known here (literals, D, consts, unrolled loop counters): folded, in f32 for floats;
 *   uniform  — the same in all lanes (lp, landscape_slot, integers): scalar f32/i32;
 *   varying  — depends on w: a v128 (f32x4, or an all-ones/zeros lane mask for bools).
 * Every f32 `var` is varying (a v128), every integer and bool `var` uniform (a w-dependent value
 * stored in one is unsupported); `let` values keep the uniformity of their expression, so a
 * w-dependent integer (i32x4) can be computed and compared but not divided, used as an index or
 * stored in a var. An `if` on a varying condition runs both branches under lane masks (each skipped
 * when no lane takes it; assignments merge with v128.bitselect; a `return` there records the lanes
 * that returned, and the rest go on). A loop whose condition depends on w runs while any lane still
 * loops, each lane's assignments masked once its condition has failed (formula_pow's x^y). Loops
 * with a constant trip count (≤ 64) are unrolled, so Vec indices become constants and each Vec
 * element is a local; other loops run as WASM loops, and an index known only at run time selects an
 * element with br_table.
 *
 * Floating-point semantics: operations in the WGSL's order, no reassociation, IEEE f32 with
 * round-to-nearest, so the arithmetic landscapes agree with a GPU to the last bit unless the GPU
 * fuses a multiply-add. exp, log, sin, cos, tanh come from the toolkit's vmath (a few ulp, not the
 * GPU's own); pow(x, y) is exp(y·log x) (defined for x > 0, as WGSL says). min/max are f32x4.min/max
 * (they propagate NaN; WGSL leaves NaN results unspecified); round is round-half-to-even (nearest), as
 * in WGSL; integer ÷ 0 traps in WASM where WGSL returns the dividend (landscapes never divide by zero);
 * u32(f32) saturates, as in WGSL.
 */
import type { Landscape } from '../core/landscapes/landscapes';
import { landscapeCommonWgsl } from '../core/landscapes/landscapes';
import { castConst, fold, roundHalfEven, type Scalar } from './wgsl-fold';
import { assigns, breaks, stepOf, updateTarget } from './wgsl-loops';
import {
  type Decl,
  type Expr,
  type FnDecl,
  type Loc,
  parseWgsl,
  type Stmt,
  type TypeNode,
  WgslSyntaxError,
} from './wgsl-subset';

export interface LandscapeWat {
  /** WAT text of `$loss` and `$grad` (and nothing else: helpers are inlined); see the module comment. */
  readonly wat: string;
  readonly dim: number;
}

/** The globals the landscape WAT reads, as a kernel (or a test) declares them. */
export const LANDSCAPE_GLOBALS_WAT =
  '(global $lp_base (mut i32) (i32.const 0))\n(global $landscape_slot (mut i32) (i32.const 0))\n';

/** Valid WGSL outside what the CPU translation handles (storage buffers, w-dependent integers, …). */
export class WgslUnsupportedError extends Error {
  override readonly name = 'WgslUnsupportedError';
  constructor(
    message: string,
    readonly loc: Loc,
  ) {
    super(`${loc.file} line ${loc.line}: ${message}`);
  }
}

/** The WAT of a landscape, or the reason it cannot run on the CPU (never throws for "unsupported"). */
export function landscapeWat(landscape: Landscape): LandscapeWat | { readonly unsupported: string } {
  try {
    const parts = [
      { file: 'common.wgsl', text: landscapeCommonWgsl },
      { file: `${landscape.id}.wgsl`, text: landscape.wgsl },
    ];
    return { wat: wgslToWat(parts, landscape.dim), dim: landscape.dim };
  } catch (err) {
    if (err instanceof WgslSyntaxError || err instanceof WgslUnsupportedError)
      return { unsupported: err.message };
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Types and values

type Ty =
  | { readonly k: 's'; readonly s: Scalar }
  | { readonly k: 'arr'; readonly elem: Ty; readonly n: number; readonly vec: boolean }
  | { readonly k: 'struct'; readonly name: string; readonly fields: readonly { name: string; ty: Ty }[] }
  | { readonly k: 'ptr'; readonly to: Ty };

/** A scalar value: `text` is a WAT expression (f32 / i32 when uniform, v128 when varying). */
interface SVal {
  readonly k: 's';
  readonly s: Scalar;
  readonly u: 'c' | 'u' | 'v';
  readonly text: string;
  readonly cv?: number | boolean;
}
interface AVal {
  readonly k: 'a';
  readonly ty: Ty;
  readonly elems: readonly Val[];
}
interface PVal {
  readonly k: 'p';
  readonly place: Place;
}
type Val = SVal | AVal | PVal;

/** Storage of a `var` (or a call's result): one local per scalar. */
interface SPlace {
  readonly k: 's';
  readonly s: Scalar;
  readonly local: string;
  readonly vary: boolean;
  /** The lane mask and condition mask in force where it was declared, and its function frame. */
  readonly declMask: string | null;
  readonly declCond: string | null;
  readonly frame: Frame;
}
interface APlace {
  readonly k: 'a';
  readonly ty: Ty;
  readonly elems: readonly Place[];
}
type Place = SPlace | APlace;

type Binding = { readonly k: 'val'; readonly val: Val } | { readonly k: 'place'; readonly place: Place };

class Scope {
  private readonly names = new Map<string, Binding>();
  constructor(readonly parent: Scope | null) {}
  get(name: string): Binding | undefined {
    return this.names.get(name) ?? this.parent?.get(name);
  }
  set(name: string, b: Binding): void {
    this.names.set(name, b);
  }
}

/** An inlined function body: a WAT block whose end is the return point. */
interface Frame {
  readonly label: string;
  readonly result: Place | null;
  readonly entryMask: string | null;
  /** Lanes that have returned (a v128 local), created at the first return under a varying condition. */
  rm: string | null;
  readonly rmInit: { readonly code: string[]; readonly at: number };
  /** Bumped at each varying return: later statements then run for the other lanes only. */
  epoch: number;
  /** Runtime (not unrolled) loops open in this frame. */
  loops: number;
}

interface LoopCtx {
  readonly brk: string;
  readonly cont: string;
  readonly mask: string | null;
  readonly frame: Frame;
}

interface Ctx {
  readonly scope: Scope;
  /** Lanes active here (a v128 local), null for all. */
  readonly mask: string | null;
  /** Lanes whose varying `if` conditions hold here (mask without the returned lanes). */
  readonly cond: string | null;
  readonly frame: Frame;
  readonly loop: LoopCtx | null;
}

const F32: Ty = { k: 's', s: 'f32' };
const U32: Ty = { k: 's', s: 'u32' };
const MAX_UNROLL = 64;
const ALL_ONES = '(v128.const i32x4 -1 -1 -1 -1)';
const ZERO_V = '(v128.const i32x4 0 0 0 0)';

const isInt = (s: Scalar) => s === 'i32' || s === 'u32' || s === 'aint';

function tyName(t: Ty): string {
  switch (t.k) {
    case 's':
      return t.s === 'aint' ? 'abstract-int' : t.s;
    case 'arr':
      return t.vec ? `vec${t.n}<${tyName(t.elem)}>` : `array<${tyName(t.elem)}, ${t.n}>`;
    case 'struct':
      return t.name;
    case 'ptr':
      return `ptr<function, ${tyName(t.to)}>`;
  }
}

function sameTy(a: Ty, b: Ty): boolean {
  if (a.k !== b.k) return false;
  if (a.k === 's' && b.k === 's') return a.s === b.s || (a.s === 'aint' && b.s !== 'f32' && b.s !== 'bool');
  if (a.k === 'arr' && b.k === 'arr') return a.n === b.n && sameTy(a.elem, b.elem);
  if (a.k === 'struct' && b.k === 'struct') return a.name === b.name;
  return false;
}

function f32Text(x: number): string {
  if (Number.isNaN(x)) return '(f32.const nan)';
  if (!Number.isFinite(x)) return x > 0 ? '(f32.const inf)' : '(f32.const -inf)';
  return `(f32.const ${Object.is(x, -0) ? '-0' : String(x)})`;
}

function constVal(s: Scalar, v: number | boolean): SVal {
  if (s === 'bool') return { k: 's', s, u: 'c', text: `(i32.const ${v ? 1 : 0})`, cv: Boolean(v) };
  const n = v as number;
  if (s === 'f32') {
    const x = Math.fround(n);
    return { k: 's', s, u: 'c', text: f32Text(x), cv: x };
  }
  const x = s === 'u32' ? n >>> 0 : s === 'i32' ? n | 0 : n;
  return { k: 's', s, u: 'c', text: `(i32.const ${x | 0})`, cv: x };
}

// ---------------------------------------------------------------------------------------------
// The translator

/** Translates WGSL parts (a landscape's helpers and its loss/grad) to the WAT of `$loss` and `$grad`. */
export function wgslToWat(
  parts: readonly { readonly file: string; readonly text: string }[],
  dim: number,
): string {
  // The shader assembler's bound (MAX_DIM in src/gpu/shader-assembly.ts): one v128 param per coordinate.
  if (!Number.isInteger(dim) || dim < 1 || dim > 32)
    throw new WgslUnsupportedError(`dimension ${dim} outside 1..32`, {
      file: parts[0]?.file ?? 'landscape',
      line: 1,
    });
  return new Translator(parseWgsl(parts), dim).translate();
}

class Translator {
  private readonly fns = new Map<string, FnDecl>();
  private readonly types = new Map<string, Ty>();
  private readonly moduleScope = new Scope(null);
  private readonly inlining: string[] = [];
  // Per emitted function:
  private locals: string[] = [];
  private code: string[] = [];
  private n = 0;

  constructor(
    decls: readonly Decl[],
    private readonly dim: number,
  ) {
    this.moduleScope.set('D', { k: 'val', val: constVal('u32', dim) });
    this.moduleScope.set('LANDSCAPE_VALUES', { k: 'val', val: constVal('u32', 1024) });
    // landscape-params.wgsl's private var, the kernel's global here: read-only for landscapes.
    this.moduleScope.set('landscape_slot', {
      k: 'val',
      val: { k: 's', s: 'u32', u: 'u', text: '(global.get $landscape_slot)' },
    });
    this.types.set('Vec', { k: 'arr', elem: F32, n: dim, vec: false });
    // Module-scope consts are evaluated with a throwaway function context: they must fold to constants.
    for (const d of decls) {
      if (d.k === 'fn') {
        if (this.fns.has(d.name))
          throw new WgslUnsupportedError(`function '${d.name}' declared twice`, d.loc);
        this.fns.set(d.name, d);
      } else if (d.k === 'alias') this.types.set(d.name, this.resolveType(d.type));
      else if (d.k === 'struct')
        this.types.set(d.name, {
          k: 'struct',
          name: d.name,
          fields: d.fields.map((f) => ({ name: f.name, ty: this.resolveType(f.type) })),
        });
      else {
        const ctx = this.topCtx(null);
        let v = this.expr(d.init, ctx);
        if (d.type) v = this.convert(v, this.resolveType(d.type), d.loc);
        if (v.k !== 's' || v.u !== 'c')
          throw new WgslUnsupportedError(`module const '${d.name}' is not a constant scalar`, d.loc);
        this.moduleScope.set(d.name, { k: 'val', val: v });
      }
    }
  }

  translate(): string {
    const loss = this.fns.get('loss');
    const grad = this.fns.get('grad');
    if (!loss || !grad) {
      throw new WgslUnsupportedError('the landscape defines no fn loss and fn grad', {
        file: 'landscape',
        line: 1,
      });
    }
    return `${this.entry(loss, F32)}\n${this.entry(grad, this.types.get('Vec') as Ty)}`;
  }

  // ----- emission helpers

  private local(type: 'v128' | 'i32' | 'f32', prefix = 't'): string {
    const name = `$${prefix}${this.n++}`;
    this.locals.push(`(local ${name} ${type})`);
    return name;
  }
  private label(prefix: string): string {
    return `$${prefix}${this.n++}`;
  }
  private emit(line: string): void {
    this.code.push(line);
  }
  private wasmType(s: Scalar, vary: boolean): 'v128' | 'i32' | 'f32' {
    return vary ? 'v128' : s === 'f32' ? 'f32' : 'i32';
  }

  /** A value safe to read more than once, later (immutable temporaries and constants pass through). */
  private hold(v: Val): Val {
    if (v.k === 'p') return v;
    if (v.k === 'a') return { k: 'a', ty: v.ty, elems: v.elems.map((e) => this.hold(e)) };
    if (v.u === 'c' || /^\(local\.get \$(t|w)\d+\)$/.test(v.text)) return v;
    const t = this.local(this.wasmType(v.s === 'aint' ? 'i32' : v.s, v.u === 'v'));
    this.emit(`(local.set ${t} ${v.text})`);
    return { ...v, text: `(local.get ${t})` };
  }

  /** A mask local holding `a & b` (either may be null = all lanes). */
  private andMask(a: string | null, bText: string): string {
    const m = this.local('v128', 'm');
    this.emit(`(local.set ${m} ${a ? `(v128.and (local.get ${a}) ${bText})` : bText})`);
    return m;
  }

  private topCtx(frame: Frame | null): Ctx {
    return {
      scope: new Scope(this.moduleScope),
      mask: null,
      cond: null,
      frame: frame ?? this.newFrame(null, null),
      loop: null,
    };
  }

  private newFrame(result: Place | null, entryMask: string | null): Frame {
    this.emit('');
    return {
      label: this.label('ret'),
      result,
      entryMask,
      rm: null,
      rmInit: { code: this.code, at: this.code.length - 1 },
      epoch: 0,
      loops: 0,
    };
  }

  // ----- types

  private resolveType(t: TypeNode): Ty {
    const named = this.types.get(t.name);
    if (named) {
      if (t.args.length) throw new WgslUnsupportedError(`'${t.name}' takes no template arguments`, t.loc);
      return named;
    }
    const scalar = (x: TypeNode | Expr | undefined): Ty => {
      if (!x || !('name' in x) || 'k' in x)
        throw new WgslUnsupportedError(`'${t.name}' needs an element type`, t.loc);
      const ty = this.resolveType(x);
      if (ty.k !== 's') throw new WgslUnsupportedError(`vector of ${tyName(ty)}`, t.loc);
      return ty;
    };
    switch (t.name) {
      case 'f32':
      case 'i32':
      case 'u32':
      case 'bool':
        return { k: 's', s: t.name };
      case 'vec2':
      case 'vec3':
      case 'vec4':
        return { k: 'arr', elem: scalar(t.args[0]), n: Number(t.name[3]), vec: true };
      case 'vec2f':
      case 'vec3f':
      case 'vec4f':
      case 'vec2u':
      case 'vec3u':
      case 'vec4u':
      case 'vec2i':
      case 'vec3i':
      case 'vec4i': {
        const s = ({ f: 'f32', u: 'u32', i: 'i32' } as const)[t.name[4] as 'f' | 'u' | 'i'];
        return { k: 'arr', elem: { k: 's', s }, n: Number(t.name[3]), vec: true };
      }
      case 'array': {
        const [elem, size] = t.args;
        if (!elem || !('name' in elem) || 'k' in elem)
          throw new WgslUnsupportedError('array without a type', t.loc);
        if (!size) throw new WgslUnsupportedError('runtime-sized array (a storage buffer)', t.loc);
        const v = this.expr(size as Expr, this.topCtx(null));
        if (v.k !== 's' || v.u !== 'c' || !isInt(v.s) || (v.cv as number) < 1)
          throw new WgslUnsupportedError('array size that is not a positive constant', t.loc);
        if ((v.cv as number) > 4096) throw new WgslUnsupportedError(`array of ${v.cv} elements`, t.loc);
        return { k: 'arr', elem: this.resolveType(elem), n: v.cv as number, vec: false };
      }
      case 'ptr': {
        const [space, to] = t.args;
        if (!space || !('name' in space) || space.name !== 'function' || !to || !('name' in to))
          throw new WgslUnsupportedError('pointer outside the function address space', t.loc);
        return { k: 'ptr', to: this.resolveType(to as TypeNode) };
      }
      case 'f16':
        throw new WgslUnsupportedError('f16', t.loc);
      default:
        throw new WgslUnsupportedError(`type '${t.name}'`, t.loc);
    }
  }

  private typeOf(v: Val): Ty {
    if (v.k === 's') return { k: 's', s: v.s };
    if (v.k === 'a') return v.ty;
    return { k: 'ptr', to: this.placeTy(v.place) };
  }
  private placeTy(p: Place): Ty {
    return p.k === 's' ? { k: 's', s: p.s } : p.ty;
  }

  /** `v` as a value of type `t`: abstract ints become concrete; anything else must already match. */
  private convert(v: Val, t: Ty, loc: Loc): Val {
    if (t.k === 's' && v.k === 's') {
      if (v.s === t.s) return v;
      if (v.s === 'aint' && v.u === 'c') {
        if (t.s === 'f32' || t.s === 'i32' || t.s === 'u32') return constVal(t.s, v.cv as number);
      }
      throw new WgslUnsupportedError(`a ${tyName(this.typeOf(v))} where ${tyName(t)} is expected`, loc);
    }
    if (t.k === 'arr' && v.k === 'a' && v.ty.k === 'arr' && v.elems.length === t.n)
      return { k: 'a', ty: t, elems: v.elems.map((e) => this.convert(e, t.elem, loc)) };
    if (t.k === 'struct' && v.k === 'a' && v.ty.k === 'struct' && v.ty.name === t.name) return v;
    if (t.k === 'ptr' && v.k === 'p' && sameTy(this.placeTy(v.place), t.to)) return v;
    throw new WgslUnsupportedError(`a ${tyName(this.typeOf(v))} where ${tyName(t)} is expected`, loc);
  }

  /** Abstract ints become i32, as a `let` or `var` without a type makes them. */
  private concrete(v: Val): Val {
    if (v.k === 's' && v.s === 'aint') return constVal('i32', v.cv as number);
    if (v.k === 'a')
      return { k: 'a', ty: this.concreteTy(v.ty), elems: v.elems.map((e) => this.concrete(e)) };
    return v;
  }
  private concreteTy(t: Ty): Ty {
    if (t.k === 's' && t.s === 'aint') return { k: 's', s: 'i32' };
    if (t.k === 'arr') return { ...t, elem: this.concreteTy(t.elem) };
    return t;
  }

  // ----- places

  private newPlace(t: Ty, ctx: Ctx, loc: Loc): Place {
    switch (t.k) {
      case 's': {
        const vary = t.s === 'f32';
        const local = this.local(this.wasmType(t.s, vary), 'v');
        return { k: 's', s: t.s, local, vary, declMask: ctx.mask, declCond: ctx.cond, frame: ctx.frame };
      }
      case 'arr':
        return { k: 'a', ty: t, elems: Array.from({ length: t.n }, () => this.newPlace(t.elem, ctx, loc)) };
      case 'struct':
        return { k: 'a', ty: t, elems: t.fields.map((f) => this.newPlace(f.ty, ctx, loc)) };
      case 'ptr':
        throw new WgslUnsupportedError('a variable of pointer type', loc);
    }
  }

  private zero(p: Place): void {
    if (p.k === 'a') {
      for (const e of p.elems) this.zero(e);
      return;
    }
    this.emit(
      `(local.set ${p.local} ${p.vary ? ZERO_V : p.s === 'f32' ? '(f32.const 0)' : '(i32.const 0)'})`,
    );
  }

  private read(p: Place): Val {
    if (p.k === 'a') return { k: 'a', ty: p.ty, elems: p.elems.map((e) => this.read(e)) };
    return { k: 's', s: p.s, u: p.vary ? 'v' : 'u', text: `(local.get ${p.local})` };
  }

  /** Stores `v` in `p` for the lanes active in `ctx` (a masked merge when they are not all of p's lanes). */
  private assign(p: Place, v: Val, ctx: Ctx, loc: Loc): void {
    if (p.k === 'a') {
      const c = this.convert(v, p.ty, loc);
      if (c.k !== 'a') throw new WgslUnsupportedError('assigning a non-composite to a composite', loc);
      const held = this.hold(c) as AVal;
      p.elems.forEach((e, i) => {
        this.assign(e, held.elems[i], ctx, loc);
      });
      return;
    }
    const s = this.convert(v, { k: 's', s: p.s }, loc) as SVal;
    if (!p.vary) {
      if (s.u === 'v') throw new WgslUnsupportedError(`a w-dependent value stored in a ${p.s} variable`, loc);
      const same = ctx.mask === p.declMask || (p.frame === ctx.frame && ctx.cond === p.declCond);
      if (!same)
        throw new WgslUnsupportedError(`a ${p.s} variable assigned under a w-dependent condition`, loc);
      this.emit(`(local.set ${p.local} ${s.text})`);
      return;
    }
    const text = this.vtext(s, loc);
    if (ctx.mask === p.declMask || ctx.mask === null) this.emit(`(local.set ${p.local} ${text})`);
    else
      this.emit(
        `(local.set ${p.local} (v128.bitselect ${text} (local.get ${p.local}) (local.get ${ctx.mask})))`,
      );
  }

  /** A scalar as a v128 expression (uniform values are splatted; bools become lane masks). */
  private vtext(v: SVal, _loc: Loc): string {
    if (v.u === 'v') return v.text;
    if (v.s === 'f32') return `(f32x4.splat ${v.text})`;
    if (v.s === 'bool')
      return v.u === 'c' ? (v.cv ? ALL_ONES : ZERO_V) : `(i32x4.splat (i32.sub (i32.const 0) ${v.text}))`;
    return `(i32x4.splat ${v.text})`;
  }

  // ----- functions

  private entry(fn: FnDecl, ret: Ty): string {
    this.locals = [];
    this.code = [];
    if (fn.params.length !== 1 || !sameTy(this.resolveType(fn.params[0].type), this.types.get('Vec') as Ty))
      throw new WgslUnsupportedError(`fn ${fn.name} must take one parameter w: Vec`, fn.loc);
    if (!fn.ret || !sameTy(this.resolveType(fn.ret), ret))
      throw new WgslUnsupportedError(`fn ${fn.name} must return ${tyName(ret)}`, fn.loc);
    const ws = Array.from({ length: this.dim }, (_, j) => `$w${j}`);
    const w: AVal = {
      k: 'a',
      ty: this.types.get('Vec') as Ty,
      elems: ws.map((x) => ({ k: 's', s: 'f32', u: 'v', text: `(local.get ${x})` })),
    };
    const out = this.inline(fn, [w], this.topCtx(null), fn.loc);
    if (!out) throw new WgslUnsupportedError(`fn ${fn.name} returns nothing`, fn.loc);
    const results = flatten(out).map((s) => this.vtext(s, fn.loc));
    const params = ws.map((x) => `(param ${x} v128)`).join(' ');
    const resultTypes = results.map(() => 'v128').join(' ');
    return [
      `(func $${fn.name} ${params} (result ${resultTypes})`,
      ...this.locals.map((l) => `  ${l}`),
      ...this.code.filter((l) => l !== '').map((l) => `  ${l}`),
      ...results.map((r) => `  ${r}`),
      ')',
    ].join('\n');
  }

  /** Inlines a call of `fn`: its body is a block whose end is the return point. */
  private inline(fn: FnDecl, args: readonly Val[], caller: Ctx, loc: Loc): Val | null {
    if (this.inlining.includes(fn.name)) throw new WgslUnsupportedError(`recursive call of ${fn.name}`, loc);
    if (args.length !== fn.params.length)
      throw new WgslUnsupportedError(
        `${fn.name} takes ${fn.params.length} arguments, given ${args.length}`,
        loc,
      );
    this.inlining.push(fn.name);
    const scope = new Scope(this.moduleScope);
    fn.params.forEach((p, i) => {
      const t = this.resolveType(p.type);
      scope.set(p.name, { k: 'val', val: this.hold(this.convert(args[i], t, loc)) });
    });
    const retTy = fn.ret ? this.resolveType(fn.ret) : null;
    const ctx0: Ctx = { ...caller, scope, loop: null };
    const result = retTy ? this.newPlace(retTy, ctx0, fn.loc) : null;
    const frame = this.newFrame(result, caller.mask);
    const ctx: Ctx = { ...ctx0, frame };
    this.emit(`block ${frame.label}`);
    this.stmts(fn.body, ctx);
    this.emit('end');
    this.inlining.pop();
    return result ? this.read(result) : null;
  }

  // ----- statements

  private stmts(list: readonly Stmt[], outer: Ctx): void {
    let ctx: Ctx = { ...outer, scope: new Scope(outer.scope) };
    for (const s of list) {
      const epoch = ctx.frame.epoch;
      this.stmt(s, ctx);
      if (ctx.frame.epoch !== epoch) {
        // Some lanes returned: what follows runs for the others only.
        const rm = ctx.frame.rm as string;
        ctx = { ...ctx, mask: this.andMask(ctx.mask, `(v128.not (local.get ${rm}))`) };
      }
    }
  }

  private stmt(s: Stmt, ctx: Ctx): void {
    switch (s.k) {
      case 'block':
        this.stmts(s.body, ctx);
        return;
      case 'decl':
        this.decl(s, ctx);
        return;
      case 'assign': {
        const target = this.ref(s.target, ctx);
        if (s.op === '=') {
          this.store(target, this.expr(s.value, ctx), ctx, s.loc);
          return;
        }
        const value = this.hold(this.expr(s.value, ctx));
        this.update(target, (old) => this.binary(s.op.slice(0, -1), old, value, s.loc), ctx, s.loc);
        return;
      }
      case 'incdec': {
        const target = this.ref(s.target, ctx);
        this.update(
          target,
          (old) => this.binary(s.op === '++' ? '+' : '-', old, constVal('aint', 1), s.loc),
          ctx,
          s.loc,
        );
        return;
      }
      case 'expr': {
        if (s.expr.k !== 'call') throw new WgslUnsupportedError('expression statement', s.loc);
        this.call(s.expr, ctx, true);
        return;
      }
      case 'if':
        this.ifStmt(s, ctx);
        return;
      case 'for':
        this.forStmt(s, ctx);
        return;
      case 'break':
      case 'continue': {
        const loop = ctx.loop;
        if (!loop || loop.frame !== ctx.frame) throw new WgslUnsupportedError(`${s.k} outside a loop`, s.loc);
        if (ctx.mask !== loop.mask)
          throw new WgslUnsupportedError(`${s.k} under a w-dependent condition`, s.loc);
        this.emit(`br ${s.k === 'break' ? loop.brk : loop.cont}`);
        return;
      }
      case 'return':
        this.returnStmt(s, ctx);
        return;
    }
  }

  private decl(s: Extract<Stmt, { k: 'decl' }>, ctx: Ctx): void {
    const t = s.type ? this.resolveType(s.type) : null;
    if (s.kind === 'var') {
      let init = s.init ? this.expr(s.init, ctx) : null;
      if (init && !t) init = this.concrete(init);
      const ty = t ?? (init ? this.typeOf(init) : null);
      if (!ty) throw new WgslUnsupportedError(`var ${s.name} needs a type or a value`, s.loc);
      const p = this.newPlace(ty, ctx, s.loc);
      if (init) this.assign(p, init, ctx, s.loc);
      else this.zero(p); // zero each time: the local outlives one loop iteration
      ctx.scope.set(s.name, { k: 'place', place: p });
      return;
    }
    let v = this.expr(s.init as Expr, ctx);
    if (t) v = this.convert(v, t, s.loc);
    else if (s.kind === 'let') v = this.concrete(v);
    if (s.kind === 'const' && (v.k !== 's' || v.u !== 'c'))
      throw new WgslUnsupportedError(`const ${s.name} is not a constant`, s.loc);
    ctx.scope.set(s.name, { k: 'val', val: this.hold(v) });
  }

  private ifStmt(s: Extract<Stmt, { k: 'if' }>, ctx: Ctx): void {
    const c = this.expr(s.cond, ctx);
    if (c.k !== 's' || c.s !== 'bool')
      throw new WgslUnsupportedError('if condition that is not a bool', s.loc);
    if (c.u === 'c') {
      if (c.cv) this.stmts(s.then, ctx);
      else if (s.else) this.stmts(s.else, ctx);
      return;
    }
    if (c.u === 'u') {
      this.emit(c.text);
      this.emit('if');
      this.stmts(s.then, ctx);
      if (s.else) {
        this.emit('else');
        this.stmts(s.else, ctx);
      }
      this.emit('end');
      return;
    }
    // A w-dependent condition: both branches, each under its lanes (skipped when it has none).
    const m = this.hold(c) as SVal;
    const branch = (body: readonly Stmt[], laneText: string) => {
      const mask = this.andMask(ctx.mask, laneText);
      const cond = ctx.cond === ctx.mask ? mask : this.andMask(ctx.cond, laneText);
      this.emit(`(v128.any_true (local.get ${mask}))`);
      this.emit('if');
      this.stmts(body, { ...ctx, mask, cond });
      this.emit('end');
    };
    branch(s.then, m.text);
    if (s.else) branch(s.else, `(v128.not ${m.text})`);
  }

  private forStmt(s: Extract<Stmt, { k: 'for' }>, outer: Ctx): void {
    const ctx: Ctx = { ...outer, scope: new Scope(outer.scope) };
    if (this.tryUnroll(s, ctx)) return;
    if (s.init) this.stmt(s.init, ctx);
    const brk = this.label('brk');
    const top = this.label('loop');
    const cont = this.label('cont');
    // Filled if the condition turns out to depend on w: the lanes still looping, from those active here.
    const actInit = this.code.length;
    this.emit('');
    this.emit(`block ${brk}`);
    this.emit(`loop ${top}`);
    let body: Ctx = ctx;
    if (s.cond) {
      const c = this.expr(s.cond, ctx);
      if (c.k !== 's' || c.s !== 'bool')
        throw new WgslUnsupportedError('loop condition that is not a bool', s.loc);
      if (c.u !== 'v') this.emit(`(br_if ${brk} (i32.eqz ${c.text}))`);
      else {
        // A w-dependent condition: iterate while any lane still loops; a lane whose condition fails
        // has left the loop for good (its assignments are masked off from then on).
        const act = this.local('v128', 'm');
        this.code[actInit] = `(local.set ${act} ${ctx.mask ? `(local.get ${ctx.mask})` : ALL_ONES})`;
        this.emit(`(local.set ${act} (v128.and (local.get ${act}) ${c.text}))`);
        this.emit(`(br_if ${brk} (i32.eqz (v128.any_true (local.get ${act}))))`);
        const cond = ctx.cond === ctx.mask ? act : this.andMask(ctx.cond, `(local.get ${act})`);
        body = { ...ctx, mask: act, cond };
      }
    }
    this.emit(`block ${cont}`);
    ctx.frame.loops++;
    this.stmts(s.body, { ...body, loop: { brk, cont, mask: body.mask, frame: ctx.frame } });
    ctx.frame.loops--;
    this.emit('end');
    // The update of the loop's own counter runs for all lanes: the counter is the same in every lane
    // still looping, and the others never read it again (it is scoped to the loop).
    if (s.update) {
      const own = s.init?.k === 'decl' && updateTarget(s.update) === s.init.name;
      this.stmt(s.update, own ? ctx : body);
    }
    this.emit(`br ${top}`);
    this.emit('end');
    this.emit('end');
  }

  /**
   * Unrolls `for (var i = C; cond(i); i++ / i-- / i += C / i -= C)` when the trip count is a known
   * constant ≤ MAX_UNROLL and the body neither assigns i nor breaks or continues: each copy of the body
   * sees i as a constant, so indices fold and Vec elements stay in locals.
   */
  private tryUnroll(s: Extract<Stmt, { k: 'for' }>, ctx: Ctx): boolean {
    const { init, cond, update } = s;
    if (init?.k !== 'decl' || init.kind !== 'var' || !init.init || !cond || !update) return false;
    const i = init.name;
    const step = stepOf(update, i);
    if (step === null || assigns(s.body, i) || breaks(s.body)) return false;
    const start = this.tryConst(init.init, ctx.scope);
    if (start === null || typeof start.cv !== 'number') return false;
    const t = init.type ? this.resolveType(init.type) : null;
    const s0 = (t ? this.convert(start, t, init.loc) : this.concrete(start)) as SVal;
    const values: SVal[] = [];
    let v = s0;
    for (;;) {
      const scope = new Scope(ctx.scope);
      scope.set(i, { k: 'val', val: v });
      const c = this.tryConst(cond, scope);
      if (c === null || c.s !== 'bool') return false;
      if (!c.cv) break;
      values.push(v);
      if (values.length > MAX_UNROLL) return false;
      v = this.binary('+', v, constVal('aint', step), update.loc) as SVal;
    }
    for (const value of values) {
      const scope = new Scope(ctx.scope);
      scope.set(i, { k: 'val', val: value });
      this.stmts(s.body, { ...ctx, scope });
    }
    return true;
  }

  /** The constant value of `e` in `scope`, or null (evaluated without emitting code). */
  private tryConst(e: Expr, scope: Scope): SVal | null {
    const saved = this.code;
    const savedLocals = this.locals.length;
    this.code = [];
    try {
      const v = this.expr(e, { scope, mask: null, cond: null, frame: this.dryFrame(), loop: null });
      return v.k === 's' && v.u === 'c' && this.code.every((l) => l === '') ? v : null;
    } catch {
      return null;
    } finally {
      this.code = saved;
      this.locals.length = savedLocals;
    }
  }
  private dryFrame(): Frame {
    return {
      label: '$dry',
      result: null,
      entryMask: null,
      rm: null,
      rmInit: { code: [], at: 0 },
      epoch: 0,
      loops: 0,
    };
  }

  private returnStmt(s: Extract<Stmt, { k: 'return' }>, ctx: Ctx): void {
    const frame = ctx.frame;
    const full = ctx.mask === frame.entryMask;
    let value: Val | null = null;
    if (s.value) {
      if (!frame.result)
        throw new WgslUnsupportedError('return with a value from a function without a result', s.loc);
      value = this.hold(this.convert(this.expr(s.value, ctx), this.placeTy(frame.result), s.loc));
    } else if (frame.result) throw new WgslUnsupportedError('return without a value', s.loc);
    const dst = frame.result ? flattenPlace(frame.result) : [];
    const src = value ? flatten(value) : [];
    if (full) {
      dst.forEach((p, i) => {
        if (frame.rm && p.vary) {
          // Lanes that returned earlier keep their value.
          const v = this.vtext(src[i], s.loc);
          this.emit(
            `(local.set ${p.local} (v128.bitselect (local.get ${p.local}) ${v} (local.get ${frame.rm})))`,
          );
        } else this.assignScalar(p, src[i], s.loc);
      });
      this.emit(`br ${frame.label}`);
      return;
    }
    if (frame.loops > 0)
      throw new WgslUnsupportedError('return under a w-dependent condition inside a loop', s.loc);
    if (!frame.rm) {
      frame.rm = this.local('v128', 'rm');
      frame.rmInit.code[frame.rmInit.at] = `(local.set ${frame.rm} ${ZERO_V})`;
    }
    const active = this.andMask(ctx.mask, `(v128.not (local.get ${frame.rm}))`);
    dst.forEach((p, i) => {
      if (!p.vary) throw new WgslUnsupportedError(`returning a ${p.s} under a w-dependent condition`, s.loc);
      const v = this.vtext(src[i], s.loc);
      this.emit(`(local.set ${p.local} (v128.bitselect ${v} (local.get ${p.local}) (local.get ${active})))`);
    });
    this.emit(`(local.set ${frame.rm} (v128.or (local.get ${frame.rm}) (local.get ${ctx.mask as string})))`);
    frame.epoch++;
  }

  private assignScalar(p: SPlace, v: SVal, loc: Loc): void {
    const s = this.convert(v, { k: 's', s: p.s }, loc) as SVal;
    this.emit(`(local.set ${p.local} ${p.vary ? this.vtext(s, loc) : s.text})`);
  }

  // ----- references (what an index, member or deref expression denotes)

  private ref(e: Expr, ctx: Ctx): Ref {
    switch (e.k) {
      case 'id': {
        const b = ctx.scope.get(e.name);
        if (!b) throw new WgslUnsupportedError(`unknown name '${e.name}'`, e.loc);
        if (b.k === 'place') return { k: 'place', place: b.place };
        return { k: 'val', val: b.val };
      }
      case 'unary':
        if (e.op === '*') {
          const r = this.ref(e.arg, ctx);
          if (r.k !== 'val' || r.val.k !== 'p') throw new WgslUnsupportedError("'*' of a non-pointer", e.loc);
          return { k: 'place', place: r.val.place };
        }
        break;
      case 'index': {
        const base = this.deptr(this.ref(e.base, ctx));
        const idx = this.expr(e.index, ctx);
        if (idx.k !== 's' || !isInt(idx.s))
          throw new WgslUnsupportedError('an index that is not an integer', e.loc);
        if (base.k === 'dyn') throw new WgslUnsupportedError('nested run-time indices', e.loc);
        const items = base.k === 'place' ? placeElems(base.place, e.loc) : valElems(base.val, e.loc);
        if (idx.u === 'c') {
          const i = idx.cv as number;
          if (i < 0 || i >= items.length)
            throw new WgslUnsupportedError(`index ${i} out of bounds (${items.length} elements)`, e.loc);
          return base.k === 'place'
            ? { k: 'place', place: items[i] as Place }
            : { k: 'val', val: items[i] as Val };
        }
        if (idx.u === 'v') throw new WgslUnsupportedError('an index that depends on w', e.loc);
        return { k: 'dyn', items, places: base.k === 'place', index: this.hold(idx) as SVal };
      }
      case 'member': {
        const base = this.deptr(this.ref(e.base, ctx));
        if (base.k === 'dyn') throw new WgslUnsupportedError('a member of a run-time-indexed element', e.loc);
        const ty = base.k === 'place' ? this.placeTy(base.place) : this.typeOf(base.val);
        let i = -1;
        if (ty.k === 'struct') i = ty.fields.findIndex((f) => f.name === e.field);
        else if (ty.k === 'arr' && ty.vec && e.field.length === 1) i = 'xyzw'.indexOf(e.field);
        if (i < 0 && ty.k === 'arr' && ty.vec && e.field.length === 1) i = 'rgba'.indexOf(e.field);
        if (i < 0 || (ty.k === 'arr' && i >= ty.n))
          throw new WgslUnsupportedError(`member '.${e.field}' of ${tyName(ty)}`, e.loc);
        return base.k === 'place'
          ? { k: 'place', place: (base.place as APlace).elems[i] }
          : { k: 'val', val: (base.val as AVal).elems[i] };
      }
      default:
        break;
    }
    return { k: 'val', val: this.expr(e, ctx) };
  }

  /** Pointer values index like what they point at (WGSL's pointer shorthand). */
  private deptr(r: Ref): Ref {
    return r.k === 'val' && r.val.k === 'p' ? { k: 'place', place: r.val.place } : r;
  }

  private load(r: Ref, loc: Loc): Val {
    if (r.k === 'place') return this.read(r.place);
    if (r.k === 'val') return r.val;
    const vals = r.items.map((x) => (r.places ? this.read(x as Place) : (x as Val)));
    if (vals.some((v) => v.k !== 's')) throw new WgslUnsupportedError('run-time index into composites', loc);
    const ss = vals as SVal[];
    const s = ss[0].s === 'aint' ? 'i32' : ss[0].s;
    const vary = ss.some((v) => v.u === 'v');
    const t = this.local(this.wasmType(s, vary));
    this.dynSwitch(r.index, ss.length, (k) => {
      const v = this.convert(ss[k], { k: 's', s }, loc) as SVal;
      this.emit(`(local.set ${t} ${vary ? this.vtext(v, loc) : v.text})`);
    });
    return { k: 's', s, u: vary ? 'v' : 'u', text: `(local.get ${t})` };
  }

  private store(r: Ref, v: Val, ctx: Ctx, loc: Loc): void {
    if (r.k === 'place') {
      this.assign(r.place, v, ctx, loc);
      return;
    }
    if (r.k === 'val' || !r.places)
      throw new WgslUnsupportedError('assignment to something that is not a variable', loc);
    const held = this.hold(v);
    this.dynSwitch(r.index, r.items.length, (k) => this.assign(r.items[k] as Place, held, ctx, loc));
  }

  /** target = f(target) (compound assignment, ++, --): for a run-time index, per element. */
  private update(r: Ref, f: (old: Val) => Val, ctx: Ctx, loc: Loc): void {
    if (r.k === 'place') {
      this.assign(r.place, f(this.read(r.place)), ctx, loc);
      return;
    }
    if (r.k === 'val' || !r.places)
      throw new WgslUnsupportedError('assignment to something that is not a variable', loc);
    this.dynSwitch(r.index, r.items.length, (k) => {
      const p = r.items[k] as Place;
      this.assign(p, f(this.read(p)), ctx, loc);
    });
  }

  /** Runs `body(k)` for the k the uniform index selects (br_table; an index past the end selects the last). */
  private dynSwitch(index: SVal, n: number, body: (k: number) => void): void {
    const end = this.label('sw');
    const cases = Array.from({ length: n }, () => this.label('c'));
    this.emit(`block ${end}`);
    for (let k = n - 1; k >= 0; k--) this.emit(`block ${cases[k]}`);
    this.emit(`(br_table ${cases.join(' ')} ${index.text})`);
    for (let k = 0; k < n; k++) {
      this.emit('end');
      body(k);
      if (k < n - 1) this.emit(`br ${end}`);
    }
    this.emit('end');
  }

  // ----- expressions

  private expr(e: Expr, ctx: Ctx): Val {
    switch (e.k) {
      case 'num': {
        if (e.suffix === 'f' || (e.float && e.suffix === '')) return constVal('f32', e.value);
        if (e.float) throw new WgslUnsupportedError(`literal with suffix '${e.suffix}'`, e.loc);
        if (e.suffix === 'u') {
          if (e.value > 0xffffffff) throw new WgslUnsupportedError('u32 literal out of range', e.loc);
          return constVal('u32', e.value);
        }
        if (e.suffix === 'i') {
          if (e.value > 0x7fffffff) throw new WgslUnsupportedError('i32 literal out of range', e.loc);
          return constVal('i32', e.value);
        }
        return constVal('aint', e.value);
      }
      case 'bool':
        return constVal('bool', e.value);
      case 'id':
      case 'index':
      case 'member':
        return this.load(this.ref(e, ctx), e.loc);
      case 'unary':
        return this.unary(e, ctx);
      case 'binary': {
        const [a, b] = this.operands([e.left, e.right], ctx);
        return this.binary(e.op, a, b, e.loc);
      }
      case 'call': {
        const v = this.call(e, ctx, false);
        if (!v) throw new WgslUnsupportedError(`${e.callee} returns no value`, e.loc);
        return v;
      }
    }
  }

  /**
   * Operands left to right. A later operand may emit code (an inlined call), which would run before
   * the earlier operand's expression is read: the earlier ones are then held in temporaries first.
   */
  private operands(es: readonly Expr[], ctx: Ctx): Val[] {
    const out: Val[] = [];
    for (const e of es) {
      const saved = this.code;
      const mine: string[] = [];
      this.code = mine;
      let v: Val;
      try {
        v = this.expr(e, ctx);
      } finally {
        this.code = saved;
      }
      if (mine.some((l) => l !== '')) for (let i = 0; i < out.length; i++) out[i] = this.hold(out[i]);
      // Any frame compiled into `mine` has filled its placeholder line by now: moving the lines is safe.
      for (const l of mine) this.code.push(l);
      out.push(v);
    }
    return out;
  }

  private unary(e: Extract<Expr, { k: 'unary' }>, ctx: Ctx): Val {
    if (e.op === '&') {
      const r = this.deptr(this.ref(e.arg, ctx));
      if (r.k !== 'place') throw new WgslUnsupportedError("'&' of something that is not a variable", e.loc);
      return { k: 'p', place: r.place };
    }
    if (e.op === '*') return this.load(this.ref(e, ctx), e.loc);
    const v = this.expr(e.arg, ctx);
    if (v.k !== 's') throw new WgslUnsupportedError(`'${e.op}' of a composite`, e.loc);
    if (e.op === '-') {
      if (v.s === 'bool') throw new WgslUnsupportedError("'-' of a bool", e.loc);
      if (v.u === 'c') return constVal(v.s, -(v.cv as number));
      if (v.s === 'f32') return { ...v, text: `(${v.u === 'v' ? 'f32x4' : 'f32'}.neg ${v.text})` };
      return this.binary('-', constVal(v.s, 0), v, e.loc);
    }
    if (e.op === '!') {
      if (v.s !== 'bool') throw new WgslUnsupportedError("'!' of a non-bool", e.loc);
      if (v.u === 'c') return constVal('bool', !v.cv);
      return { ...v, text: v.u === 'v' ? `(v128.not ${v.text})` : `(i32.eqz ${v.text})` };
    }
    if (e.op === '~') {
      if (!isInt(v.s)) throw new WgslUnsupportedError("'~' of a non-integer", e.loc);
      return this.binary('^', v, constVal(v.s, -1), e.loc);
    }
    throw new WgslUnsupportedError(`operator '${e.op}'`, e.loc);
  }

  private binary(op: string, a0: Val, b0: Val, loc: Loc): Val {
    if (a0.k !== 's' || b0.k !== 's') throw new WgslUnsupportedError(`'${op}' on composites`, loc);
    let a = a0;
    let b = b0;
    if (a.s === 'aint' && b.s !== 'aint' && b.s !== 'bool')
      a = this.convert(a, { k: 's', s: b.s }, loc) as SVal;
    if (b.s === 'aint' && a.s !== 'aint' && a.s !== 'bool')
      b = this.convert(b, { k: 's', s: a.s }, loc) as SVal;
    if (a.s !== b.s && !((op === '<<' || op === '>>') && isInt(a.s) && isInt(b.s)))
      throw new WgslUnsupportedError(`'${op}' between ${a.s} and ${b.s}`, loc);
    const s = a.s;
    const cmp = ['==', '!=', '<', '<=', '>', '>='].includes(op);
    if (s === 'bool' && !['==', '!=', '&&', '||', '&', '|', '^'].includes(op))
      throw new WgslUnsupportedError(`'${op}' on bools`, loc);
    if (s !== 'bool' && (op === '&&' || op === '||')) throw new WgslUnsupportedError(`'${op}' on ${s}`, loc);
    if (s === 'f32' && ['%', '&', '|', '^', '<<', '>>'].includes(op))
      throw new WgslUnsupportedError(`'${op}' on f32`, loc);
    const rs: Scalar = cmp ? 'bool' : s;
    if (a.u === 'c' && b.u === 'c')
      return constVal(rs, fold(op, s, a.cv as number | boolean, b.cv as number | boolean));
    const vary = a.u === 'v' || b.u === 'v';
    if (vary && isInt(s) && (op === '/' || op === '%'))
      throw new WgslUnsupportedError(`'${op}' of w-dependent integers (no SIMD integer division)`, loc);
    if (vary && (op === '<<' || op === '>>') && b.u === 'v')
      throw new WgslUnsupportedError(`'${op}' by a w-dependent amount`, loc);
    const at = vary ? this.vtext(a, loc) : a.text;
    const bt = vary ? this.vtext(b, loc) : b.text;
    const u = vary ? 'v' : 'u';
    let text: string;
    if (s === 'f32') {
      const p = vary ? 'f32x4' : 'f32';
      const name = {
        '+': 'add',
        '-': 'sub',
        '*': 'mul',
        '/': 'div',
        '==': 'eq',
        '!=': 'ne',
        '<': 'lt',
        '<=': 'le',
        '>': 'gt',
        '>=': 'ge',
      }[op];
      if (!name) throw new WgslUnsupportedError(`'${op}' on f32`, loc);
      text = `(${p}.${name} ${at} ${bt})`;
    } else if (s === 'bool') {
      if (vary) {
        const name = { '&&': 'and', '&': 'and', '||': 'or', '|': 'or', '^': 'xor', '!=': 'xor' }[op];
        text = name ? `(v128.${name} ${at} ${bt})` : `(v128.not (v128.xor ${at} ${bt}))`;
      } else {
        const name = { '&&': 'and', '&': 'and', '||': 'or', '|': 'or', '^': 'xor', '!=': 'ne', '==': 'eq' }[
          op
        ];
        text = `(i32.${name} ${at} ${bt})`;
      }
    } else {
      const sg = s === 'u32' ? 'u' : 's';
      const name = {
        '+': 'add',
        '-': 'sub',
        '*': 'mul',
        '/': `div_${sg}`,
        '%': `rem_${sg}`,
        '&': 'and',
        '|': 'or',
        '^': 'xor',
        '<<': 'shl',
        '>>': `shr_${sg}`,
        '==': 'eq',
        '!=': 'ne',
        '<': `lt_${sg}`,
        '<=': `le_${sg}`,
        '>': `gt_${sg}`,
        '>=': `ge_${sg}`,
      }[op];
      if (!name) throw new WgslUnsupportedError(`'${op}' on ${s}`, loc);
      if (!vary) text = `(i32.${name} ${at} ${bt})`;
      else if (op === '&' || op === '|' || op === '^') text = `(v128.${name} ${at} ${bt})`;
      else if (op === '<<' || op === '>>') text = `(i32x4.${name} ${at} ${b.text})`;
      else if (op === '!=') text = `(v128.not (i32x4.eq ${at} ${bt}))`;
      else text = `(i32x4.${name} ${at} ${bt})`;
    }
    return { k: 's', s: rs === 'aint' ? 'i32' : rs, u, text };
  }

  // ----- calls: user functions (inlined), constructors, builtins

  private call(e: Extract<Expr, { k: 'call' }>, ctx: Ctx, statement: boolean): Val | null {
    const fn = this.fns.get(e.callee);
    if (fn) return this.inline(fn, this.operands(e.args, ctx), ctx, e.loc);
    if (statement) throw new WgslUnsupportedError(`calling ${e.callee} as a statement`, e.loc);
    const named = e.type ? this.resolveType(e.type) : this.types.get(e.callee);
    if (named || ['vec2', 'vec3', 'vec4', 'array'].includes(e.callee) || /^vec[234][fiu]$/.test(e.callee))
      return this.construct(named ?? null, e, ctx);
    const args = this.operands(e.args, ctx);
    return this.builtin(e.callee, args, e.loc);
  }

  private construct(t: Ty | null, e: Extract<Expr, { k: 'call' }>, ctx: Ctx): Val {
    const args = this.operands(e.args, ctx);
    let ty =
      t ??
      (/^vec[234][fiu]$/.test(e.callee) ? this.resolveType({ name: e.callee, args: [], loc: e.loc }) : null);
    if (!ty) {
      // vec4(…) / array(…) without a template: the element type of the first argument.
      if (args.length === 0) throw new WgslUnsupportedError(`${e.callee}() without a type`, e.loc);
      const elem = this.concreteTy(this.typeOf(args[0]));
      ty = {
        k: 'arr',
        elem,
        n: e.callee === 'array' ? args.length : Number(e.callee[3]),
        vec: e.callee !== 'array',
      };
    }
    if (ty.k === 's') {
      if (args.length !== 1) throw new WgslUnsupportedError(`${tyName(ty)}() takes one argument`, e.loc);
      return this.cast(ty.s, args[0], e.loc);
    }
    if (ty.k === 'ptr') throw new WgslUnsupportedError('pointer constructor', e.loc);
    const fieldTys =
      ty.k === 'struct'
        ? ty.fields.map((f) => f.ty)
        : Array.from({ length: ty.n }, () => (ty as { elem: Ty }).elem);
    if (args.length === 0) {
      const zero = (t2: Ty): Val =>
        t2.k === 's'
          ? constVal(t2.s, t2.s === 'bool' ? false : 0)
          : {
              k: 'a',
              ty: t2,
              elems: (t2.k === 'struct'
                ? t2.fields.map((f) => f.ty)
                : Array.from({ length: (t2 as { n: number }).n }, () => (t2 as { elem: Ty }).elem)
              ).map(zero),
            };
      return zero(ty);
    }
    if (ty.k === 'arr' && ty.vec && args.length === 1 && args[0].k === 's')
      return { k: 'a', ty, elems: fieldTys.map((ft) => this.convert(args[0], ft, e.loc)) };
    if (args.length !== fieldTys.length)
      throw new WgslUnsupportedError(
        `${tyName(ty)} needs ${fieldTys.length} values, given ${args.length}`,
        e.loc,
      );
    return { k: 'a', ty, elems: args.map((a, i) => this.convert(a, fieldTys[i], e.loc)) };
  }

  private cast(to: Scalar, v: Val, loc: Loc): SVal {
    if (v.k !== 's') throw new WgslUnsupportedError(`${to}() of a composite`, loc);
    if (v.s === to) return v;
    if (v.u === 'c') return constVal(to, castConst(to, v.s, v.cv as number | boolean));
    if (v.u === 'v') {
      // Lane-wise conversions; f32 → integer saturates, as WGSL's.
      const from = v.s;
      let text: string;
      if (to === 'bool')
        text =
          from === 'f32' ? `(f32x4.ne ${v.text} ${ZERO_V})` : `(v128.not (i32x4.eq ${v.text} ${ZERO_V}))`;
      else if (from === 'bool')
        text = `(v128.and ${v.text} ${to === 'f32' ? '(f32x4.splat (f32.const 1))' : '(i32x4.splat (i32.const 1))'})`;
      else if (to === 'f32') text = `(f32x4.convert_i32x4_${from === 'u32' ? 'u' : 's'} ${v.text})`;
      else if (from === 'f32') text = `(i32x4.trunc_sat_f32x4_${to === 'u32' ? 'u' : 's'} ${v.text})`;
      else text = v.text;
      return { k: 's', s: to, u: 'v', text };
    }
    const from = v.s;
    let text: string;
    if (to === 'f32') {
      if (from === 'bool') text = `(select (f32.const 1) (f32.const 0) ${v.text})`;
      else text = `(f32.convert_i32_${from === 'u32' ? 'u' : 's'} ${v.text})`;
    } else if (to === 'bool') {
      text = from === 'f32' ? `(f32.ne ${v.text} (f32.const 0))` : `(i32.ne ${v.text} (i32.const 0))`;
    } else if (from === 'f32') text = `(i32.trunc_sat_f32_${to === 'u32' ? 'u' : 's'} ${v.text})`;
    else text = v.text; // i32 ↔ u32 and bool → integer (0 or 1) keep their bits
    return { k: 's', s: to, u: 'u', text };
  }

  private builtin(name: string, args: Val[], loc: Loc): Val {
    const sargs = (n: number): SVal[] => {
      if (args.length !== n)
        throw new WgslUnsupportedError(`${name} takes ${n} arguments, given ${args.length}`, loc);
      for (const a of args)
        if (a.k !== 's') throw new WgslUnsupportedError(`${name} of a vector or composite`, loc);
      return args as SVal[];
    };
    const f32Arg = (v: SVal): SVal => this.convert(v, F32, loc) as SVal;
    const floatUnary = (op: string, f: (x: number) => number): SVal => {
      const [x0] = sargs(1);
      const x = f32Arg(x0);
      if (x.u === 'c') return constVal('f32', f(x.cv as number));
      return { k: 's', s: 'f32', u: x.u, text: `(${x.u === 'v' ? 'f32x4' : 'f32'}.${op} ${x.text})` };
    };
    const vmath = (fn: string): SVal => {
      const [x0] = sargs(1);
      const x = f32Arg(x0);
      const text = `(call $${fn} ${this.vtext(x, loc)})`;
      // Uniform arguments go through the same vector code (lane 0), so all lanes see one function.
      return x.u === 'v'
        ? { k: 's', s: 'f32', u: 'v', text }
        : { k: 's', s: 'f32', u: 'u', text: `(f32x4.extract_lane 0 ${text})` };
    };
    switch (name) {
      case 'lp':
      case 'lp4': {
        const [i0] = sargs(1);
        const i = this.convert(i0, U32, loc) as SVal;
        if (i.u === 'v') throw new WgslUnsupportedError(`${name} of a w-dependent index`, loc);
        const size = name === 'lp' ? 4 : 16;
        const at = (c: number): SVal =>
          i.u === 'c'
            ? {
                k: 's',
                s: 'f32',
                u: 'u',
                text: `(f32.load offset=${size * (i.cv as number) + c} (global.get $lp_base))`,
              }
            : {
                k: 's',
                s: 'f32',
                u: 'u',
                text: `(f32.load offset=${c} (i32.add (global.get $lp_base) (i32.mul ${i.text} (i32.const ${size}))))`,
              };
        if (name === 'lp') return at(0);
        return { k: 'a', ty: { k: 'arr', elem: F32, n: 4, vec: true }, elems: [0, 4, 8, 12].map(at) };
      }
      case 'abs': {
        const [x] = sargs(1);
        if (x.s === 'f32' || x.s === 'aint') {
          if (x.s === 'aint') return constVal('aint', Math.abs(x.cv as number));
          return floatUnary('abs', Math.abs);
        }
        if (x.s === 'u32') return x;
        if (x.u === 'c') return constVal('i32', Math.abs(x.cv as number));
        if (x.u === 'v') return { k: 's', s: 'i32', u: 'v', text: `(i32x4.abs ${x.text})` };
        const t = this.hold(x) as SVal;
        return {
          k: 's',
          s: 'i32',
          u: 'u',
          text: `(select ${t.text} (i32.sub (i32.const 0) ${t.text}) (i32.ge_s ${t.text} (i32.const 0)))`,
        };
      }
      case 'sqrt':
        return floatUnary('sqrt', Math.sqrt);
      case 'floor':
        return floatUnary('floor', Math.floor);
      case 'ceil':
        return floatUnary('ceil', Math.ceil);
      case 'trunc':
        return floatUnary('trunc', Math.trunc);
      case 'round':
        return floatUnary('nearest', roundHalfEven);
      case 'exp':
        return vmath('vexp');
      case 'log':
        return vmath('vlog');
      case 'sin':
        return vmath('vsin');
      case 'cos':
        return vmath('vcos');
      case 'tanh':
        return vmath('vtanh');
      case 'fract': {
        const [x] = sargs(1);
        const t = this.hold(f32Arg(x)) as SVal;
        return this.binary('-', t, this.builtin('floor', [t], loc), loc);
      }
      case 'inverseSqrt': {
        const [x] = sargs(1);
        return this.binary('/', constVal('f32', 1), this.builtin('sqrt', [x], loc), loc);
      }
      case 'pow': {
        // WGSL: pow(x, y) = exp2(y·log2 x), defined for x > 0; here exp(y·log x), the same function.
        const [x, y] = sargs(2);
        return this.builtin('exp', [this.binary('*', f32Arg(y), this.builtin('log', [x], loc), loc)], loc);
      }
      case 'sign': {
        const [x0] = sargs(1);
        const x = this.hold(f32Arg(x0)) as SVal;
        if (x.u === 'c') return constVal('f32', Math.sign(x.cv as number));
        const zero = constVal('f32', 0);
        const pos = this.builtin('select', [zero, constVal('f32', 1), this.binary('>', x, zero, loc)], loc);
        const neg = this.builtin('select', [zero, constVal('f32', 1), this.binary('<', x, zero, loc)], loc);
        return this.binary('-', pos, neg, loc);
      }
      case 'min':
      case 'max': {
        const [a0, b0] = sargs(2);
        let a = a0;
        let b = b0;
        if (a.s === 'aint' && b.s !== 'aint') a = this.convert(a, { k: 's', s: b.s }, loc) as SVal;
        if (b.s === 'aint' && a.s !== 'aint') b = this.convert(b, { k: 's', s: a.s }, loc) as SVal;
        if (a.s !== b.s || a.s === 'bool')
          throw new WgslUnsupportedError(`${name} of ${a.s} and ${b.s}`, loc);
        if (a.u === 'c' && b.u === 'c') {
          const [x, y] = [a.cv as number, b.cv as number];
          return constVal(a.s, name === 'min' ? Math.min(x, y) : Math.max(x, y));
        }
        if (a.s === 'f32') {
          const vary = a.u === 'v' || b.u === 'v';
          const [at, bt] = vary ? [this.vtext(a, loc), this.vtext(b, loc)] : [a.text, b.text];
          return {
            k: 's',
            s: 'f32',
            u: vary ? 'v' : 'u',
            text: `(${vary ? 'f32x4' : 'f32'}.${name} ${at} ${bt})`,
          };
        }
        if (a.u === 'v' || b.u === 'v') {
          const sg = a.s === 'u32' ? 'u' : 's';
          return {
            k: 's',
            s: a.s,
            u: 'v',
            text: `(i32x4.${name}_${sg} ${this.vtext(a, loc)} ${this.vtext(b, loc)})`,
          };
        }
        const ha = this.hold(a) as SVal;
        const hb = this.hold(b) as SVal;
        const lt = this.binary('<', ha, hb, loc) as SVal;
        const [first, second] = name === 'min' ? [ha, hb] : [hb, ha];
        return { k: 's', s: a.s, u: 'u', text: `(select ${first.text} ${second.text} ${lt.text})` };
      }
      case 'clamp': {
        const [x, lo, hi] = sargs(3);
        return this.builtin('min', [this.builtin('max', [x, lo], loc), hi], loc);
      }
      case 'select': {
        const [f0, t0, c] = sargs(3);
        if (c.s !== 'bool') throw new WgslUnsupportedError('select condition that is not a bool', loc);
        let f = f0;
        let t = t0;
        if (f.s === 'aint' && t.s !== 'aint') f = this.convert(f, { k: 's', s: t.s }, loc) as SVal;
        if (t.s === 'aint' && f.s !== 'aint') t = this.convert(t, { k: 's', s: f.s }, loc) as SVal;
        if (f.s !== t.s) throw new WgslUnsupportedError(`select of ${f.s} and ${t.s}`, loc);
        if (c.u === 'c') return c.cv ? t : f;
        if (c.u === 'u' && f.u !== 'v' && t.u !== 'v') {
          if (f.s === 'aint') {
            f = this.convert(f, { k: 's', s: 'i32' }, loc) as SVal;
            t = this.convert(t, { k: 's', s: 'i32' }, loc) as SVal;
          }
          return { k: 's', s: f.s, u: 'u', text: `(select ${t.text} ${f.text} ${c.text})` };
        }
        if (c.u === 'u')
          return {
            k: 's',
            s: f.s,
            u: 'v',
            text: `(select ${this.vtext(t, loc)} ${this.vtext(f, loc)} ${c.text})`,
          };
        return {
          k: 's',
          s: f.s,
          u: 'v',
          text: `(v128.bitselect ${this.vtext(t, loc)} ${this.vtext(f, loc)} ${c.text})`,
        };
      }
      case 'f32':
      case 'u32':
      case 'i32':
      case 'bool': {
        const [x] = sargs(1);
        return this.cast(name, x, loc);
      }
      default:
        throw new WgslUnsupportedError(`function '${name}' (not in the CPU subset)`, loc);
    }
  }
}

type Ref =
  | { readonly k: 'place'; readonly place: Place }
  | { readonly k: 'val'; readonly val: Val }
  /** An element chosen at run time by a uniform index. */
  | {
      readonly k: 'dyn';
      readonly items: readonly (Place | Val)[];
      readonly places: boolean;
      readonly index: SVal;
    };

function placeElems(p: Place, loc: Loc): readonly Place[] {
  if (p.k !== 'a' || p.ty.k !== 'arr')
    throw new WgslUnsupportedError('indexing something that is not an array', loc);
  return p.elems;
}
function valElems(v: Val, loc: Loc): readonly Val[] {
  if (v.k !== 'a' || v.ty.k !== 'arr')
    throw new WgslUnsupportedError('indexing something that is not an array', loc);
  return v.elems;
}

function flatten(v: Val): SVal[] {
  if (v.k === 's') return [v];
  if (v.k === 'a') return v.elems.flatMap(flatten);
  return [];
}
function flattenPlace(p: Place): SPlace[] {
  return p.k === 's' ? [p] : p.elems.flatMap(flattenPlace);
}
