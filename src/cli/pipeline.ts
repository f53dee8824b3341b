// A job run as a pipeline of windows: each window of the job file is planned, then applied, while the next is
// read and planned, with at most `inFlight` windows under way; results go out window by window, in file order.
// Within a window, each account's part is planned and applied on its own (window-parts.ts). Memory holds the
// windows under way, not the job.

import { EarlierLineFailedError } from '../core/errors.js';
import { newTags } from '../core/shapes.js';
import type { Tags } from '../core/types.js';
import type { IacOptions } from '../iac/plan-iac.js';
import type { JobWindow } from '../jobs/job-stream.js';
import { type Plan, type PlanEntry, reappliesDifferently } from '../jobs/plan.js';
import { type Change, sourceArn } from '../jobs/plan-change.js';
import { lineKey, type WriteResult } from '../jobs/report.js';
import { doneKey, type Intent, type Redo } from '../jobs/report-journal.js';
import type { Tagger } from '../tagger.js';
import { SeenFilter } from './seen-filter.js';
import { accountParts, mergeParts, type PartOut } from './window-parts.js';

/** Lines of a job a window holds. */
export const WINDOW = 5_000;

/** What the pipeline hands its caller, per window, in file order. */
export interface WindowOut {
  plan: Plan;
  /** The window's write results (none for a plan only). */
  results?: WriteResult[] | undefined;
}

export interface PipelineOptions {
  tagger: Tagger;
  windows: AsyncIterable<JobWindow>;
  /** Stops reading and starting windows; the writes under way finish. */
  signal: AbortSignal;
  /** Plan only: no writes. */
  planOnly: boolean;
  /**
   * Writes done in the run resumed (keys as `doneKey`: a resource in a window): their lines are not read, not
   * written and not output again. Every other line is, in file order.
   */
  done?: Set<string> | undefined;
  /**
   * Writes of the run resumed that may have been made (by `doneKey`): their lines are replaced by the planned
   * `set` and `remove`, which leave the tags as planned whether or not the write was made.
   */
  redo?: Map<string, Redo> | undefined;
  /** Called with a window's writes that must be recorded before they are sent (see `reappliesDifferently`). */
  onIntents?: ((intents: Intent[]) => void) | undefined;
  /** Called for each bad line of the job file. */
  onBadLine: (line: number, message: string) => void;
  /** Called per window, in file order; the pipeline waits for it (output back-pressure). */
  onWindow: (out: WindowOut) => Promise<void>;
  /** Called once per resource a window's plan has read (or failed to read). */
  onRead?: (() => void) | undefined;
  /** Called once per finished write (its `window` set). */
  onResult?: ((result: WriteResult) => void) | undefined;
  /** Called when a window may name a resource an earlier window did (it then waits for them). */
  onRepeat?: (() => void) | undefined;
  /**
   * The resources the job names more than once (from a first reading, see `prepass`). A plan only carries
   * their planned tags from window to window, since nothing is written between them.
   */
  repeated?: ReadonlySet<string> | undefined;
  inFlight?: number | undefined;
  /** Infrastructure-as-code to plan each window against (`PlanOptions.iac`). */
  iac?: IacOptions | undefined;
}

/** Runs the job: the number of bad lines, and whether it stopped early. */
export async function runPipeline(
  options: PipelineOptions,
): Promise<{ badLines: number; stopped: boolean; unwritten: number }> {
  const { signal } = options;
  const inFlight = options.inFlight ?? 2;
  const state: RunState = { seen: new SeenFilter(), carried: new Map(), failed: new Set(), unwritten: 0 };
  const running: Promise<void>[] = [];
  let emitted: Promise<void> = Promise.resolve();
  let badLines = 0;
  let number = 0;
  for await (const window of options.windows) {
    const index = ++number;
    for (const e of window.errors) {
      badLines++;
      options.onBadLine(e.line, e.message);
    }
    if (signal.aborted) break;
    const redoing = new Map<string, Redo>();
    const undone = toDo(window.changes, index, options, redoing);
    if (undone.length === 0) continue;
    if (namesAgain(undone, state.seen)) {
      options.onRepeat?.();
      await Promise.all(running.splice(0));
    }
    while (running.length >= inFlight) await running.shift();
    if (signal.aborted) break;
    const planned = options.planOnly
      ? planWindow(undone, state, options)
      : writeWindow(undone, index, redoing, state, options);
    const emit = emitted.then(async () => {
      const out = await planned;
      if (out) await options.onWindow(out);
    });
    emitted = emit;
    running.push(emit);
  }
  await Promise.all(running);
  await emitted;
  return { badLines, stopped: signal.aborted, unwritten: state.unwritten };
}

/** What the windows of one run share. */
interface RunState {
  /**
   * Each resource (and copy source) of the windows started so far: a window naming one again waits until every
   * earlier window is written, so that changes to one resource apply in file order.
   */
  seen: SeenFilter;
  /** A plan only: the planned tags of resources named again later, by ARN. */
  carried: Map<string, Tags>;
  /** Lines of windows stopped while they were planned: none of them was written. */
  unwritten: number;
  /**
   * Resources named again later whose write in a window failed: their later lines fail too, without a call,
   * until a resume does them all in file order (a later line written first would be undone by the earlier one).
   */
  failed: Set<string>;
}

