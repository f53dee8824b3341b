// Where a resource's live tags differ from what its infrastructure-as-code tool declares, in both directions: a
// declared key missing or with another value (the tool's next run sets it back), and with a tool that owns the
// whole set a live key it does not declare (its next run removes it). `unitag check --iac` reports them.
import { newTags } from '../core/shapes.js';
import type { Tags } from '../core/types.js';
import type { IacResource } from './types.js';

/** One resource's drift. */
export interface Drift {
  /** Declared keys the resource lacks, or carries with another known value (a key whose value is unknown: lacks). */
  differs: string[];
  /** Keys the resource carries that a whole-set tool does not declare (its next run removes them). */
  extra: string[];
  /** The declared values of `differs`: what a fix sets back. */
  restore: Tags;
}

/** The drift of live tags from a declaration; empty lists when they agree. */
export function driftOf(resource: IacResource, live: Tags): Drift {
  const { declared, authority, ignores } = resource;
  const restore = newTags();
  const differs: string[] = [];
  for (const key of Object.keys(declared)) {
    const value = declared[key];
    if (ignores?.(key)) continue;
    // A value the source does not hold (`!Ref Env`, a secret) can only be missed: it cannot be compared or restored.
    if (value === undefined) {
      if (!Object.hasOwn(live, key)) differs.push(key);
      continue;
    }
    if (!Object.hasOwn(live, key) || live[key] !== value) {
      differs.push(key);
      restore[key] = value;
    }
  }
  const extra =
    authority === 'whole'
      ? Object.keys(live).filter((k) => !Object.hasOwn(declared, k) && !k.startsWith('aws:') && !ignores?.(k))
      : [];
  return { differs: differs.sort(), extra: extra.sort(), restore };
}
