// Bulk writes: batched where an adapter can, routed through the tagging-API policy where it says so, one call
// sequence per resource otherwise, all under one concurrency limit per service, with a report line per resource.
import { countCalls } from '../core/clients.js';
import { chunk, groupBy } from '../core/collections.js';
import type { Engine, TypedBatch } from '../core/engine.js';
import { isUnitagError, type UnitagError } from '../core/errors.js';
import { DEFAULT_RETRY_FOR_MS, limitsPerService, Retry } from '../core/retry.js';
import type { TaggingApiPolicy } from '../core/tagging-api-policy.js';
import type { Adapter, Tags, Target, WriteOutcome, WriteRequest } from '../core/types.js';
import { validateWrite } from '../core/validate.js';
import { type BulkOptions, type BulkSettings, type Indexed, Run, retryable } from './bulk.js';
import { type BulkReport, countOutcomes, lineKey, resumedLines, type WriteResult } from './report.js';

/** One resource to write: its target and validated request (and, for S3 objects, a version). */
export interface WriteJob {
  target: Target;
  request: WriteRequest;
  versionId?: string | undefined;
  /** The write carries out a plan this tagger made (see CallOptions `planned`). */
  planned?: boolean | undefined;
  /** Fields its report line carries whatever happens (a plan's `before` and `after`). */
  detail?: { before?: Tags | undefined; after?: Tags | undefined } | undefined;
}

/** A write to make, or a line whose outcome is already known (invalid input, nothing to do). */
export type WriteInput = WriteJob | { result: WriteResult };

/** Resolves and validates one write per ARN, once: the job, or the failed line an invalid ARN or request gets. */
export function prepareWrites(engine: Engine, arns: string[], set: Tags, remove: string[]): WriteInput[] {
  return arns.map((arn) => {
    let target: Target | undefined;
    try {
      target = engine.resolve(arn);
      return { target, request: validateWrite(target, set, remove) };
    } catch (error) {
      return { result: { arn, outcome: 'failed', error: engine.fail(error, target ?? { arn }) } };
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
    const { target, request, versionId, planned } = item.job;
    // The line is finished inside the job's place, so that a stop it causes (through onProgress) is seen by
    // the next job; only a wait for a retry happens outside it.
    const again = await this.#limitOf(target)(async () => {
      if (attempt === 0 && this.#stopped) return void this.#skip([item]);
      const out = await this.engine
        .write(target, request, { versionId, planned: planned && attempt === 0 })
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
  for (let index = 0; index < inputs.length; index++) {
    const input = inputs[index] as WriteInput;
    const done =
      earlier.size === 0
        ? undefined
        : earlier.get(lineKey('result' in input ? input.result : { arn: input.target.arn, ...input }));
    if (done) run.finish(index, done);
    else if ('result' in input) run.finish(index, input.result);
    else if (isEmpty(input.request)) run.finish(index, line(input, 'unchanged'));
    else jobs.push({ index, job: input });
  }
  return jobs;
}

/** Where each job goes: the tagging API (as the policy routes), its adapter's batch calls, or calls of its own. */
function routes(jobs: Indexed<WriteJob>[], policy: TaggingApiPolicy) {
  const viaApi: Indexed<WriteJob>[] = [];
  const batched: Indexed<WriteJob>[] = [];
  const singles: Indexed<WriteJob>[] = [];
  for (const item of jobs) {
    const { target, versionId } = item.job;
    if (policy.routes(target)) viaApi.push(item);
    else if (target.adapter.tagBatch && target.adapter.untagBatch && !versionId) batched.push(item);
    else singles.push(item);
  }
  return { viaApi, batched, singles };
}

function line(job: WriteJob, outcome: WriteResult['outcome'], error?: UnitagError): WriteResult {
  const { before, after } = job.detail ?? {};
  const { arn, info } = job.target;
  const result: WriteResult = job.versionId
    ? { arn, versionId: job.versionId, type: info.type, outcome, before, after }
    : { arn, type: info.type, outcome, before, after };
  if (error) result.error = error;
  return result;
}

function isEmpty({ set, remove }: WriteRequest): boolean {
  if (remove.length > 0) return false;
  for (const key in set) if (Object.hasOwn(set, key)) return false;
  return true;
}

function targetsOf(items: Indexed<WriteJob>[]): Target[] {
  return items.map(({ job }) => job.target);
}

/** Batches: jobs of one adapter with the same change, at most `size` a batch. */
function parts<T extends Indexed<WriteJob>>(items: T[], size: (adapter: Adapter) => number): T[][] {
  const groups = groupBy(items, ({ job }) => `${job.target.adapter.name}|${changeKey(job.request)}`);
  return [...groups.values()].flatMap((group) => chunk(group, size((group[0] as T).job.target.adapter)));
}

/** The same text for the same change, whatever the order of its keys: each key and value quoted as JSON quotes them. */
function changeKey({ set, remove }: WriteRequest): string {
  const keys = Object.keys(set);
  if (keys.length > 1) keys.sort();
  let key = '';
  for (const k of keys) key += `${JSON.stringify(k)}:${JSON.stringify(set[k])},`;
  key += '|';
  for (const k of remove.length > 1 ? [...remove].sort() : remove) key += `${JSON.stringify(k)},`;
  return key;
}
