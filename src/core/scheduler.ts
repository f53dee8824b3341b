// Every request of one tagger passes through here: a token bucket per account, region and family of calls (as
// AWS meters them), at AWS's default rates, that halves its rate when AWS answers "throttled" and wins it back
// slowly (additive increase, multiplicative decrease), shared by every concurrent request of the tagger.
import { ConfigurationError } from './errors.js';
import { FAMILIES, type RateLimit } from './rates.js';

/**
 * Request rates by family (`sns:tagging`, `ec2:mutating`, ...; see docs/request-rates.md) or by service (`sns`
 * sets every family of SNS), in requests a second; `Infinity` lifts the limit. Or `false`: no rate limits at
 * all (unitag then relies on the SDK's retries alone).
 */
export type MaxRates = Readonly<Record<string, number>> | false;

/** The lowest rate a bucket adapts down to, as a share of its ceiling. */
const FLOOR = 1 / 64;
/** A success wins back this share of the ceiling a second (a halved rate recovers in 10 s of steady success). */
const RECOVERY_PER_SECOND = 0.05;

/** The rate limits of one tagger. */
export class Scheduler {
  readonly #limits: Map<string, RateLimit>;
  readonly #buckets = new Map<string, Bucket>();

  constructor(maxRates: MaxRates = {}, now: () => number = Date.now) {
    this.#limits = maxRates === false ? new Map() : limitsOf(maxRates);
    this.now = now;
  }

  readonly now: () => number;

  /** The bucket of `family` for one account and region; undefined when that family is not limited. */
  bucket(family: string | undefined, account: string, region: string): Bucket | undefined {
    if (family === undefined) return undefined;
    const limit = this.#limits.get(family);
    if (!limit || !Number.isFinite(limit.rate)) return undefined;
    const key = `${account}|${region}|${family}`;
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = new Bucket(limit, this.now);
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }
}

/** The limits after the caller's overrides; an override names a family or a service, and must be a rate. */
function limitsOf(overrides: Readonly<Record<string, number>>): Map<string, RateLimit> {
  const limits = new Map<string, RateLimit>(Object.entries(FAMILIES));
  for (const [name, rate] of Object.entries(overrides)) {
    const families = Object.keys(FAMILIES).filter((f) => f === name || f.startsWith(`${name}:`));
    if (families.length === 0) {
      throw new ConfigurationError(
        `"${name}" is not a rate family or service: name one of ${Object.keys(FAMILIES).join(', ')}, or a service (sns, ec2, ...).`,
      );
    }
    if (typeof rate !== 'number' || Number.isNaN(rate) || rate <= 0) {
      throw new ConfigurationError(
        `The rate for "${name}" must be a number of requests a second above 0 (or Infinity for no limit).`,
      );
    }
    for (const family of families) {
      const base = FAMILIES[family] as RateLimit;
      // A raised or lowered rate keeps the family's burst in proportion, never below one request.
      const burst = Number.isFinite(rate) ? Math.max(1, Math.round((base.burst * rate) / base.rate)) : rate;
      limits.set(family, { rate, burst });
    }
  }
  return limits;
}

/**
 * One token bucket. A request takes a token, waiting its turn when there is none (waiters are served in order:
 * the deficit is a queue). `throttled` halves the rate (once per second at most, however many requests it
 * answers at once) and empties the burst; each success adds back a little of the rate, up to the ceiling.
 */
export class Bucket {
  /** The rate now, after adapting. */
  rate: number;
  #tokens: number;
  #refilled: number;
  #cut = Number.NEGATIVE_INFINITY;
  #grown: number;

  constructor(
    readonly limit: RateLimit,
    readonly now: () => number,
  ) {
    this.rate = limit.rate;
    this.#tokens = limit.burst;
    this.#refilled = now();
    this.#grown = this.#refilled;
  }

  /** Milliseconds the next request would wait now (0 when a token is there). */
  get wait(): number {
    this.#refill();
    return this.#tokens >= 1 ? 0 : ((1 - this.#tokens) / this.rate) * 1000;
  }

  /** Takes a token: resolves at once, or after the wait its place in the queue needs; rejects when aborted. */
  take(signal?: AbortSignal): Promise<void> {
    this.#refill();
    this.#tokens -= 1;
    if (this.#tokens >= 0) return Promise.resolve();
    const ms = (-this.#tokens / this.rate) * 1000;
    return new Promise((resolve, reject) => {
      const abort = () => {
        clearTimeout(timer);
        this.#tokens += 1; // The place it gives up goes to the next in line.
        reject(signal?.reason ?? Object.assign(new Error('aborted'), { name: 'AbortError' }));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', abort);
        resolve();
      }, ms);
      if (signal?.aborted) return abort();
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  /** AWS answered "throttled": halve the rate and stop bursting. */
  throttled(): void {
    const now = this.now();
    this.#refill();
    this.#tokens = Math.min(this.#tokens, 0);
    if (now - this.#cut < 1000) return;
    this.#cut = now;
    this.rate = Math.max(this.limit.rate * FLOOR, this.rate / 2);
    this.#grown = now;
  }

  /** A request went through: win back a little of the rate. */
  succeeded(): void {
    const now = this.now();
    if (this.rate >= this.limit.rate) {
      this.#grown = now;
      return;
    }
    this.#refill();
    const seconds = (now - this.#grown) / 1000;
    this.rate = Math.min(this.limit.rate, this.rate + this.limit.rate * RECOVERY_PER_SECOND * seconds);
    this.#grown = now;
  }

  #refill(): void {
    const now = this.now();
    this.#tokens = Math.min(this.limit.burst, this.#tokens + ((now - this.#refilled) / 1000) * this.rate);
    this.#refilled = now;
  }
}
