// The generic bulk engine: many writes or reads under one concurrency limit, batched where an adapter can,
// routed through the tagging-API policy where it says so, with a report line per resource in input order.
import { setMaxListeners } from 'node:events';
import { countCalls } from '../core/clients.js';
import { chunk, groupBy } from '../core/collections.js';
import type { Engine, TypedBatch } from '../core/engine.js';
import { isUnitagError, type UnitagError } from '../core/errors.js';
import { DEFAULT_RETRY_FOR_MS, limitsPerService, Retry } from '../core/retry.js';
import type { TaggingApiPolicy } from '../core/tagging-api-policy.js';
import type { Adapter, CallOptions, Tags, Target, WriteOutcome, WriteRequest } from '../core/types.js';
import { validateWrite } from '../core/validate.js';
import {
  type BulkReport,
  countOutcomes,
  lineKey,
  type ReadReport,
  type ReadResult,
  type ReportJson,
  resumedLines,
  type WriteResult,
} from './report.js';

/** Progress of a bulk operation, reported once per finished resource. */
export interface Progress<R = WriteResult> {
  done: number;
  total: number;
  result: R;
}

/** Options of every bulk operation. */
export interface BulkOptions<R = WriteResult> {
  /**
   * Stops starting new work; resources not yet started are reported as `skipped`. Writes under way finish (so
   * that what they wrote is reported); reads under way are aborted.
   */
  signal?: AbortSignal | undefined;
  /** Called once per finished resource. */
  onProgress?: ((progress: Progress<R>) => void) | undefined;
  /**
   * Writes only: a report of an earlier run. Resources it reports `changed` or `unchanged` are not written
   * again; their lines are the earlier ones, marked `resumed`.
   */
  resume?: BulkReport | ReportJson | undefined;
}

/** Bulk settings of a tagger. */
export interface BulkSettings {
  /** Calls at once, per service, region and account. */
  concurrency: number;
  /** Milliseconds a job that failed in passing is retried for (see `Retry`); default five minutes. */
  retryFor?: number | undefined;
}

/** One resource to write: its target and validated request (and, for S3 objects, a version). */
export interface WriteJob {
  target: Target;
  request: WriteRequest;
  versionId?: string | undefined;
  /** Fields its report line carries whatever happens (a plan's `before` and `after`). */
  detail?: { before?: Tags | undefined; after?: Tags | undefined } | undefined;
}

/** A write to make, or a line whose outcome is already known (invalid input, nothing to do). */
export type WriteInput = WriteJob | { result: WriteResult };

/** A resource to read, or a line whose outcome is already known. */
export type ReadInput = { target: Target } | { result: ReadResult };

interface Indexed<J> {
  index: number;
  job: J;
}

/** Resolves and validates one write per ARN, once: the job, or the failed line an invalid ARN or request gets. */
export function prepareWrites(engine: Engine, arns: string[], set: Tags, remove: string[]): WriteInput[] {
  return arns.map((arn) => {
    try {
      const target = engine.resolve(arn);
      return { target, request: validateWrite(target, set, remove) };
    } catch (error) {
      return { result: { arn, outcome: 'failed', error: engine.fail(error, { arn }) } };
    }
  });
}

/** Resolves each ARN once: the target, or the failed line of an ARN that cannot be read. */
export function prepareReads(engine: Engine, arns: string[]): ReadInput[] {
  return arns.map((arn) => {
    try {
      return { target: engine.resolve(arn) };
    } catch (error) {
      return { result: { arn, outcome: 'failed', error: engine.fail(error, { arn }) } };
    }
  });
}

/**
 * Writes many resources: batches where the adapter can (EC2: 1000 ids a call), the tagging API where the policy
 * routes (20 ARNs a call), one call sequence per resource otherwise, all under one p-limit. Never throws for a
 * per-resource failure.
 */
