/**
 * The random network's flags (--inputs, --hidden, --activation, --init, --bias-init, --sw, --sb,
 * --domain), parsed once for `randnet` and `sgd-vs-bayes`. The defaults are the scene schema's (the
 * app's function-space and SGD-vs-Bayes fields), the ranges src/core/limits.ts's f32 bounds.
 */
import {
  ACTIVATIONS,
  type Activation,
  INIT_KINDS,
  INPUT_DOMAINS,
  type InitKind,
  type InputDomain,
  MAX_INPUTS,
  parseHiddenWidths,
  type RandNetConfig,
  validateRandNet,
} from '../core/function-space/randnet';
import { LIMITS, randNetWeightRange } from '../core/limits';
import { schema } from '../scene/schema';
import { asUsage, choice, intIn, limited, num, UsageError } from './flags';

export const NET_FLAGS = [
  'inputs',
  'hidden',
  'activation',
  'init',
  'bias-init',
  'sw',
  'sb',
  'domain',
] as const;
export type NetFlag = (typeof NET_FLAGS)[number];

/** What a network flag gives when it is absent (the schema's defaults for the command's fields). */
export interface NetDefaults {
  readonly inputs: number;
  readonly hidden: string;
  readonly activation: Activation;
  readonly init: InitKind;
  readonly sw: number;
  readonly sb: number;
  readonly domain: InputDomain;
}

/** The defaults of the app's function-space (rn…) or SGD-vs-Bayes (sg…) network fields. */
export function schemaNetDefaults(prefix: 'rn' | 'sg'): NetDefaults {
  return {
    inputs: schema[`${prefix}Inputs`].default,
    hidden: schema[`${prefix}Hidden`].default,
    activation: schema[`${prefix}Act`].default,
    init: schema[`${prefix}Init`].default,
    sw: schema[`${prefix}Sw`].default,
    sb: schema[`${prefix}Sb`].default,
    domain: schema[`${prefix}Domain`].default,
  };
}

function parseHidden(text: string): number[] {
  // An empty value is a slip (an unset shell variable), not a request for a perceptron: say 'none'.
  if (text.trim() === '') throw new UsageError("--hidden: expected widths such as 40,40 or 'none', got ''");
  return asUsage(
    () => parseHiddenWidths(text),
    (e) => `--hidden: ${(e as Error).message}`,
  );
}

/** The network the flags describe, validated; throws UsageError naming the flag. */
export function parseNetFlags(
  v: Readonly<Partial<Record<NetFlag, string>>>,
  seed: number,
  defaults: NetDefaults,
): RandNetConfig {
  const init = choice<InitKind>('init', v.init, INIT_KINDS, defaults.init);
  const hidden = parseHidden(v.hidden ?? defaults.hidden);
  const net: RandNetConfig = {
    inputs: num('inputs', v.inputs, defaults.inputs, intIn(1, MAX_INPUTS), `an integer in 1..${MAX_INPUTS}`),
    hidden,
    activation: choice<Activation>('activation', v.activation, ACTIVATIONS, defaults.activation),
    init,
    biasInit: choice<InitKind>('bias-init', v['bias-init'], INIT_KINDS, init),
    sw: limited('sw', v.sw, defaults.sw, randNetWeightRange(hidden.length)),
    sb: limited('sb', v.sb, defaults.sb, LIMITS.biasScale),
    domain: choice<InputDomain>('domain', v.domain, INPUT_DOMAINS, defaults.domain),
    seed,
  };
  asUsage(
    () => validateRandNet(net),
    (err) => `--${(err as Error).message}`,
  );
  return net;
}
