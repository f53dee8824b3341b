// A change to one resource's tags: what it asks for, what it does to the tags (copy, rename, set, set if absent,
// remove, in that order), whether doing it again would change them again, and its keys checked against the rules.
import { InvalidTagError, TagConflictError } from '../core/errors.js';
import { copyTags, hasTag } from '../core/shapes.js';
import type { TagRules, Tags } from '../core/types.js';
import { isReservedKey, validateKeys, validateTags } from '../core/validate.js';

/**
 * What to do to one resource. Steps apply in this order: `copyFrom`, `rename`, `set`, `setIfAbsent`,
 * `remove`. Several changes naming the same ARN are applied one after the other.
 */
export interface Change {
  arn: string;
  /** S3 objects only: the version to change. */
  versionId?: string | undefined;
  /** Keys to set (overwriting their values). */
  set?: Tags | undefined;
  /** Keys to remove. */
  remove?: string[] | undefined;
  /** Renames `old -> new`, keeping the value; a key the resource does not carry is left alone. */
  rename?: Record<string, string> | undefined;
  /** Keys to set only where the resource does not carry them yet. */
  setIfAbsent?: Tags | undefined;
  /** Copies tags from another resource (its `aws:` tags excluded), all of them or the keys named. */
  copyFrom?: string | { arn: string; keys?: string[] | undefined } | undefined;
}

/** Checks one change's keys and values against the rules (`tag`'s and `untag`'s checks). */
export function checkChange(change: Change, rules: TagRules): void {
  if (change.set) validateTags(change.set, rules, change.arn);
  if (change.setIfAbsent) validateTags(change.setIfAbsent, rules, change.arn);
  if (change.remove) validateKeys(change.remove, rules, change.arn);
  const rename = Object.entries(change.rename ?? {});
  validateKeys(
    rename.map(([from]) => from),
    rules,
    change.arn,
  );
  validateKeys(
    rename.map(([, to]) => to),
    rules,
    change.arn,
  );
  // copyFrom's keys are not checked: a key the source does not carry, or an aws: one, is simply not copied.
}

/** The ARN a change copies tags from, if any. */
export function sourceArn(change: Change): string | undefined {
  return typeof change.copyFrom === 'string' ? change.copyFrom : change.copyFrom?.arn;
}

/**
 * True when applying `changes` again to the tags they leave (`after`) leaves them as they are: only a rename, a
 * set-if-absent or a copy depends on the tags it starts from. `sourceTags` gives a copy source's tags.
 */
export function reappliesSame(
  after: Tags,
  changes: Change[],
  sourceTags: (arn: string) => Tags | undefined,
  caseInsensitive: boolean,
): boolean {
  if (!changes.some((c) => c.rename || c.setIfAbsent || c.copyFrom)) return true;
  try {
    let again = after;
    for (const change of changes) {
      const source = sourceArn(change);
      again = applyChange(
        again,
        change,
        source === undefined ? undefined : sourceTags(source),
        caseInsensitive,
      );
    }
    const keys = Object.keys(again);
    return (
      keys.length === Object.keys(after).length &&
      keys.every((k) => hasTag(after, k) && after[k] === again[k])
    );
  } catch {
    return false;
  }
}

/** What a rename or copy does where the resource already carries the destination key with another value. */
export type OnConflict = 'fail' | 'overwrite' | 'keep';

/** The tags `change` leaves on a resource that carries `before` (`source`: its copy source's tags). */
// Tags are prototype-free objects (see newTags): a key such as `constructor` or `__proto__` is only ever an
// own key, so `hasTag`, assignment and `delete` treat it like any other.
// A rename or copy onto a key the resource carries with another value is a conflict: `fail` throws TagConflict
// (the resource is left as it is), `overwrite` replaces the value, `keep` leaves both keys as they are. Each
// conflict met is counted in `conflicts` (when given), whatever the choice.
export function applyChange(
  before: Tags,
  change: Change,
  source: Tags | undefined,
  caseInsensitive: boolean,
  onConflict: OnConflict = 'overwrite',
  conflicts?: { count: number },
): Tags {
  const after = copyTags(before);
  // Where keys ignore case (IAM users and roles), a key is written under the spelling the resource has stored.
  const stored = (key: string) =>
    caseInsensitive ? (Object.keys(after).find((k) => k.toLowerCase() === key.toLowerCase()) ?? key) : key;
  // True when `value` may go under `key` (no conflict, or overwrite); false: keep what is there.
  const mayWrite = (key: string, value: string, what: string, except?: string) => {
    const there = stored(key);
    if (!hasTag(after, there) || there === except || after[there] === value) return true;
    if (conflicts) conflicts.count++;
    if (onConflict === 'overwrite') return true;
    if (onConflict === 'keep') return false;
    throw new TagConflictError(
      `${what} would replace ${there}="${after[there]}" with "${value}": the resource already carries ${there} ` +
        'with another value, and nothing is written to it. Choose with --on-conflict overwrite (replace the ' +
        'value) or keep (leave both keys as they are); library: onConflict.',
      { arn: change.arn },
    );
  };
  if (change.copyFrom !== undefined) {
    const keys = typeof change.copyFrom === 'string' ? undefined : change.copyFrom.keys;
    for (const [key, value] of Object.entries(source ?? {})) {
      if (isReservedKey(key) || (keys && !keys.includes(key))) continue;
      if (mayWrite(key, value, `copying ${key} from ${sourceArn(change)}`)) after[key] = value;
    }
  }
  for (const [from, to] of Object.entries(change.rename ?? {})) {
    if (isReservedKey(from)) throw new InvalidTagError(`Cannot rename the reserved key "${from}".`, change);
    const source = stored(from);
    if (!hasTag(after, source)) continue;
    const value = after[source] as string;
    if (!mayWrite(to, value, `renaming ${source} to ${to}`, source)) continue;
    delete after[source];
    after[to] = value;
  }
  for (const [key, value] of Object.entries(change.set ?? {})) after[stored(key)] = value;
  for (const [key, value] of Object.entries(change.setIfAbsent ?? {})) {
    if (!hasTag(after, stored(key))) after[key] = value;
  }
  for (const key of change.remove ?? []) {
    if (isReservedKey(key)) throw new InvalidTagError(`Cannot remove the reserved key "${key}".`, change);
    delete after[stored(key)];
  }
  return after;
}