export async function writeMany(
  engine: Engine,
  policy: TaggingApiPolicy,
  inputs: WriteInput[],
  settings: BulkSettings,
  options: BulkOptions = {},
): Promise<BulkReport> {
  const started = Date.now();
  const run = new Run<WriteResult>(inputs.length, options.onProgress);
  const { calls } = await countCalls(async () => {
    const jobs = triage(inputs, options.resume, run);
    await dispatch(engine, policy, jobs, settings, options, run);
  });
  return {
    results: run.results,
    totals: countOutcomes(run.results),
    calls,
    durationMs: Date.now() - started,
  };
}

/**
 * Sends the jobs: batched where the adapter can, through the tagging API where the policy routes, one call
 * sequence each otherwise, under a concurrency limit per service; a job (or batch) that ends throttled or
 * failed in passing is sent again after a backoff, within the retry budget; finishes each job's line.
 */
async function dispatch(
  engine: Engine,
  policy: TaggingApiPolicy,
  jobs: Indexed<WriteJob>[],
  settings: BulkSettings,
  options: BulkOptions,
  run: Run<WriteResult>,
): Promise<void> {
  const writes = new Writes(engine, settings, options.signal, run);
  const { viaApi, batched, singles } = routes(jobs, policy);
  await Promise.all([
    ...singles.map((item) => writes.own(item)),
    ...parts(batched, (a) => a.batchSize ?? 1).map((part) =>
      writes.batch((part[0] as Indexed<WriteJob>).job.target.adapter, part),
    ),
    policy.write<Indexed<WriteJob> & { target: Target }>(
      viaApi.map((item) => ({ ...item, target: item.job.target })),
      {
        parts: (group) => parts(group, () => policy.fallback.batchSize ?? 1),
        send: (part) => writes.send(policy.fallback, part),
        settle: (item, outcome) => writes.settle(item, outcome),
        own: (item) => writes.own(item),
      },
    ),
  ]);
}

/**
 * The writes of one bulk operation, under one concurrency limit per service and one retry budget. The signal
 * stops new work only: a write under way finishes, so that what it wrote is reported; a retry the signal
 * stops keeps the job's last error.
 */
class Writes {
  readonly #limitOf: ReturnType<typeof limitsPerService>;
  readonly #retry: Retry;

  constructor(
    readonly engine: Engine,
    settings: BulkSettings,
    readonly signal: AbortSignal | undefined,
    readonly run: Run<WriteResult>,
  ) {
    this.#limitOf = limitsPerService(settings.concurrency);
    this.#retry = new Retry(settings.retryFor ?? DEFAULT_RETRY_FOR_MS, signal);
  }