/**
 * The window's changes still to do: those the run resumed did are left out, and a write it may have made is
 * replaced by its planned one (see `redone`, which notes it in `redoing`).
 */
function toDo(
  changes: Change[],
  index: number,
  { done, redo }: PipelineOptions,
  redoing: Map<string, Redo>,
): Change[] {
  const left = done ? changes.filter((c) => !isDone(done, c, index)) : changes;
  return redo?.size ? redone(left, redo, index, redoing) : left;
}

/** True when the changes name a resource an earlier window did; marks theirs as seen. */
function namesAgain(changes: Change[], seen: SeenFilter): boolean {
  // Every resource is looked up before any is added: two lines of one window naming one resource are no repeat.
  let dependent = false;
  for (const change of changes) {
    const source = sourceArn(change);
    if (seen.has(change.arn) || (source !== undefined && seen.has(source))) {
      dependent = true;
      break;
    }
  }
  for (const change of changes) {
    seen.add(change.arn);
    const source = sourceArn(change);
    if (source !== undefined) seen.add(source);
  }
  return dependent;
}

/** Plans a window (a plan only): what goes out for it, or undefined when the run was aborted. */
function planWindow(
  undone: Change[],
  state: RunState,
  options: PipelineOptions,
): Promise<WindowOut | undefined> {
  const { tagger, signal } = options;
  const current = carriedFor(undone, state.carried);
  const planning =
    undone.length > 0
      ? tagger.plan(undone, { signal, current, onRead: options.onRead, iac: options.iac })
      : Promise.resolve(empty());
  return planning.then(
    (plan) => {
      carry(plan, options.repeated, state.carried);
      return { plan, results: undefined };
    },
    (error: unknown) => {
      // Aborted: a resumed run plans all of it.
      if (!signal.aborted) throw error;
      state.unwritten += undone.length;
      return undefined;
    },
  );
}

/**
 * Plans and writes a window, one part per account (see `accountParts`), the lines waiting for an earlier failed
 * write with the first part: what goes out for it, or undefined when the run was aborted before any of its writes.
 */
async function writeWindow(
  undone: Change[],
  index: number,
  redoing: Map<string, Redo>,
  state: RunState,
  options: PipelineOptions,
): Promise<WindowOut | undefined> {
  const { tagger, signal } = options;
  const { changes, waiting } = split(undone, state.failed);
  const parts = changes.length > 0 ? accountParts(changes) : [[]];
  const outs = await Promise.all(
    parts.map(async (part, i): Promise<PartOut | undefined> => {
      let plan: Plan;
      try {
        plan =
          part.length > 0
            ? await tagger.plan(part, { signal, onRead: options.onRead, iac: options.iac })
            : empty();
      } catch (error) {
        // Aborted before its writes: nothing of this part was written, and a resumed run does all of it.
        if (!signal.aborted) throw error;
        state.unwritten += part.length + (i === 0 ? waiting.length : 0);
        return undefined;
      }
      if (i === 0) withWaiting(plan, waiting);
      return { plan, results: await applyWindow(plan, index, redoing, state.failed, options) };
    }),
  );
  const done = outs.filter((out) => out !== undefined);
  return done.length > 0 ? mergeParts(done, undone) : undefined;
}

/**
 * Writes a window's plan, its intents recorded first: each result carries its window (and, for a write finished
 * as planned, that plan), and a repeated resource whose write did not succeed is marked failed.
 */
async function applyWindow(
  plan: Plan,
  index: number,
  redoing: Map<string, Redo>,
  failed: Set<string>,
  options: PipelineOptions,
): Promise<WriteResult[]> {
  const intents = plan.entries.filter(reappliesDifferently).map((e) => intentOf(e, index));
  if (intents.length > 0) options.onIntents?.(intents);
  // A write finished as planned that fails again keeps its plan, whatever its line can say this time.
  const keep = (result: WriteResult) => {
    result.window = index;
    const planned = result.outcome === 'failed' ? redoing.get(lineKey(result)) : undefined;
    if (planned) result.planned = planned;
  };
  const onProgress = ({ result }: { result: WriteResult }) => {
    keep(result);
    options.onResult?.(result);
  };
  const { results } = await options.tagger.apply(plan, { signal: options.signal, onProgress });
  for (const result of results) {
    keep(result);
    if (result.outcome !== 'changed' && result.outcome !== 'unchanged' && options.repeated?.has(result.arn))
      failed.add(result.arn);
  }
  return results;
}

/** True when the run resumed did the write of `change`'s resource in window `index`. */
function isDone(done: Set<string>, change: Change, index: number): boolean {
  const { arn, versionId } = change;
  // A line an older unitag wrote has no window: it stands for the resource.
  return done.has(doneKey({ arn, versionId, window: index })) || done.has(doneKey({ arn, versionId }));
}

