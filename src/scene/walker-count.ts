/**
 * How many walkers a scene runs, in one place: the one limit the schema validates against, the "auto"
 * defaults by adapter kind, and the cap at the device's own limit (walker-engine's maxWalkers).
 */

/** Walker counts the app accepts before the device limit (checked at run time) applies. */
export const MAX_WALKERS = 1 << 24;

/** Default walker counts when the state says "auto" (0). */
export const AUTO_WALKERS = { hardware: 1 << 18, software: 1 << 15 } as const;

export interface WalkerCount {
  readonly count: number;
  readonly capped: boolean;
  readonly limit: number;
}

/** 0 means auto (by adapter kind); anything above the device limit is capped to it. */
export function resolveWalkerCount(requested: number, software: boolean, limit: number): WalkerCount {
  const want = requested > 0 ? requested : software ? AUTO_WALKERS.software : AUTO_WALKERS.hardware;
  return { count: Math.min(want, limit), capped: want > limit, limit };
}
