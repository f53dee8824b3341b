import pLimit from 'p-limit';
import { countCalls } from '../core/clients.js';
import type { Engine } from '../core/engine.js';
import { AbortedError, InvalidTagError, type UnitagError } from '../core/errors.js';
import { copyTags, hasTag, newTags, tagsFromEntries } from '../core/shapes.js';
import type { TaggingApiPolicy } from '../core/tagging-api-policy.js';
import type { TagRules, Tags, Target } from '../core/types.js';
import { checkTagCount, isReservedKey, validateKeys, validateTags, validateWrite } from '../core/validate.js';
import { type BulkOptions, type BulkSettings, listMany, type WriteInput, writeMany } from './bulk.js';
import {
  type BulkReport,
  lineKey,
  type OutputJson,
  type ReportJson,
  resumedLines,
  type WriteResult,
} from './report.js';

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
  /** Done in the report the plan resumes: not read again, nothing to write. */
  resumed?: boolean | undefined;
}

/** A plan: a before -> after diff per resource, and the calls its reads cost. */
export interface Plan {
  entries: PlanEntry[];
  totals: { total: number; change: number; noop: number; failed: number };
  /** AWS calls made to read the current tags. */
  calls: number;
  /** How long the plan took. */
  durationMs?: number | undefined;
}

/** Options of `plan`. */
export interface PlanOptions {
  /** Aborts the plan's reads: the plan then rejects with an `Aborted` error. */
  signal?: AbortSignal | undefined;
  /**
   * A report of an earlier run of the same job: resources it says are done are not read again; their entries
   * are `noop`, marked `resumed`, with the report's before and after (and `apply` with the same `resume`
   * reports them as they were).
   */
  resume?: BulkReport | ReportJson | undefined;
  /**
   * Tags to take as the current ones instead of reading them, by ARN (objects without a version): what an
   * earlier part of a job, planned but not written, leaves them as. A streamed plan passes them on.
   */
  current?: ReadonlyMap<string, Tags> | undefined;
}

// The target each entry was planned against, so that `apply` neither parses nor validates it again. Kept out of
// the entry itself: a plan is plain data that can be printed, stored and read back.
const planned = new WeakMap<PlanEntry, Target>();

// The entries whose changes, applied again to their own `after`, would change it once more (`old` renamed to
// `legacy` and `old` set again): a write of theirs that may have been made must never be planned again from the
// tags it left. See `reappliesDifferently`.
const unstable = new WeakSet<PlanEntry>();

/**
 * True when applying the entry's changes (the job's lines for its resource) to the tags the write leaves would
 * change them again: such a write, once it may have been made (a kill before it was recorded, an answer that
 * was lost), is finished by its planned `set` and `remove`, never planned anew from its lines.
 */
export function reappliesDifferently(entry: PlanEntry): boolean {
  return unstable.has(entry);
}

/** What a plan read: tags or an error, per ARN (and version: see `entryKey`). */
type Current = Map<string, { tags?: Tags | undefined; error?: UnitagError | undefined }>;

