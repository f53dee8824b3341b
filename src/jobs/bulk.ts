// What every bulk operation (bulk-write.ts, bulk-read.ts) shares: its options and settings, the run that collects
// a line per resource in input order and reports progress, and the retry of a batch's members.
import { isUnitagError } from '../core/errors.js';
import type { Retry } from '../core/retry.js';
import type { BulkReport, ReportJson, WriteResult } from './report.js';

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

/** An input's job, with its place in the input (and so in the report). */
export interface Indexed<J> {
  index: number;
  job: J;
}

/**
 * The members of a batch to send again (failed in passing, within their budget), and the wait before; the others
 * keep their final result in `out`.
 */
export function retryable<J extends object>(
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

/** Collects results in input order and reports progress. */
export class Run<R> {
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
