import pLimit from 'p-limit';
import type { ParsedArn } from './arn.js';
import { countCalls } from './clients.js';
import { chunk, groupBy } from './collections.js';
import type { Engine, Resolved } from './engine.js';
import { toUnitagError, type UnitagError } from './errors.js';
import { copyTags } from './shapes.js';
import type { Adapter, BatchResult, Tags, WriteOutcome } from './types.js';
import { validateKeys, validateTags } from './validate.js';

/** What happened to one resource: `skipped` was not attempted (cancelled, or done in the resumed report). */
export type Outcome = 'changed' | 'unchanged' | 'failed' | 'skipped';

/** One resource's line in a report. */
export interface ResourceResult {
  arn: string;
  /** `sns:topic`, `ec2:volume`, ... when the ARN could be read. */
  type?: string | undefined;
  outcome: Outcome;
  /** Tags before the write, where they were read (plans, S3). */
  before?: Tags | undefined;
  /** Tags after the write, where known (plans). */
  after?: Tags | undefined;
  /** The tags read, for `listMany`. */
  tags?: Tags | undefined;
  /** Why it failed. */
  error?: UnitagError | undefined;
}

/** Counts of each outcome. */
export interface Totals {
  total: number;
  changed: number;
  unchanged: number;
  failed: number;
  skipped: number;
}

/** The result of a bulk operation: a line per resource (input order), totals, and the AWS calls it made. */
export interface BulkReport {
  results: ResourceResult[];
  totals: Totals;
  /** HTTP requests sent to AWS by this operation, retries included. */
  calls: number;
  durationMs: number;
}

/** A report as JSON (what `reportToJson` writes and `resume` reads back). */
export interface ReportJson {
  version: 1;
  totals: Totals;
  calls: number;
  durationMs: number;
  resources: (Omit<ResourceResult, 'error'> & { error?: { code: string; message: string } | undefined })[];
}

/** Progress of a bulk operation, reported once per finished resource. */
export interface Progress {
  done: number;
  total: number;
  result: ResourceResult;
}

/** Options of every bulk operation. */
export interface BulkOptions {
  /** Stops starting new work; resources not yet started are reported as `skipped`. */
  signal?: AbortSignal | undefined;
  /** Called once per finished resource. */
  onProgress?: ((progress: Progress) => void) | undefined;
  /** A report of an earlier run: resources it reports `changed` or `unchanged` are skipped. */
  resume?: BulkReport | ReportJson | undefined;
}

/** One resource to write: keys to set and keys to remove. */
export interface WriteInput {
  arn: string;
  set: Tags;
  remove: string[];
  versionId?: string | undefined;
  before?: Tags | undefined;
  after?: Tags | undefined;
  /** A result decided before any write (plan entries with nothing to do, or invalid). */
  preset?: ResourceResult | undefined;
}

/** Bulk settings of a tagger. */
export interface BulkSettings {
  concurrency: number;
  /** Send writes for SNS, SQS, Lambda functions, S3 buckets and IAM users/roles through the tagging API first. */
  preferTaggingApi: boolean;
}

// Resource types the tagging API tags on AWS besides the services without an adapter. IAM users and roles are
// not among them although the API tags them: it names them by ARN and would skip the IAM adapter's check that
// the ARN's path is the entity's, and its keeping of the stored spelling of case-insensitive keys.
const TAGGING_API_TYPES = new Set(['sns:topic', 'sqs:queue', 'lambda:function', 's3:bucket']);
// Failures that say the tagging API will not serve this service here: stop asking it for that service.
const REFUSALS = new Set(['UnsupportedResource', 'AccessDenied']);

interface Item {
  index: number;
  input: WriteInput;
  r: Resolved;
  remove: string[];
}

/**
 * Writes many resources: validates each (an invalid one fails alone, with no call), then sends what AWS lets
 * batch in batches (tagging API: 20 ARNs; EC2: 1000 ids) and the rest one resource at a time, all through one
 * p-limit. Never throws for a per-resource failure.
 */
