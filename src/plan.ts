import pLimit from 'p-limit';
import {
  type BulkOptions,
  type BulkReport,
  type BulkSettings,
  listMany,
  type ResourceResult,
  type WriteInput,
  writeMany,
} from './bulk.js';
import { countCalls } from './clients.js';
import type { Engine } from './engine.js';
import { InvalidTagError, toUnitagError, type UnitagError } from './errors.js';
import { copyTags, hasTag, newTags, tagsFromEntries } from './shapes.js';
import type { Tags } from './types.js';
import { checkTagCount, isReservedKey, validateKeys, validateTags } from './validate.js';

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

/** One resource in a plan. */
export interface PlanEntry {
  arn: string;
  versionId?: string | undefined;
  type?: string | undefined;
  /** `change`: `apply` will write; `noop`: nothing to do, no write; `failed`: see `error`, no write. */
  status: 'change' | 'noop' | 'failed';
  before?: Tags | undefined;
  after?: Tags | undefined;
  /** Keys `apply` will set, with their new values. */
  set: Tags;
  /** Keys `apply` will remove. */
  remove: string[];
  error?: UnitagError | undefined;
}

/** A plan: a before -> after diff per resource, and the calls its reads cost. */
export interface Plan {
  entries: PlanEntry[];
  totals: { total: number; change: number; noop: number; failed: number };
  /** AWS calls made to read the current tags. */
  calls: number;
}

/** Reads the current tags of every resource (and copy source) and computes what applying would change. */
export async function plan(engine: Engine, changes: Change[], settings: BulkSettings): Promise<Plan> {
  const { value: current, calls } = await countCalls(() => readCurrent(engine, changes, settings));

  const entries = new Map<string, PlanEntry>();
  for (const change of changes) {
    const id = change.versionId ? `${change.arn}?${change.versionId}` : change.arn;
    const known = entries.get(id);
    if (known?.status === 'failed') continue;
    const entry = known ?? newEntry(change, current.get(id));
    entries.set(id, entry);
    if (entry.status === 'failed') continue;
    try {
      const source = sourceArn(change);
      const sourceTags = source === undefined ? undefined : current.get(source);
      if (sourceTags?.error) throw sourceTags.error;
      const caseInsensitive = engine.resolve(change.arn).info.rules.caseInsensitiveKeys;
      entry.after = applyChange(entry.after as Tags, change, sourceTags?.tags, caseInsensitive);
    } catch (error) {
      Object.assign(entry, { status: 'failed', error: toUnitagError(error, { arn: change.arn }) });
    }
  }
  for (const entry of entries.values()) if (entry.status !== 'failed') diff(engine, entry);

  const list = [...entries.values()];
  const count = (status: PlanEntry['status']) => list.filter((e) => e.status === status).length;
  return {
    entries: list,
    totals: { total: list.length, change: count('change'), noop: count('noop'), failed: count('failed') },
    calls,
  };
}

function sourceArn(change: Change): string | undefined {
  return typeof change.copyFrom === 'string' ? change.copyFrom : change.copyFrom?.arn;
}

/**
 * The current tags of every target and copy source, batched through `listMany`; versioned S3 objects are read
 * with their version, under the same concurrency. Keyed by ARN, or `arn?versionId`.
 */
async function readCurrent(engine: Engine, changes: Change[], settings: BulkSettings) {
  const plain = changes.filter((c) => !c.versionId).map((c) => c.arn);
  const sources = changes.map(sourceArn).filter((a): a is string => a !== undefined);
  const read = await listMany(engine, [...new Set([...plain, ...sources])], settings);
  const current = new Map<string, ResourceResult>(read.results.map((r) => [r.arn, r]));
  const limit = pLimit(settings.concurrency);
  const versioned = changes.filter((c) => c.versionId);
  await Promise.all(
    versioned.map((c) =>
      limit(async () => {
        const id = `${c.arn}?${c.versionId}`;
        try {
          current.set(id, { arn: c.arn, outcome: 'unchanged', tags: await engine.list(c.arn, c) });
        } catch (error) {
          current.set(id, { arn: c.arn, outcome: 'failed', error: toUnitagError(error, c) });
        }
      }),
    ),
  );
  return current;
}