  get #stopped(): boolean {
    return this.signal?.aborted === true;
  }

  /** Finishes a job's line with its outcome or error. */
  settle({ index, job }: Indexed<WriteJob>, outcome: WriteOutcome | UnitagError | undefined): void {
    const result = outcome ?? this.engine.fail(new Error('the batch returned no result for it'), job.target);
    this.run.finish(index, isUnitagError(result) ? line(job, 'failed', result) : line(job, result));
  }

  #skip(items: Indexed<WriteJob>[]): void {
    for (const { index, job } of items) this.run.finish(index, line(job, 'skipped'));
  }

  /** One job through its own adapter, again after a backoff while it fails in passing. */
  async own(item: Indexed<WriteJob>, attempt = 0): Promise<void> {
    const { target, request, versionId } = item.job;
    // The line is finished inside the job's place, so that a stop it causes (through onProgress) is seen by
    // the next job; only a wait for a retry happens outside it.
    const again = await this.#limitOf(target)(async () => {
      if (attempt === 0 && this.#stopped) return void this.#skip([item]);
      const out = await this.engine
        .write(target, request, { versionId })
        .catch((error: UnitagError) => error);
      const wait = isUnitagError(out) ? this.#retry.delay(item, out, attempt) : undefined;
      if (wait === undefined) return void this.settle(item, this.#retry.final(item, out));
      return { wait, out };
    });
    if (!again) return;
    if (await this.#retry.sleep(again.wait)) return this.own(item, attempt + 1);
    this.settle(item, again.out);
  }

  /**
   * One batch call, and again for its members that failed in passing; `undefined` (and the part skipped) when
   * the signal had stopped the run before its first call.
   */
  async send(
    adapter: Adapter,
    part: Indexed<WriteJob>[],
    attempt = 0,
  ): Promise<TypedBatch<WriteOutcome> | undefined> {
    const first = part[0] as Indexed<WriteJob>;
    const out = await this.#limitOf(
      first.job.target,
      adapter.name,
    )(async () => {
      if (attempt === 0 && this.#stopped) return void this.#skip(part);
      return this.engine.writeBatch(adapter, targetsOf(part), first.job.request);
    });
    if (!out) return undefined;
    const again = retryable(part, (i) => i.job.target.arn, out, this.#retry, attempt);
    if (again.items.length > 0 && (await this.#retry.sleep(again.wait))) {
      const next = await this.send(adapter, again.items, attempt + 1);
      for (const { job } of again.items) out.set(job.target.arn, next?.get(job.target.arn) as UnitagError);
    }
    return out;
  }

  /** One batch through its adapter, each member's line finished. */
  async batch(adapter: Adapter, part: Indexed<WriteJob>[]): Promise<void> {
    const out = await this.send(adapter, part);
    if (out) for (const item of part) this.settle(item, out.get(item.job.target.arn));
  }
}

/**
 * The members of a batch to send again (failed in passing, within their budget), and the wait before; the others
 * keep their final result in `out`.
 */
function retryable<J extends object>(
  part: J[],
  arnOf: (item: J) => string,
  out: Map<string, unknown>,
  retry: Retry,
  attempt: number,
): { items: J[]; wait: number } {
  let wait = 0;
  const items = part.filter((item) => {
    const result = out.get(arnOf(item));
    const delay = isUnitagError(result) ? retry.delay(item, result, attempt) : undefined;
    if (delay !== undefined) wait = Math.max(wait, delay);
    else if (isUnitagError(result)) out.set(arnOf(item), retry.final(item, result));
    return delay !== undefined;
  });
  return { items, wait };
}

/**
 * Finishes the lines whose outcome is known before any call (done in the resumed report, already decided, or
 * with nothing to write) and returns the jobs that remain.
 */
function triage(
  inputs: WriteInput[],
  resume: BulkOptions['resume'],
  run: Run<WriteResult>,
): Indexed<WriteJob>[] {
  const earlier = resumedLines(resume);
  const jobs: Indexed<WriteJob>[] = [];
  for (const [index, input] of inputs.entries()) {
    const done = earlier.get(lineKey('result' in input ? input.result : { arn: input.target.arn, ...input }));
    if (done) run.finish(index, done);
    else if ('result' in input) run.finish(index, input.result);
    else if (isEmpty(input.request)) run.finish(index, line(input, 'unchanged'));
    else jobs.push({ index, job: input });
  }
  return jobs;
}

/** Where each job goes: the tagging API (as the policy routes), its adapter's batch calls, or calls of its own. */
function routes(jobs: Indexed<WriteJob>[], policy: TaggingApiPolicy) {
  const viaApi = jobs.filter((item) => policy.routes(item.job.target));
  const rest = jobs.filter((item) => !policy.routes(item.job.target));
  const batched = rest.filter(
    ({ job }) => job.target.adapter.tagBatch && job.target.adapter.untagBatch && !job.versionId,
  );
  return { viaApi, batched, singles: rest.filter((item) => !batched.includes(item)) };
}

/**
 * Reads many resources: through the tagging API where the policy routes (GetResources, 100 ARNs a call; by
 * the tagger's policy, so reads and writes share its refusals), in the
 * adapter's batches where it has them (EC2 DescribeTags), one call sequence per resource otherwise.
 */
export async function listMany(
  engine: Engine,
  policy: TaggingApiPolicy,
  inputs: ReadInput[],
  settings: BulkSettings,
  options: BulkOptions<ReadResult> = {},
): Promise<ReadReport> {
  const started = Date.now();
  const run = new Run<ReadResult>(inputs.length, options.onProgress);
  const { calls } = await countCalls(async () => {
    const targets: Indexed<Target>[] = [];
    for (const [index, input] of inputs.entries()) {
      if ('result' in input) run.finish(index, input.result);
      else targets.push({ index, job: input.target });
    }
    const reads = new Reads(engine, policy, settings, options.signal, run);
    try {
      await reads.all(targets);
    } finally {
      reads.release();
    }
  });
  const { results } = run;
  const totals = { total: results.length, read: 0, failed: 0, skipped: 0 };
  for (const { outcome } of results) totals[outcome]++;
  return { results, totals, calls, durationMs: Date.now() - started };
}

/**
 * The reads of one `listMany`, under one concurrency limit per service and one retry budget: a read (or batch)
 * that ends throttled or failed in passing is sent again after a backoff; the signal aborts reads under way.
 */
class Reads {
  readonly #limitOf: ReturnType<typeof limitsPerService>;
  readonly #signal: AbortSignal | undefined;
  readonly #retry: Retry;
  /** Takes this run's listener off the caller's signal. */
  readonly release: () => void;

  constructor(
    readonly engine: Engine,
    readonly policy: TaggingApiPolicy,
    settings: BulkSettings,
    signal: AbortSignal | undefined,
    readonly run: Run<ReadResult>,
  ) {
    this.#limitOf = limitsPerService(settings.concurrency);
    const { signal: own, release } = shared(signal);
    this.#signal = own;
    this.release = release;
    this.#retry = new Retry(settings.retryFor ?? DEFAULT_RETRY_FOR_MS, this.#signal);
  }

  /** Reads every target where it goes: the tagging API, its adapter's batches, or calls of its own. */
  async all(targets: Indexed<Target>[]): Promise<void> {
    // Decided once, before any call: a refusal met during this run reroutes the rest of its group itself.
    const viaApi: Indexed<Target>[] = [];
    const rest: Indexed<Target>[] = [];
    for (const item of targets) (this.policy.routes(item.job) ? viaApi : rest).push(item);
    const batched = rest.filter(({ job }) => job.adapter.listBatch);
    const parts = [...groupBy(batched, ({ job }) => job.adapter.name).values()].flatMap((group) =>
      chunk(group, (group[0] as Indexed<Target>).job.adapter.listBatchSize ?? 1),
    );
    await Promise.all([
      this.#viaApi(viaApi),
      ...parts.map((part) => this.#batch(part)),
      ...rest.filter(({ job }) => !job.adapter.listBatch).map((item) => this.#one(item)),
    ]);
  }

  // Through the policy: probe first per service, region and account; what the API refuses, fails or leaves
  // out of its answer is read through the resource's own adapter.
  #viaApi(items: Indexed<Target>[]): Promise<void> {
    const { fallback } = this.policy;
    return this.policy.read<Indexed<Target> & { target: Target }, Tags>(
      items.map((item) => ({ ...item, target: item.job })),
      {
        parts: (group) => chunk(group, fallback.listBatchSize ?? 1),
        // A resource with an adapter of its own that the answer leaves out was never tagged, or is unknown to
        // the API: never taken for untagged, it comes back without tags and goes to its own adapter.
        send: (part) =>
          this.#part(fallback, part, { onlyAnswered: (part[0] as Indexed<Target>).job.adapter !== fallback }),
        settle: (item, tags) => this.#finish(item, tags),
        own: (item) => this.#one(item),
      },
    );
  }

  async #batch(part: Indexed<Target>[]): Promise<void> {
    const out = await this.#part((part[0] as Indexed<Target>).job.adapter, part, {});
    if (out) for (const item of part) this.#finish(item, out.get(item.job.arn));
  }

  // One batch read, and again for its members that failed in passing; undefined (the part skipped) when the run
  // had stopped before its first call.
  async #part(
    adapter: Adapter,
    part: Indexed<Target>[],
    options: CallOptions,
    attempt = 0,
  ): Promise<TypedBatch<Tags> | undefined> {
    const signal = this.#signal;
    const targets = part.map(({ job }) => job);
    const out = await this.#limitOf(
      targets[0] as Target,
      adapter.name,
    )(async () =>
      attempt === 0 && signal?.aborted
        ? undefined
        : this.engine.readBatch(adapter, targets, { ...options, signal }),
    );
    if (!out) return void this.#skip(part);
    const again = retryable(part, (i) => i.job.arn, out, this.#retry, attempt);
    if (again.items.length > 0 && (await this.#retry.sleep(again.wait))) {
      const next = await this.#part(adapter, again.items, options, attempt + 1);
      if (next) for (const { job } of again.items) out.set(job.arn, next.get(job.arn) as UnitagError);
    }
    return out;
  }

  async #one(item: Indexed<Target>, attempt = 0): Promise<void> {
    const signal = this.#signal;
    const again = await this.#limitOf(item.job)(async () => {
      if (attempt === 0 && signal?.aborted) return void this.#skip([item]);
      const out = await this.engine.read(item.job, { signal }).catch((error: UnitagError) => error);
      const wait = isUnitagError(out) ? this.#retry.delay(item, out, attempt) : undefined;
      if (wait === undefined) return void this.#finish(item, this.#retry.final(item, out));
      return { wait, out };
    });
    if (!again) return;
    if (await this.#retry.sleep(again.wait)) return this.#one(item, attempt + 1);
    this.#finish(item, again.out);
  }

  #finish({ index, job }: Indexed<Target>, tags: Tags | UnitagError | undefined): void {
    const base = { arn: job.arn, type: job.info.type };
    if (tags === undefined || isUnitagError(tags))
      this.run.finish(index, { ...base, outcome: 'failed', error: tags });
    else this.run.finish(index, { ...base, outcome: 'read', tags });
  }

  #skip(items: Indexed<Target>[]): void {
    for (const { index, job } of items)
      this.run.finish(index, { arn: job.arn, type: job.info.type, outcome: 'skipped' });
  }
}

