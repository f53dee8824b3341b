// Every request of one tagger passes through here: a token bucket per account, region and family of calls (as
// AWS meters them), paced a little under AWS's default rates, that stops bursting when AWS answers "throttled",
// halves its rate while throttles keep coming and wins it back (additive increase, multiplicative decrease),
// shared by every concurrent request of the tagger.
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
/**
 * Requests are paced at this share of the limit: at exactly the limit, answers that arrive a few milliseconds
 * early (the network's and the machine's jitter) find AWS's bucket empty and are throttled.
 */
export const PACE = 0.97;
/**
 * Throttles less than a second apart are one episode. An episode that starts within this many ms of the last one
 * halves the rate; an isolated one only stops the burst: paced under the limit, it came from an answer's jitter,
 * not from a rate too high (another client sharing the account's quota throttles again within seconds).
 */
const STORM_MS = 5000;

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
 * the deficit is a queue). Its ceiling is PACE of the limit, its capacity PACE of the burst less one. `throttled`
 * empties the burst and, while throttles keep coming, halves the rate (once per second at most, however many
 * requests it answers at once); each success adds back a little of the rate, up to the ceiling.
 */
export class Bucket {
  /** The rate now, after adapting. */
  rate: number;
  /** The most it paces at: PACE of the limit. */
  readonly ceiling: number;
  /** The most requests it lets through at once: PACE of the burst, less one. */
  readonly capacity: number;
  #tokens: number;
  #refilled: number;
  /** When the last episode of throttles began. */
  #episode = Number.NEGATIVE_INFINITY;
  #grown: number;

  constructor(
    readonly limit: RateLimit,
    readonly now: () => number,
  ) {
    this.ceiling = limit.rate * PACE;
    this.rate = this.ceiling;
    // A token of AWS's burst is left unused: after the burst both buckets would be empty, and the first answer
    // that arrives a little early would be throttled.
    this.capacity = Math.max(1, Math.round(limit.burst * PACE) - 1);
    this.#tokens = this.capacity;
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

  /** AWS answered "throttled": stop bursting, and halve the rate while throttles keep coming (see STORM_MS). */
  throttled(): void {
    const now = this.now();
    this.#refill();
    this.#tokens = Math.min(this.#tokens, 0);
    if (now - this.#episode < 1000) return;
    const storm = now - this.#episode < STORM_MS;
    this.#episode = now;
    if (!storm) return;
    this.rate = Math.max(this.ceiling * FLOOR, this.rate / 2);
    this.#grown = now;
  }

  /** A request went through: win back a little of the rate. */
  succeeded(): void {
    const now = this.now();
    if (this.rate >= this.ceiling) {
      this.#grown = now;
      return;
    }
    this.#refill();
    const seconds = (now - this.#grown) / 1000;
    this.rate = Math.min(this.ceiling, this.rate + this.ceiling * RECOVERY_PER_SECOND * seconds);
    this.#grown = now;
  }

  #refill(): void {
    const now = this.now();
    this.#tokens = Math.min(this.capacity, this.#tokens + ((now - this.#refilled) / 1000) * this.rate);
    this.#refilled = now;
  }
}