/** Reads the current tags of every resource (and copy source) and computes what applying would change. */
export async function plan(
  engine: Engine,
  policy: TaggingApiPolicy,
  asGiven: Change[],
  settings: BulkSettings,
  options: PlanOptions = {},
): Promise<Plan> {
  const started = Date.now();
  const changes = oneSpelling(engine, asGiven);
  const targets = resolveAll(engine, changes);
  // Every change is checked before the first call: a bad one fails its entry, and its resource is not read.
  const invalid = checkAll(engine, changes, targets);
  const done = resumedLines(options.resume);
  const isDone = (c: Change) => done.has(lineKey({ arn: c.arn, versionId: c.versionId }));
  const given = options.current;
  const valid = changes.filter((c) => !invalid.has(entryKey(c.arn, c.versionId)) && !isDone(c));
  const { value: current, calls } = await countCalls(() =>
    readCurrent(engine, policy, toRead(valid, given), targets, settings, options),
  );
  for (const [arn, tags] of given ?? []) current.set(arn, { tags });
  if (options.signal?.aborted) {
    throw new AbortedError(
      `The plan was aborted by its signal (${String(options.signal.reason ?? 'aborted')}).`,
    );
  }
  const entries = new Map<string, PlanEntry>();
  const lines = new Map<PlanEntry, Change[]>();
  for (const change of changes) {
    const id = entryKey(change.arn, change.versionId);
    const target = targets.get(change.arn);
    const known = entries.get(id);
    if (known?.status === 'failed' || known?.resumed) continue;
    const earlier = done.get(lineKey({ arn: change.arn, versionId: change.versionId }));
    if (earlier && !invalid.has(id)) {
      entries.set(id, resumedEntry(change, earlier));
      continue;
    }
    const bad = invalid.get(id);
    const entry = known ?? newEntry(change, target, bad ? { error: bad } : current.get(id));
    entries.set(id, entry);
    if (entry.status === 'failed' || !target || target instanceof Error) continue;
    planned.set(entry, target);
    step(engine, entry, change, target, current);
    lines.set(entry, [...(lines.get(entry) ?? []), change]);
  }
  for (const entry of entries.values()) if (entry.status !== 'failed' && !entry.resumed) diff(engine, entry);
  for (const [entry, applied] of lines) {
    if (entry.status === 'change' && !stable(entry, applied, current)) unstable.add(entry);
  }

  const list = [...entries.values()];
  const count = (status: PlanEntry['status']) => list.filter((e) => e.status === status).length;
  return {
    entries: list,
    totals: { total: list.length, change: count('change'), noop: count('noop'), failed: count('failed') },
    calls,
    durationMs: Date.now() - started,
  };
}

/** Applies one change to its entry's `after` (one of the changes naming the resource, in order). */
function step(engine: Engine, entry: PlanEntry, change: Change, target: Target, current: Current): void {
  try {
    const source = sourceArn(change);
    const sourceTags = source === undefined ? undefined : current.get(source);
    if (sourceTags?.error) throw sourceTags.error;
    entry.after = applyChange(
      entry.after as Tags,
      change,
      sourceTags?.tags,
      target.info.rules.caseInsensitiveKeys,
    );
  } catch (error) {
    Object.assign(entry, { status: 'failed', error: engine.fail(error, target) });
  }
}

/** The entry of a resource the resumed report says is done: nothing to write, as it was then. */
function resumedEntry(change: Change, earlier: WriteResult): PlanEntry {
  const { before, after, type } = earlier;
  return {
    arn: change.arn,
    versionId: change.versionId,
    type,
    status: 'noop',
    before,
    after,
    set: newTags(),
    remove: [],
    resumed: true,
  };
}

/** A plan in the JSON shape of every command: a line per entry, its status as the outcome. */
export function planToJson(plan: Plan): OutputJson {
  return {
    version: 2,
    command: 'plan',
    totals: { ...plan.totals },
    calls: plan.calls,
    durationMs: plan.durationMs ?? 0,
    resources: plan.entries.map(({ status, error, ...entry }) => ({
      ...entry,
      outcome: status,
      ...(error ? { error: error.toJSON() } : {}),
    })),
  };
}

/** Makes exactly the writes the plan lists; `noop` and `failed` entries make none. */
export function apply(
  engine: Engine,
  policy: TaggingApiPolicy,
  plan: Plan,
  settings: BulkSettings,
  options?: BulkOptions,
): Promise<BulkReport> {
  const inputs: WriteInput[] = plan.entries.map((e) => {
    const { arn, versionId, type, before, after } = e;
    const id = versionId ? { arn, versionId } : { arn };
    if (e.status === 'noop') return { result: { ...id, type, outcome: 'unchanged', before, after } };
    if (e.status === 'failed') return { result: { ...id, type, outcome: 'failed', before, error: e.error } };
    try {
      // A plan made here carries its target and validated writes; one read back from JSON is checked anew.
      const known = planned.get(e);
      const target = known ?? engine.resolve(arn);
      const request = known ? { set: e.set, remove: e.remove } : validateWrite(target, e.set, e.remove);
      return { target, request, versionId: e.versionId, detail: { before, after } };
    } catch (error) {
      return { result: { ...id, type, outcome: 'failed', before, error: engine.fail(error, { arn }) } };
    }
  });
  return writeMany(engine, policy, inputs, settings, options);
}