export async function writeMany(
  engine: Engine,
  inputs: WriteInput[],
  settings: BulkSettings,
  options: BulkOptions = {},
): Promise<BulkReport> {
  const started = Date.now();
  const run = new Run(inputs.length, options);
  const { calls } = await countCalls(async () => {
    const done = doneArns(options.resume);
    const items: Item[] = [];
    for (const [index, input] of inputs.entries()) {
      if (done.has(input.arn)) run.finish(index, { arn: input.arn, outcome: 'skipped' });
      else if (input.preset) run.finish(index, input.preset);
      else {
        const item = prepare(engine, input, index);
        if ('outcome' in item) run.finish(index, item);
        else items.push(item);
      }
    }

    const limit = pLimit(settings.concurrency);
    const single = (item: Item) =>
      limit(async () => {
        if (options.signal?.aborted) return run.skip(item);
        try {
          const { versionId } = item.input;
          // The signal stops new work only: a call under way finishes, so that what it wrote is reported.
          run.ok(item, await engine.change(item.r, item.input.set, item.remove, { versionId }));
        } catch (error) {
          run.fail(item, toUnitagError(error, { arn: item.input.arn, service: item.r.arn.service }));
        }
      });

    const fallback = engine.registry.fallback;
    const routes = groupBy(items, (item) => route(engine, settings, item));
    const viaApi = routes.get('api') ?? [];
    const viaBatch = routes.get('batch') ?? [];
    const viaSingle = routes.get('single') ?? [];

    const batchTasks = [...groupBy(viaBatch, (i) => `${i.r.adapter.name}|${changeKey(i)}`).values()].flatMap(
      (group) =>
        chunk(group, group[0]?.r.adapter.batchSize ?? 1).map((part) =>
          limit(async () => {
            if (options.signal?.aborted) return run.skipAll(part);
            const outcome = await batchWrite(engine, part[0]?.r.adapter as Adapter, part);
            for (const item of part) run.settle(item, outcome.get(item.input.arn));
          }),
        ),
    );

    const apiTasks = [...groupBy(viaApi, (i) => refusalKey(i.r.arn)).values()].map(async (group) => {
      const parts = [...groupBy(group, changeKey).values()].flatMap((g) =>
        chunk(g, fallback.batchSize ?? 20),
      );
      const sendPart = async (part: Item[]): Promise<Item[]> => {
        if (options.signal?.aborted) {
          for (const item of part) run.skip(item);
          return [];
        }
        const outcome = await batchWrite(engine, fallback, part);
        const retry: Item[] = [];
        for (const item of part) {
          const result = outcome.get(item.input.arn);
          const ownAdapter = item.r.adapter !== fallback;
          if (ownAdapter && result instanceof Error && result.code !== 'Throttled') {
            // The tagging API would not do it: fall back to the service's own adapter for this ARN.
            if (REFUSALS.has(result.code)) engine.taggingApiRefusals.add(refusalKey(item.r.arn));
            retry.push(item);
          } else run.settle(item, result);
        }
        return retry;
      };
      // The first part probes whether the tagging API serves this service here; the rest follow its answer.
      const [probe, ...rest] = parts;
      const fallbacks = (probe ? await limit(() => sendPart(probe)) : []).map(single);
      const refused = engine.taggingApiRefusals.has(refusalKey(group[0]?.r.arn as ParsedArn));
      const later = refused
        ? rest.flat().map(single)
        : rest.map(async (part) => Promise.all((await limit(() => sendPart(part))).map(single)));
      await Promise.all([...fallbacks, ...later]);
    });

    await Promise.all([...viaSingle.map(single), ...batchTasks, ...apiTasks]);
  });
  return run.report(calls, Date.now() - started);
}

