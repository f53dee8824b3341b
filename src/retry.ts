// Job-level retry: a resource (or batch) that still ends throttled, or failed in passing, after the SDK's own
// attempts goes back in the queue after a backoff instead of failing, until its time budget is spent. Only errors
// that retrying cannot fix end a resource at once.
import pLimit, { type LimitFunction } from 'p-limit';
import type { UnitagError } from './errors.js';
import type { Target } from './types.js';

/** How long a resource's failures are retried for, by default: five minutes from its first failure. */
export const DEFAULT_RETRY_FOR_MS = 300_000;

const FIRST_WAIT_MS = 1_000;
const LONGEST_WAIT_MS = 30_000;

// 5xx answers and the names AWS gives them: the service failed in passing.
const PASSING = new Set(['InternalError', 'InternalFailure', 'ServiceUnavailable', 'InternalServerError']);

/** True for a failure that the same call may not meet again: throttling, a timeout, a network or 5xx error. */
export function isTransient(error: UnitagError): boolean {
  if (error.code === 'Throttled' || error.code === 'Timeout' || error.code === 'NetworkError') return true;
  if (error.code !== 'ServiceError') return false;
  const cause = error.cause as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  const status = cause?.$metadata?.httpStatusCode ?? 0;
  return status >= 500 || PASSING.has(cause?.name ?? '');
}

/** The retry state of one bulk operation: when each job first failed, and its budget. */
export class Retry {
  readonly #first = new WeakMap<object, number>();

  constructor(
    /** Milliseconds from a job's first failure during which it is retried; 0 retries nothing. */
    readonly budgetMs: number,
    readonly signal: AbortSignal | undefined,
    readonly now: () => number = Date.now,
  ) {}

  /**
   * The wait before `job` (failed with `error` on its attempt number `attempt`, from 0) is tried again, or
   * undefined when it is not to be: the error is not transient, the run is stopping, or the budget is spent.
   */
  delay(job: object, error: UnitagError, attempt: number): number | undefined {
    if (!isTransient(error) || this.signal?.aborted || this.budgetMs <= 0) return undefined;
    const now = this.now();
    const first = this.#first.get(job) ?? now;
    this.#first.set(job, first);
    // Exponential, with jitter so that the jobs throttled together do not come back together.
    const ceiling = Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** attempt);
    const wait = ceiling / 2 + Math.random() * (ceiling / 2);
    return now + wait - first > this.budgetMs ? undefined : wait;
  }

  /** Waits `ms`; false when the signal fired first (the job then keeps its last error). */
  sleep(ms: number): Promise<boolean> {
    const signal = this.signal;
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const stop = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', stop);
        resolve(true);
      }, ms);
      signal?.addEventListener('abort', stop, { once: true });
    });
  }
}

/**
 * Concurrency limits per service, region and account: requests waiting for one service's rate (SNS's 10 a
 * second) never hold the places another service's requests could use.
 */
export function limitsPerService(concurrency: number): (target: Target, via?: string) => LimitFunction {
  const limits = new Map<string, LimitFunction>();
  return (target, via = target.parsed.service) => {
    const { region, accountId } = target.parsed;
    const key = `${via}|${region}|${accountId}`;
    let limit = limits.get(key);
    if (!limit) {
      limit = pLimit(concurrency);
      limits.set(key, limit);
    }
    return limit;
  };
}