/** Resolves every target and copy source once, by ARN: its target, or why it cannot be read. */
function resolveAll(engine: Engine, changes: Change[]): Map<string, Target | UnitagError> {
  const targets = new Map<string, Target | UnitagError>();
  for (const arn of changes.flatMap((c) => [c.arn, sourceArn(c)])) {
    if (arn === undefined || targets.has(arn)) continue;
    try {
      targets.set(arn, engine.resolve(arn));
    } catch (error) {
      targets.set(arn, engine.fail(error, { arn }));
    }
  }
  return targets;
}

/** What a plan reads: resources whose tags are given are not read, as targets (without a version) or sources. */
function toRead(valid: Change[], given: PlanOptions['current']): Change[] {
  const isGiven = (arn: string | undefined) => arn !== undefined && given?.has(arn) === true;
  return valid
    .map((c) => ({
      ...c,
      ...(isGiven(sourceArn(c)) ? { copyFrom: undefined } : {}),
    }))
    .filter((c) => c.versionId !== undefined || !isGiven(c.arn) || c.copyFrom !== undefined);
}

/**
 * The changes, each naming its resource as the first change that named it did: a log group's ARN with and
 * without `:*` is one resource, so one entry. ARNs that do not resolve stay as given, to fail in their entry.
 */
function oneSpelling(engine: Engine, changes: Change[]): Change[] {
  const first = new Map<string, string>();
  return changes.map((change) => {
    let canonical: string | undefined;
    try {
      canonical = engine.resolve(change.arn).info.canonicalArn;
    } catch {
      return change;
    }
    if (canonical === undefined) return change;
    const arn = first.get(canonical) ?? change.arn;
    first.set(canonical, arn);
    return arn === change.arn ? change : { ...change, arn };
  });
}

/**
 * One entry per ARN and version. NUL separates them: no ARN holds it, while an S3 object key may hold `?`, so
 * `b/k` at version V never shares an entry with the object `b/k?V`.
 */
function entryKey(arn: string, versionId: string | undefined): string {
  return versionId ? `${arn}\u0000${versionId}` : arn;
}

/** What is wrong with one change, with no AWS call (its ARN, its source's, its keys and values); or undefined. */
export function checkOne(engine: Engine, change: Change): UnitagError | undefined {
  const errors = checkAll(engine, [change], resolveAll(engine, [change]));
  return errors.values().next().value;
}

/** The changes that break their resource's rules, by entry: checked as `tag` would check them, with no call. */
function checkAll(
  engine: Engine,
  changes: Change[],
  targets: Map<string, Target | UnitagError>,
): Map<string, UnitagError> {
  const invalid = new Map<string, UnitagError>();
  for (const change of changes) {
    const id = entryKey(change.arn, change.versionId);
    if (invalid.has(id)) continue;
    const target = targets.get(change.arn) as Target | UnitagError;
    const source = sourceArn(change);
    const sourceTarget = source === undefined ? undefined : targets.get(source);
    if (target instanceof Error) invalid.set(id, target);
    else if (sourceTarget instanceof Error) invalid.set(id, sourceTarget);
    else {
      try {
        checkChange(change, target.info.rules);
      } catch (error) {
        invalid.set(id, engine.fail(error, target));
      }
    }
  }
  return invalid;
}

