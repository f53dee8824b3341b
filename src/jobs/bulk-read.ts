// Bulk reads: through the tagging API where the policy routes, in an adapter's batches where it has them, one
// call sequence per resource otherwise, under one concurrency limit per service, with a line per resource.
import { setMaxListeners } from 'node:events';
import { countCalls } from '../core/clients.js';
import { chunk, groupBy } from '../core/collections.js';
import type { Engine, TypedBatch } from '../core/engine.js';
import { isUnitagError, type UnitagError } from '../core/errors.js';
import { DEFAULT_RETRY_FOR_MS, limitsPerService, Retry } from '../core/retry.js';
import { key, type TaggingApiPolicy } from '../core/tagging-api-policy.js';
import type { Adapter, CallOptions, Tags, Target } from '../core/types.js';
import { type BulkOptions, type BulkSettings, type Indexed, Run, retryable } from './bulk.js';
import type { ReadReport, ReadResult } from './report.js';

/** A resource to read, or a line whose outcome is already known. */
export type ReadInput = { target: Target } | { result: ReadResult };

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
    // How many of each service, region and account (every resource of it counts, routed or not).
    const groups = targets.map(({ job }) => key(job));
    const together = new Map<string, number>();
    for (const group of groups) together.set(group, (together.get(group) ?? 0) + 1);
    targets.forEach((item, i) => {
      (this.policy.routesRead(item.job, together.get(groups[i] as string) ?? 1) ? viaApi : rest).push(item);
    });
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
    const { arn, info } = job;
    if (tags === undefined || isUnitagError(tags))
      this.run.finish(index, { arn, type: info.type, outcome: 'failed', error: tags });
    else this.run.finish(index, { arn, type: info.type, outcome: 'read', tags });
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
