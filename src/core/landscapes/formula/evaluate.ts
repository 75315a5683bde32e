/**
 * TypeScript twin of compiled formulas: an interpreter over the same AST (f64), value and gradient
 * by reverse-mode differentiation. It checks the WGSL code generator and drives the CPU reference;
 * the walkers always run the WGSL.
 *
 * Subgradients at non-differentiable points: abs'(0) = 0, relu'(0) = 0, and at a tie min(a, b) and
 * max(a, b) pass half of the adjoint to each argument (the midpoint of the Clarke subdifferential).
 * sqrt'(0) and log'(0) are infinite: walkers that reach them are counted as diverged.
 */
import type { Node } from './parse';

/** x^y as the shader computes it (see formula_pow in shaders/formula-prelude.wgsl). */
export function formulaPow(x: number, y: number): number {
  const k = Math.round(y);
  if (k === y && Math.abs(k) <= 64) {
    let r = 1;
    for (let i = 0; i < Math.abs(k); i++) r *= x;
    return k < 0 ? 1 / r : r;
  }
  return Math.exp(y * Math.log(x));
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const softplus = (x: number) => Math.max(x, 0) + Math.log(1 + Math.exp(-Math.abs(x)));
const minShare = (a: number, b: number) => (a < b ? 1 : a > b ? 0 : 0.5);

export function evaluate(node: Node, w: readonly number[], c: readonly number[]): number {
  switch (node.kind) {
    case 'num':
      return node.value;
    case 'param':
      return w[node.index];
    case 'const':
      return c[node.index];
    case 'neg':
      return -evaluate(node.arg, w, c);
    case 'bin': {
      const l = evaluate(node.left, w, c);
      const r = evaluate(node.right, w, c);
      switch (node.op) {
        case '+':
          return l + r;
        case '-':
          return l - r;
        case '*':
          return l * r;
        case '/':
          return l / r;
        case '^':
          return formulaPow(l, r);
      }
      break;
    }
    case 'call': {
      const [a, b] = node.args.map((arg) => evaluate(arg, w, c));
      switch (node.fn) {
        case 'abs':
          return Math.abs(a);
        case 'min':
          return Math.min(a, b);
        case 'max':
          return Math.max(a, b);
        case 'exp':
          return Math.exp(a);
        case 'log':
          return Math.log(a);
        case 'sqrt':
          return Math.sqrt(a);
        case 'sin':
          return Math.sin(a);
        case 'cos':
          return Math.cos(a);
        case 'tanh':
          return Math.tanh(a);
        case 'sigmoid':
          return sigmoid(a);
        case 'softplus':
          return softplus(a);
        case 'relu':
          return Math.max(a, 0);
      }
    }
  }
  throw new Error('unreachable');
}

/** A node's arguments, in order (none for numbers, parameters and constants). */
export const children = (node: Node): readonly Node[] =>
  node.kind === 'neg'
    ? [node.arg]
    : node.kind === 'bin'
      ? [node.left, node.right]
      : node.kind === 'call'
        ? node.args
        : [];

/** True when a subtree depends on the parameters (only those need adjoints). */
export function dependsOnParams(node: Node): boolean {
  return node.kind === 'param' || children(node).some(dependsOnParams);
}

/**
 * Local partial derivatives of a node with respect to each argument, given argument values and the
 * node's value: the same table the WGSL generator emits.
 */
export function localPartials(node: Node, args: readonly number[], value: number): number[] {
  const [a, b] = args;
  switch (node.kind) {
    case 'neg':
      return [-1];
    case 'bin':
      switch (node.op) {
        case '+':
          return [1, 1];
        case '-':
          return [1, -1];
        case '*':
          return [b, a];
        case '/':
          return [1 / b, -a / (b * b)];
        case '^':
          return [b * formulaPow(a, b - 1), value * Math.log(a)];
      }
      break;
    case 'call':
      switch (node.fn) {
        case 'abs':
          return [Math.sign(a)];
        case 'min':
          return [minShare(a, b), 1 - minShare(a, b)];
        case 'max':
          return [minShare(b, a), 1 - minShare(b, a)];
        case 'exp':
          return [value];
        case 'log':
          return [1 / a];
        case 'sqrt':
          return [0.5 / value];
        case 'sin':
          return [Math.cos(a)];
        case 'cos':
          return [-Math.sin(a)];
        case 'tanh':
          return [1 - value * value];
        case 'sigmoid':
          return [value * (1 - value)];
        case 'softplus':
          return [sigmoid(a)];
        case 'relu':
          return [a > 0 ? 1 : 0];
      }
  }
  return [];
}

/** Value and gradient (length dim) by reverse mode over the tree. */
export function evaluateWithGradient(
  ast: Node,
  w: readonly number[],
  c: readonly number[],
  dim: number,
): { value: number; grad: number[] } {
  const grad = new Array<number>(dim).fill(0);
  const backward = (node: Node, adjoint: number): number => {
    if (node.kind === 'param') {
      grad[node.index] += adjoint;
      return w[node.index];
    }
    const kids = children(node);
    const values = kids.map((k) => evaluate(k, w, c));
    const value = evaluate(node, w, c);
    const partials = localPartials(node, values, value);
    kids.forEach((kid, i) => {
      if (dependsOnParams(kid)) backward(kid, adjoint * partials[i]);
    });
    return value;
  };
  const value = dependsOnParams(ast) ? backward(ast, 1) : evaluate(ast, w, c);
  return { value, grad };
}