/** Checks one change's keys and values against the rules (`tag`'s and `untag`'s checks). */
function checkChange(change: Change, rules: TagRules): void {
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

function sourceArn(change: Change): string | undefined {
  return typeof change.copyFrom === 'string' ? change.copyFrom : change.copyFrom?.arn;
}

/**
 * The current tags of every target and copy source, batched through `listMany`; versioned S3 objects are read
 * with their version, under the same concurrency. Keyed by `entryKey`.
 */
async function readCurrent(
  engine: Engine,
  policy: TaggingApiPolicy,
  changes: Change[],
  targets: Map<string, Target | UnitagError>,
  settings: BulkSettings,
  { signal }: PlanOptions,
): Promise<Current> {
  const current: Current = new Map();
  const plain = new Set(changes.filter((c) => !c.versionId).map((c) => c.arn));
  for (const c of changes) if (sourceArn(c) !== undefined) plain.add(sourceArn(c) as string);
  const inputs = [...plain].map((arn) => {
    const target = targets.get(arn) as Target | UnitagError;
    return target instanceof Error
      ? { result: { arn, outcome: 'failed' as const, error: target } }
      : { target };
  });
  for (const r of (await listMany(engine, policy, inputs, settings, { signal })).results)
    current.set(r.arn, r);
  const limit = pLimit(settings.concurrency);
  await Promise.all(
    changes
      .filter((c) => c.versionId)
      .map((c) =>
        limit(async () => {
          const id = entryKey(c.arn, c.versionId);
          const target = targets.get(c.arn) as Target | UnitagError;
          if (target instanceof Error) return void current.set(id, { error: target });
          try {
            current.set(id, { tags: await engine.read(target, { versionId: c.versionId, signal }) });
          } catch (error) {
            current.set(id, { error: error as UnitagError });
          }
        }),
      ),
  );
  return current;
}

function newEntry(
  change: Change,
  target: Target | UnitagError | undefined,
  read: { tags?: Tags | undefined; error?: UnitagError | undefined } | undefined,
): PlanEntry {
  const type = target && !(target instanceof Error) ? target.info.type : undefined;
  const entry: PlanEntry = {
    arn: change.arn,
    versionId: change.versionId,
    type,
    status: 'change',
    set: newTags(),
    remove: [],
  };
  if (!read || read.error || !read.tags) {
    // A failed read is never "no tags": the resource is left alone.
    return {
      ...entry,
      status: 'failed',
      error: read?.error ?? (target instanceof Error ? target : undefined),
    };
  }
  return { ...entry, before: copyTags(read.tags), after: copyTags(read.tags) };
}

/** True when the entry's changes leave its `after` as it is (set, remove, a rename alone, ...). */
function stable(entry: PlanEntry, changes: Change[], current: Current): boolean {
  // Only a rename, a set-if-absent or a copy depends on the tags it starts from.
  if (!changes.some((c) => c.rename || c.setIfAbsent || c.copyFrom)) return true;
  const target = planned.get(entry) as Target;
  try {
    let again = entry.after as Tags;
    for (const change of changes) {
      const source = sourceArn(change);
      again = applyChange(
        again,
        change,
        source === undefined ? undefined : current.get(source)?.tags,
        target.info.rules.caseInsensitiveKeys,
      );
    }
    const after = entry.after as Tags;
    const keys = Object.keys(again);
    return (
      keys.length === Object.keys(after).length &&
      keys.every((k) => hasTag(after, k) && after[k] === again[k])
    );
  } catch {
    return false;
  }
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

// Works out the writes from before -> after and checks them against the resource's rules, once.
function diff(engine: Engine, entry: PlanEntry): void {
  const before = entry.before as Tags;
  const after = entry.after as Tags;
  const target = planned.get(entry) as Target;
  const { rules } = target.info;
  try {
    entry.set = tagsFromEntries(
      Object.entries(after).filter(([k, v]) => !hasTag(before, k) || before[k] !== v),
    );
    entry.remove = Object.keys(before).filter((k) => !hasTag(after, k));
    validateTags(entry.set, { ...rules, maxTags: Number.POSITIVE_INFINITY }, entry.arn);
    validateKeys(entry.remove, rules, entry.arn);
    checkTagCount(after, rules, entry.arn);
    if (rules.caseInsensitiveKeys) {
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
    Object.assign(entry, { status: 'failed', error: engine.fail(error, target) });
  }
}