/** Makes exactly the writes the plan lists; `noop` and `failed` entries make none. */
export function apply(
  engine: Engine,
  planned: Plan,
  settings: BulkSettings,
  options?: BulkOptions,
): Promise<BulkReport> {
  const inputs: WriteInput[] = planned.entries.map((e) => {
    const base = {
      arn: e.arn,
      set: e.set,
      remove: e.remove,
      versionId: e.versionId,
      before: e.before,
      after: e.after,
    };
    if (e.status === 'change') return base;
    const preset =
      e.status === 'noop'
        ? { arn: e.arn, type: e.type, outcome: 'unchanged' as const, before: e.before, after: e.after }
        : { arn: e.arn, type: e.type, outcome: 'failed' as const, before: e.before, error: e.error };
    return { ...base, preset };
  });
  return writeMany(engine, inputs, settings, options);
}

function newEntry(
  change: Change,
  read: { tags?: Tags | undefined; error?: UnitagError | undefined } | undefined,
) {
  const entry: PlanEntry = {
    arn: change.arn,
    versionId: change.versionId,
    status: 'change',
    set: newTags(),
    remove: [],
  };
  if (!read || read.error || !read.tags) {
    // A failed read is never "no tags": the resource is left alone.
    return { ...entry, status: 'failed' as const, error: read?.error };
  }
  return { ...entry, before: copyTags(read.tags), after: copyTags(read.tags) };
}

// Tags are prototype-free objects (see newTags): a key such as `constructor` or `__proto__` is only ever an
// own key, so `hasTag`, assignment and `delete` treat it like any other.
function applyChange(before: Tags, change: Change, source: Tags | undefined, caseInsensitive: boolean): Tags {
  const after = copyTags(before);
  // Where keys ignore case (IAM users and roles), a key is written under the spelling the resource has stored.
  const stored = (key: string) =>
    caseInsensitive ? (Object.keys(after).find((k) => k.toLowerCase() === key.toLowerCase()) ?? key) : key;
  if (change.copyFrom !== undefined) {
    const keys = typeof change.copyFrom === 'string' ? undefined : change.copyFrom.keys;
    for (const [key, value] of Object.entries(source ?? {})) {
      if (!isReservedKey(key) && (!keys || keys.includes(key))) after[key] = value;
    }
  }
  for (const [from, to] of Object.entries(change.rename ?? {})) {
    if (isReservedKey(from)) throw new InvalidTagError(`Cannot rename the reserved key "${from}".`, change);
    const source = stored(from);
    if (hasTag(after, source)) {
      const value = after[source] as string;
      delete after[source];
      after[to] = value;
    }
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

// Works out the writes from before -> after and checks them against the resource's rules.
function diff(engine: Engine, entry: PlanEntry): void {
  const before = entry.before as Tags;
  const after = entry.after as Tags;
  try {
    const { info } = engine.resolve(entry.arn);
    entry.type = info.type;
    entry.set = tagsFromEntries(
      Object.entries(after).filter(([k, v]) => !hasTag(before, k) || before[k] !== v),
    );
    entry.remove = Object.keys(before).filter((k) => !hasTag(after, k));
    validateTags(entry.set, { ...info.rules, maxTags: Number.POSITIVE_INFINITY }, entry.arn);
    validateKeys(entry.remove, info.rules, entry.arn);
    checkTagCount(after, info.rules, entry.arn);
    if (info.rules.caseInsensitiveKeys) {
      // On IAM users and roles `Team` and `team` are one key: setting one and removing the other would remove both.
      const setKeys = new Set(Object.keys(entry.set).map((k) => k.toLowerCase()));
      const clash = entry.remove.find((k) => setKeys.has(k.toLowerCase()));
      if (clash) {
        throw new InvalidTagError(
          `"${clash}" is removed and set again in another case; this resource ignores key case. Change the value instead.`,
          { arn: entry.arn },
        );
      }
    }
    entry.status = Object.keys(entry.set).length === 0 && entry.remove.length === 0 ? 'noop' : 'change';
  } catch (error) {
    Object.assign(entry, { status: 'failed', error: toUnitagError(error, { arn: entry.arn }) });
  }
}
