// Job-level retry: a resource (or batch) that still ends throttled, or failed in passing, after the SDK's own
// attempts goes back in the queue after a backoff instead of failing, until its time budget is spent. Only errors
// that retrying cannot fix end a resource at once. A request that got no answer is sent a few times only: the budget
// is for throttling, and each unanswered attempt can cost a whole read timeout.
import pLimit, { type LimitFunction } from 'p-limit';
import { attemptsOf, awsErrorName, endpointOf, isInvalidRequest, withAttempts } from './aws-errors.js';
import { isUnitagError, type UnitagError } from './errors.js';
import type { Target } from './types.js';

/** How long a resource's failures are retried for, by default: five minutes from its first failure. */
export const DEFAULT_RETRY_FOR_MS = 300_000;

/**
 * How often a request that got no answer (timed out, or not connected) is sent at most, the SDK's attempts
 * counted. Each such attempt can cost a whole read timeout, and an endpoint silent three times running is down or
 * unreachable, not busy: so a hung endpoint fails after about 3 x --read-timeout, whatever the retry budget (which
 * is for throttling: AWS answered, and asked for a slower pace). Three is the SDK's and the AWS CLI's default.
 */
export const UNANSWERED_ATTEMPTS = 3;

const FIRST_WAIT_MS = 1_000;
const LONGEST_WAIT_MS = 30_000;

// 5xx answers and the names AWS gives them: the service failed in passing.
const PASSING = new Set(['InternalError', 'InternalFailure', 'ServiceUnavailable', 'InternalServerError']);

/** True for a failure that the same call may not meet again: throttling, a timeout, a network or 5xx error. */
export function isTransient(error: UnitagError): boolean {
  if (error.code === 'Throttled' || error.code === 'Timeout' || error.code === 'NetworkError') return true;
  if (error.code !== 'ServiceError') return false;
  const cause = error.cause as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  // A request AWS refused as invalid is refused again, whatever status came with it.
  if (isInvalidRequest(awsErrorName(cause))) return false;
  const status = cause?.$metadata?.httpStatusCode ?? 0;
  return status >= 500 || PASSING.has(cause?.name ?? '');
}

function gotNoAnswer(error: UnitagError): boolean {
  return error.code === 'Timeout' || error.code === 'NetworkError';
}

/** Per job: when it first failed, and the requests sent for it that got no answer, in all and per endpoint. */
interface JobState {
  first: number;
  unanswered: number;
  unansweredAt: Map<string, number>;
}

/** The retry state of one bulk operation: when each job first failed, and its budget. */
export class Retry {
  readonly #jobs = new WeakMap<object, JobState>();

  constructor(
    /** Milliseconds from a job's first failure during which it is retried; 0 retries nothing. */
    readonly budgetMs: number,
    readonly signal: AbortSignal | undefined,
    readonly now: () => number = Date.now,
  ) {}

  /**
   * The wait before `job` (failed with `error` on its attempt number `attempt`, from 0) is tried again, or
   * undefined when it is not to be: the error is not transient, the run is stopping, the budget is spent, or an
   * unanswered request was sent {@link UNANSWERED_ATTEMPTS} times.
   */
  delay(job: object, error: UnitagError, attempt: number): number | undefined {
    if (!isTransient(error) || this.signal?.aborted || this.budgetMs <= 0) return undefined;
    const now = this.now();
    const state = this.#jobs.get(job) ?? { first: now, unanswered: 0, unansweredAt: new Map() };
    this.#jobs.set(job, state);
    if (gotNoAnswer(error)) {
      const sent = attemptsOf(error.cause);
      const at = endpointOf(error.cause);
      state.unanswered += sent;
      state.unansweredAt.set(at, (state.unansweredAt.get(at) ?? 0) + sent);
      if (state.unanswered >= UNANSWERED_ATTEMPTS) return undefined;
    }
    // Exponential, with jitter so that the jobs throttled together do not come back together.
    const ceiling = Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** attempt);
    const wait = ceiling / 2 + Math.random() * (ceiling / 2);
    return now + wait - state.first > this.budgetMs ? undefined : wait;
  }

  /**
   * What `job` ends with, once {@link delay} said no more: `out` itself, or an unanswered request's error that
   * counts every attempt made for the job to the endpoint it names, not only its last call's. (A read the tagging
   * API left unanswered goes on to the service's own endpoint: those attempts are not counted as the service's.)
   */
  final<T>(job: object, out: T): T {
    if (!isUnitagError(out) || !gotNoAnswer(out)) return out;
    const sent = this.#jobs.get(job)?.unansweredAt.get(endpointOf(out.cause)) ?? 0;
    return sent > attemptsOf(out.cause) ? (withAttempts(out, sent) as T) : out;
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