/**
 * The window's changes, a write that may have been made in the run resumed replaced by its planned `set` and
 * `remove` (once per resource): planned anew from its lines, it could change what it left again.
 */
function redone(
  changes: Change[],
  redo: Map<string, Redo>,
  index: number,
  redoing: Map<string, Redo>,
): Change[] {
  const out: Change[] = [];
  const replaced = new Set<string>();
  for (const change of changes) {
    const { arn, versionId } = change;
    const key = doneKey({ arn, versionId, window: index });
    const planned = redo.get(key);
    if (!planned) out.push(change);
    else if (!replaced.has(key)) {
      replaced.add(key);
      redoing.set(lineKey(change), planned);
      out.push({
        arn,
        ...(versionId ? { versionId } : {}),
        set: planned.set,
        ...(planned.remove.length > 0 ? { remove: planned.remove } : {}),
      });
    }
  }
  return out;
}

function intentOf(entry: PlanEntry, window: number): Intent {
  const { arn, versionId, set, remove } = entry;
  return { arn, ...(versionId ? { versionId } : {}), window, set, remove };
}

/** A window's changes in two: those to plan, and those waiting for an earlier failed write of their resources. */
function split(changes: Change[], failed: Set<string>): { changes: Change[]; waiting: Change[] } {
  if (failed.size === 0) return { changes, waiting: [] };
  const waiting = changes.filter((c) => resourcesOf(c).some((arn) => failed.has(arn)));
  if (waiting.length === 0) return { changes, waiting };
  // Its own later lines wait for it too.
  for (const change of waiting) failed.add(change.arn);
  const wait = new Set(waiting);
  return { changes: changes.filter((c) => !wait.has(c)), waiting };
}

/** Adds a failed entry to the plan for each resource whose lines wait for an earlier failed write. */
function withWaiting(plan: Plan, waiting: Change[]): void {
  const entries = new Map<string, PlanEntry>();
  for (const change of waiting) {
    const { arn, versionId } = change;
    const source = resourcesOf(change).find((a) => a !== arn);
    const message =
      source === undefined
        ? `an earlier line of this job for ${arn} failed: this one waits for it, so that the lines apply in file order; fix that failure and resume`
        : `an earlier line of this job for ${arn} or its copy source ${source} failed: this one waits for it, so that the lines apply in file order; fix that failure and resume`;
    entries.set(lineKey(change), {
      arn,
      ...(versionId ? { versionId } : {}),
      status: 'failed',
      set: newTags(),
      remove: [],
      error: new EarlierLineFailedError(message, { arn }),
    });
  }
  plan.entries.push(...entries.values());
  plan.totals.total += entries.size;
  plan.totals.failed += entries.size;
}

function empty(): Plan {
  return { entries: [], totals: { total: 0, change: 0, noop: 0, failed: 0, conflicts: 0 }, calls: 0 };
}

/** The carried tags of the resources (and copy sources) a window names, or undefined when there are none. */
function carriedFor(changes: Change[], carried: Map<string, Tags>): Map<string, Tags> | undefined {
  if (carried.size === 0) return undefined;
  const given = new Map<string, Tags>();
  for (const change of changes) {
    for (const arn of resourcesOf(change)) {
      const tags = carried.get(arn);
      if (tags && change.versionId === undefined) given.set(arn, tags);
    }
  }
  return given.size > 0 ? given : undefined;
}

/** Keeps the planned `after` of each resource the job names again (what a later window starts from). */
function carry(plan: Plan, repeated: ReadonlySet<string> | undefined, carried: Map<string, Tags>): void {
  if (!repeated || repeated.size === 0) return;
  for (const entry of plan.entries) {
    if (entry.versionId !== undefined || !repeated.has(entry.arn)) continue;
    if (entry.status === 'failed' || !entry.after) carried.delete(entry.arn);
    else carried.set(entry.arn, entry.after);
  }
}

/**
 * Reads the job once before any call: reports each bad line (so that all of them are said before the first
 * write), and finds the resources it names more than once (a fixed-size filter, then the few it flags). `bad`
 * holds the bad lines' numbers: the run that follows leaves them out without checking each line again.
 */
export async function prepass(
  windows: AsyncIterable<JobWindow>,
  onBadLine: (line: number, message: string) => void,
): Promise<{ badLines: number; changes: number; repeated: Set<string>; bad: Set<number> }> {
  const seen = new SeenFilter();
  const repeated = new Set<string>();
  const bad = new Set<number>();
  let badLines = 0;
  let changes = 0;
  for await (const window of windows) {
    for (const e of window.errors) {
      badLines++;
      bad.add(e.line);
      onBadLine(e.line, e.message);
    }
    changes += window.changes.length;
    for (const change of window.changes) {
      if (seen.seenOrAdd(change.arn)) repeated.add(change.arn);
      const source = sourceArn(change);
      if (source !== undefined && seen.seenOrAdd(source)) repeated.add(source);
    }
  }
  return { badLines, changes, repeated, bad };
}

function resourcesOf(change: Change): string[] {
  const source = sourceArn(change);
  return source === undefined ? [change.arn] : [change.arn, source];
}
