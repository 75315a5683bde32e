/** The landscape dropdown's titles: the registry's own, and the ones the scene builds from its fields. */
import { findLandscape } from '../../core/landscapes/landscapes';
import type { AppLandscapeId } from '../../scene/landscape';

const TITLES: Record<AppLandscapeId, string> = {
  formula: 'Formula (type a loss)',
  poly: 'Polynomial model (the post’s 15-D)',
  mlp: 'Tiny network (teacher → student)',
  rrr: 'Reduced-rank regression (exact λ)',
};

/** The dropdown title of a landscape id. */
export function landscapeTitle(id: string): string {
  return findLandscape(id)?.title ?? TITLES[id as AppLandscapeId] ?? id;
}