/** Lists many resources, batching reads where the service allows (EC2 DescribeTags, tagging-API GetResources). */
export async function listMany(
  engine: Engine,
  arns: string[],
  settings: BulkSettings,
  options: BulkOptions = {},
): Promise<BulkReport> {
  const started = Date.now();
  const run = new Run(arns.length, options);
  const { calls } = await countCalls(async () => {
    const items: Item[] = [];
    for (const [index, arn] of arns.entries()) {
      try {
        items.push({ index, input: { arn, set: {}, remove: [] }, r: engine.resolve(arn), remove: [] });
      } catch (error) {
        run.finish(index, { arn, outcome: 'failed', error: toUnitagError(error, { arn }) });
      }
    }
    const limit = pLimit(settings.concurrency);
    const read = (item: Item, tags: Tags | UnitagError | undefined) => {
      if (tags === undefined || tags instanceof Error) run.fail(item, tags ?? missingError(item.r.arn));
      else {
        const { arn } = item.input;
        run.finish(item.index, { arn, type: item.r.info.type, outcome: 'unchanged', tags: copyTags(tags) });
      }
    };
    const batched = items.filter((i) => i.r.adapter.listBatch);
    const tasks = [...groupBy(batched, (i) => i.r.adapter.name).values()].flatMap((group) =>
      chunk(group, group[0]?.r.adapter.listBatchSize ?? 1).map((part) =>
        limit(async () => {
          if (options.signal?.aborted) return run.skipAll(part);
          const adapter = part[0]?.r.adapter as Adapter;
          try {
            const out = await adapter.listBatch?.(
              engine.context,
              part.map((i) => i.r.arn),
            );
            for (const item of part) read(item, out?.get(item.input.arn));
          } catch (error) {
            for (const item of part) read(item, toUnitagError(error, { arn: item.input.arn }));
          }
        }),
      ),
    );
    const singles = items
      .filter((i) => !i.r.adapter.listBatch)
      .map((item) =>
        limit(async () => {
          if (options.signal?.aborted) return run.skip(item);
          try {
            read(item, await engine.list(item.r));
          } catch (error) {
            read(item, toUnitagError(error, { arn: item.input.arn }));
          }
        }),
      );
    await Promise.all([...tasks, ...singles]);
  });
  return run.report(calls, Date.now() - started);
}

/**
 * Where one write goes: the tagging API (services without an adapter, and, when preferred and not refused
 * here, the types it tags on AWS), an adapter's batch calls, or one call sequence per resource.
 */
function route(engine: Engine, settings: BulkSettings, item: Item): 'api' | 'batch' | 'single' {
  const { adapter, info, arn } = item.r;
  if (adapter === engine.registry.fallback) return 'api';
  const preferred = settings.preferTaggingApi && TAGGING_API_TYPES.has(info.type);
  if (preferred && !engine.taggingApiRefusals.has(refusalKey(arn))) return 'api';
  if (adapter.tagBatch && adapter.untagBatch && !item.input.versionId) return 'batch';
  return 'single';
}

/** Resolves and validates one input: an item to write, or the result it already has (nothing to do, invalid). */
function prepare(engine: Engine, input: WriteInput, index: number): Item | ResourceResult {
  try {
    const r = engine.resolve(input.arn);
    validateTags(input.set, r.info.rules, input.arn);
    const remove = validateKeys(input.remove, r.info.rules, input.arn);
    if (Object.keys(input.set).length > 0 || remove.length > 0) return { index, input, r, remove };
    return {
      arn: input.arn,
      type: r.info.type,
      before: input.before,
      after: input.after,
      outcome: 'unchanged',
    };
  } catch (error) {
    return { arn: input.arn, outcome: 'failed', error: toUnitagError(error, { arn: input.arn }) };
  }
}