/**
 * A signal for every call of one bulk operation, following the caller's: each SDK request listens on it, so
 * the caller's own signal gets one listener however many requests run (no MaxListenersExceededWarning).
 */
function shared(signal: AbortSignal | undefined): { signal?: AbortSignal; release: () => void } {
  if (!signal) return { release: () => {} };
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const follow = () => controller.abort(signal.reason);
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener('abort', follow, { once: true });
  // The caller's signal may outlive many operations (a streamed job's): each takes its listener off when done.
  return { signal: controller.signal, release: () => signal.removeEventListener('abort', follow) };
}

/** Collects results in input order and reports progress. */
class Run<R> {
  readonly results: R[];
  #done = 0;

  constructor(
    size: number,
    readonly onProgress: ((progress: Progress<R>) => void) | undefined,
  ) {
    this.results = new Array(size);
  }

  finish(index: number, result: R): void {
    this.results[index] = result;
    this.#done++;
    this.onProgress?.({ done: this.#done, total: this.results.length, result });
  }
}

function line(job: WriteJob, outcome: WriteResult['outcome'], error?: UnitagError): WriteResult {
  const { before, after } = job.detail ?? {};
  return {
    arn: job.target.arn,
    ...(job.versionId ? { versionId: job.versionId } : {}),
    type: job.target.info.type,
    outcome,
    before,
    after,
    ...(error ? { error } : {}),
  };
}

function isEmpty(request: WriteRequest): boolean {
  return Object.keys(request.set).length === 0 && request.remove.length === 0;
}

function targetsOf(items: Indexed<WriteJob>[]): Target[] {
  return items.map(({ job }) => job.target);
}

/** Batches: jobs of one adapter with the same change, at most `size` a batch. */
function parts<T extends Indexed<WriteJob>>(items: T[], size: (adapter: Adapter) => number): T[][] {
  const groups = groupBy(items, ({ job }) => `${job.target.adapter.name}|${changeKey(job.request)}`);
  return [...groups.values()].flatMap((group) => chunk(group, size((group[0] as T).job.target.adapter)));
}

function changeKey(request: WriteRequest): string {
  const set = Object.entries(request.set).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([set, [...request.remove].sort()]);
}
