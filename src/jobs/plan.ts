// Planning a job: each resource's current tags read once, its changes applied in order to work out before ->
// after and the writes that make it, checked before any write; and applying a plan, exactly the writes it lists.
import { reasonOf } from '../core/arguments.js';
import { countCalls } from '../core/clients.js';
import type { Engine } from '../core/engine.js';
import { AbortedError, InvalidTagError, type UnitagError } from '../core/errors.js';
import { copyTags, hasTag, newTags } from '../core/shapes.js';
import type { TaggingApiPolicy } from '../core/tagging-api-policy.js';
import type { TagRules, Tags, Target } from '../core/types.js';
import { checkTagCount, validateKeys, validateTags, validateWrite } from '../core/validate.js';
import { annotate, type IacOptions } from '../iac/plan-iac.js';
import type { IacNote } from '../iac/reverts.js';
import type { BulkOptions, BulkSettings } from './bulk.js';
import { type WriteInput, writeMany } from './bulk-write.js';
import { applyChange, type Change, type OnConflict, reappliesSame, sourceArn } from './plan-change.js';
import { type Current, entryKey, problemOf, readCurrent, resolveAll, toRead } from './plan-read.js';
import {
  type BulkReport,
  lineKey,
  type OutputJson,
  type ReportJson,
  resumedLines,
  type WriteResult,
} from './report.js';

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
  /**
   * Keys a rename or copy met already carried with another value (see `PlanOptions.onConflict`): refused (the
   * entry failed with `TagConflict`), kept or overwritten. Absent when none.
   */
  conflicts?: number | undefined;
  /** With `PlanOptions.iac`: the tool that manages the resource, and the keys of this change its next run undoes. */
  iac?: IacNote | undefined;
}

/** A plan: a before -> after diff per resource, and the calls its reads cost. */
export interface Plan {
  entries: PlanEntry[];
  /** `conflicts`: the entries whose renames or copies met a key already carried with another value. */
  /** `undone` (with `PlanOptions.iac`): the entries with keys an infrastructure-as-code tool's next run undoes. */
  totals: { total: number; change: number; noop: number; failed: number; conflicts: number; undone?: number };
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
  /**
   * A rename or copy onto a key the resource already carries with another value: `fail` (default) fails that
   * resource with `TagConflict`, showing both values, and writes nothing to it; `overwrite` replaces the value;
   * `keep` leaves both keys as they are. Counted in `totals.conflicts` whatever the choice.
   */
  onConflict?: OnConflict | undefined;
  /** Called once per resource whose tags the plan has read (or failed to read), as each read ends. */
  onRead?: ((read: { arn: string; outcome: 'read' | 'failed' | 'skipped' }) => void) | undefined;
  /**
   * Infrastructure-as-code to check the changes against: each entry of a resource a tool manages carries `iac`,
   * with the keys the tool's next run would undo; with `mode: 'refuse'` those entries fail with ManagedByIaC.
   */
  iac?: IacOptions | undefined;
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
  const isDone = (c: Change) => done.size > 0 && done.has(lineKey(c));
  const given = options.current;
  const valid = changes.filter((c) => !invalid.has(entryKey(c.arn, c.versionId)) && !isDone(c));
  const { value: current, calls } = await countCalls(() =>
    readCurrent(engine, policy, toRead(valid, given), targets, settings, options),
  );
  for (const [arn, tags] of given ?? []) current.set(arn, { tags });
  if (options.signal?.aborted) {
    throw new AbortedError(`The plan was aborted by its signal (${reasonOf(options.signal.reason)}).`);
  }
  const entries = new Map<string, PlanEntry>();
  const lines = new Map<PlanEntry, Change[]>();
  for (const change of changes) {
    const id = entryKey(change.arn, change.versionId);
    const target = targets.get(change.arn);
    const known = entries.get(id);
    if (known?.status === 'failed' || known?.resumed) continue;
    const earlier = done.size > 0 ? done.get(lineKey(change)) : undefined;
    if (earlier && !invalid.has(id)) {
      entries.set(id, resumedEntry(change, earlier));
      continue;
    }
    const bad = invalid.get(id);
    const entry = known ?? newEntry(change, target, bad ? { error: bad } : current.get(id));
    entries.set(id, entry);
    if (entry.status === 'failed' || !target || target instanceof Error) continue;
    planned.set(entry, target);
    step(engine, entry, change, target, current, options.onConflict ?? 'fail');
    const applied = lines.get(entry);
    if (applied) applied.push(change);
    else lines.set(entry, [change]);
  }
  for (const entry of entries.values()) if (entry.status !== 'failed' && !entry.resumed) diff(engine, entry);
  for (const [entry, applied] of lines) {
    if (entry.status === 'change' && !stable(entry, applied, current)) unstable.add(entry);
  }