/** Tags then untags one batch (same adapter, same change); every ARN ends with `changed` or its error. */
async function batchWrite(engine: Engine, adapter: Adapter, part: Item[]): Promise<BatchResult> {
  const result: BatchResult = new Map();
  const first = part[0] as Item;
  let pending = part.map((i) => i.r.arn);
  const steps: [boolean, (arns: ParsedArn[]) => Promise<BatchResult> | undefined][] = [
    [
      Object.keys(first.input.set).length > 0,
      (arns) => adapter.tagBatch?.(engine.context, arns, first.input.set),
    ],
    [first.remove.length > 0, (arns) => adapter.untagBatch?.(engine.context, arns, first.remove)],
  ];
  for (const [needed, step] of steps) {
    if (!needed || pending.length === 0) continue;
    let out: BatchResult | undefined;
    try {
      out = await step(pending);
    } catch (error) {
      for (const arn of pending)
        result.set(arn.arn, toUnitagError(error, { arn: arn.arn, service: arn.service }));
      return result;
    }
    for (const arn of pending) result.set(arn.arn, out?.get(arn.arn) ?? missingError(arn));
    pending = pending.filter((arn) => result.get(arn.arn) === 'changed');
  }
  return result;
}

function missingError(arn: ParsedArn): UnitagError {
  return toUnitagError(new Error('the batch call returned no result for this resource'), {
    arn: arn.arn,
    service: arn.service,
  });
}

/** Collects results in input order and reports progress. */
class Run {
  readonly results: ResourceResult[];
  #done = 0;
  readonly #options: BulkOptions;

  constructor(size: number, options: BulkOptions) {
    this.results = new Array(size);
    this.#options = options;
  }

  finish(index: number, result: ResourceResult): void {
    this.results[index] = result;
    this.#done++;
    this.#options.onProgress?.({ done: this.#done, total: this.results.length, result });
  }

  ok(item: Item, outcome: WriteOutcome): void {
    const { arn, before, after } = item.input;
    this.finish(item.index, { arn, type: item.r.info.type, outcome, before, after });
  }

  fail(item: Item, error: UnitagError): void {
    const { arn, before, after } = item.input;
    this.finish(item.index, { arn, type: item.r.info.type, outcome: 'failed', before, after, error });
  }

  skipAll(items: Item[]): void {
    for (const item of items) this.skip(item);
  }

  skip(item: Item): void {
    const { arn, before, after } = item.input;
    this.finish(item.index, { arn, type: item.r.info.type, outcome: 'skipped', before, after });
  }

  settle(item: Item, outcome: WriteOutcome | UnitagError | undefined): void {
    if (outcome === 'changed' || outcome === 'unchanged') this.ok(item, outcome);
    else this.fail(item, outcome ?? missingError(item.r.arn));
  }

  report(calls: number, durationMs: number): BulkReport {
    const results = this.results;
    return { results, totals: countOutcomes(results), calls, durationMs };
  }
}

/** Counts outcomes. */
export function countOutcomes(results: { outcome: Outcome }[]): Totals {
  const totals: Totals = { total: results.length, changed: 0, unchanged: 0, failed: 0, skipped: 0 };
  for (const { outcome } of results) totals[outcome]++;
  return totals;
}

/** A report as plain JSON: errors become `{ code, message }`. */
export function reportToJson(report: BulkReport): ReportJson {
  return {
    version: 1,
    totals: report.totals,
    calls: report.calls,
    durationMs: report.durationMs,
    resources: report.results.map(({ error, ...rest }) => ({
      ...rest,
      ...(error ? { error: { code: error.code, message: error.message } } : {}),
    })),
  };
}

/** ARNs a report says are done (`changed` or `unchanged`): a resumed run skips them. */
export function doneArns(report: BulkReport | ReportJson | undefined): Set<string> {
  const lines = report ? ('results' in report ? report.results : report.resources) : [];
  return new Set(lines.filter((l) => l.outcome === 'changed' || l.outcome === 'unchanged').map((l) => l.arn));
}

function refusalKey(arn: ParsedArn): string {
  return `${arn.service}|${arn.region}|${arn.accountId}`;
}

function changeKey(item: Item): string {
  const set = Object.entries(item.input.set).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([set, [...item.remove].sort()]);
}