  const list = [...entries.values()];
  const undone = options.iac ? await annotate(list, options.iac) : undefined;
  const totals = { ...totalsOf(list), ...(undone === undefined ? {} : { undone }) };
  return { entries: list, totals, calls, durationMs: Date.now() - started };
}

/** A plan's totals: its entries by status, and those that met a conflict. */
function totalsOf(list: PlanEntry[]): Plan['totals'] {
  const count = (status: PlanEntry['status']) => list.filter((e) => e.status === status).length;
  const conflicts = list.filter((e) => (e.conflicts ?? 0) > 0).length;
  return {
    total: list.length,
    change: count('change'),
    noop: count('noop'),
    failed: count('failed'),
    conflicts,
  };
}

/** Applies one change to its entry's `after` (one of the changes naming the resource, in order). */
function step(
  engine: Engine,
  entry: PlanEntry,
  change: Change,
  target: Target,
  current: Current,
  onConflict: OnConflict,
): void {
  const conflicts = { count: 0 };
  try {
    const source = sourceArn(change);
    const sourceTags = source === undefined ? undefined : current.get(source);
    if (sourceTags?.error) throw sourceTags.error;
    const { caseInsensitiveKeys } = target.info.rules;
    entry.after = applyChange(
      entry.after as Tags,
      change,
      sourceTags?.tags,
      caseInsensitiveKeys,
      onConflict,
      conflicts,
    );
  } catch (error) {
    Object.assign(entry, { status: 'failed', error: engine.fail(error, target) });
  } finally {
    if (conflicts.count > 0) entry.conflicts = (entry.conflicts ?? 0) + conflicts.count;
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
      return {
        target,
        request,
        versionId: e.versionId,
        planned: known !== undefined,
        detail: { before, after },
      };
    } catch (error) {
      return { result: { ...id, type, outcome: 'failed', before, error: engine.fail(error, { arn }) } };
    }
  });
  return writeMany(engine, policy, inputs, settings, options);
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
    const problem = problemOf(engine, change, (arn) => targets.get(arn) as Target | UnitagError);
    if (problem) invalid.set(id, problem);
  }
  return invalid;
}

function newEntry(
  change: Change,
  target: Target | UnitagError | undefined,
  read: { tags?: Tags | undefined; error?: UnitagError | undefined } | undefined,
): PlanEntry {
  const type = target && !(target instanceof Error) ? target.info.type : undefined;
  const { arn, versionId } = change;
  if (!read || read.error || !read.tags) {
    // A failed read is never "no tags": the resource is left alone.
    const error = read?.error ?? (target instanceof Error ? target : undefined);
    return { arn, versionId, type, status: 'failed', set: newTags(), remove: [], error };
  }
  const [before, after] = [copyTags(read.tags), copyTags(read.tags)];
  return { arn, versionId, type, status: 'change', set: newTags(), remove: [], before, after };
}

/** True when the entry's changes, applied again to its `after`, leave it as it is (see `reappliesSame`). */
function stable(entry: PlanEntry, changes: Change[], current: Current): boolean {
  const { caseInsensitiveKeys } = (planned.get(entry) as Target).info.rules;
  return reappliesSame(entry.after as Tags, changes, (arn) => current.get(arn)?.tags, caseInsensitiveKeys);
}

// The resource's rules without their limit on tags: a write's `set` may hold more than the resource keeps, while
// its `after` may not (checkTagCount). One copy per rules object.
const withoutLimit = new WeakMap<TagRules, TagRules>();
function unlimited(rules: TagRules): TagRules {
  let copy = withoutLimit.get(rules);
  if (!copy) {
    copy = { ...rules, maxTags: Number.POSITIVE_INFINITY };
    withoutLimit.set(rules, copy);
  }
  return copy;
}

// Works out the writes from before -> after and checks them against the resource's rules, once.
function diff(engine: Engine, entry: PlanEntry): void {
  const before = entry.before as Tags;
  const after = entry.after as Tags;
  const target = planned.get(entry) as Target;
  const { rules } = target.info;
  try {
    const set = newTags();
    for (const key of Object.keys(after)) {
      const value = after[key] as string;
      if (!hasTag(before, key) || before[key] !== value) set[key] = value;
    }
    entry.set = set;
    entry.remove = Object.keys(before).filter((k) => !hasTag(after, k));
    validateTags(entry.set, unlimited(rules), entry.arn);
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
