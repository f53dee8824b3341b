// Which bulk writes and reads go to the Resource Groups Tagging API, and what happens when it will not do them:
// the policy and its state (the refusals it has seen), apart from the generic bulk engine that calls it.
import { groupBy } from './collections.js';
import type { TypedBatch } from './engine.js';
import type { UnitagError } from './errors.js';
import type { Adapter, Target, WriteOutcome } from './types.js';

// Failures that say the tagging API will not serve this service here: it is not asked again for it.
const REFUSALS = new Set(['UnsupportedResource', 'AccessDenied']);

/**
 * How the policy reaches the bulk engine: it sends, settles and falls back through these. `T` is what a call
 * gives per resource: a write's outcome, or a read's tags.
 */
export interface PolicyIo<J, T = WriteOutcome> {
  /** Splits jobs into tagging-API calls (writes: same change; at most the call's size). */
  parts(jobs: J[]): J[][];
  /** Sends one part through the tagging API; `undefined` when the run was stopped (the bulk engine skipped it). */
  send(part: J[]): Promise<TypedBatch<T> | undefined>;
  /** Records a job's final outcome. */
  settle(job: J, outcome: T | UnitagError | undefined): void;
  /** Writes or reads a job through its own adapter instead. */
  own(job: J): Promise<void>;
}

/**
 * The tagging-API policy of one tagger. A bulk write or read goes to the tagging API when its target's adapter
 * is the fallback (a service without an adapter of its own), or when the adapter says the API tags its type
 * (`describe().taggingApi`) and bulk operations prefer it. Per service, region and account the first call is a
 * probe: where the API answers unsupported or access denied, those ARNs fall back to their own adapter and the
 * policy remembers the refusal (for writes and reads alike), so later calls go straight to the adapter. Another
 * failure, throttling aside, falls back for that ARN only; so does a resource a read's answer leaves out.
 */
export class TaggingApiPolicy {
  readonly #refused = new Set<string>();

  constructor(
    /** The tagging-API adapter (the registry's fallback). */
    readonly fallback: Adapter,
    /** Prefer the tagging API for the types it tags besides those without an adapter. */
    readonly prefer: boolean,
    /** Whether the endpoint was found to ignore GetResources' ResourceARNList (see `AdapterContext.note`). */
    readonly ignoresArnList: () => boolean = () => false,
  ) {}

  /** Whether a bulk write to (or read of) `target` goes to the tagging API first. */
  routes(target: Target): boolean {
    if (target.adapter === this.fallback) return true;
    return this.prefer && target.info.taggingApi === true && !this.#refused.has(key(target));
  }

  /**
   * Whether a bulk read of `target`, one of `together` ARNs of its service, region and account in the read, goes
   * to the tagging API: only where it saves calls. One GetResources call reads up to 100 ARNs, so it does for
   * several ARNs that their adapter reads one by one, never for one alone, nor for an adapter that reads in
   * batches of its own (EC2), nor once the endpoint answered ARNs it was not asked for (LocalStack pages through
   * every resource it holds). Resources without an adapter of their own always read through it.
   */
  routesRead(target: Target, together: number): boolean {
    if (target.adapter === this.fallback) return true;
    if (!this.routes(target) || this.ignoresArnList()) return false;
    return together >= 2 && !target.adapter.listBatch;
  }

  /** Writes `jobs` (all routed here) through the tagging API, probe first, falling back per ARN. */
  write<J extends { target: Target }>(jobs: J[], io: PolicyIo<J>): Promise<void> {
    return this.#route(jobs, io);
  }

  /**
   * Reads `jobs` (all routed here) through the tagging API, as `write` writes them; once the endpoint is found to
   * ignore ResourceARNList, the rest of each group goes to its own adapter.
   */
  read<J extends { target: Target }, T>(jobs: J[], io: PolicyIo<J, T>): Promise<void> {
    return this.#route(jobs, io, true);
  }

  async #route<J extends { target: Target }, T>(
    jobs: J[],
    io: PolicyIo<J, T>,
    reading = false,
  ): Promise<void> {
    const groups = [...groupBy(jobs, (job) => key(job.target)).values()];
    await Promise.all(groups.map((group) => this.#group(group, io, reading)));
  }

  // The probe first; the rest of the group after it, or straight to their own adapter once it was refused.
  async #group<J extends { target: Target }, T>(
    group: J[],
    io: PolicyIo<J, T>,
    reading: boolean,
  ): Promise<void> {
    const [probe, ...rest] = io.parts(group);
    const fallbacks = probe ? (await this.#send(probe, io)).map(io.own) : [];
    const first = (group[0] as J).target;
    const ignored = reading && first.adapter !== this.fallback && this.ignoresArnList();
    const refused = this.#refused.has(key(first)) || ignored;
    const later = refused
      ? rest.flat().map(io.own)
      : rest.map(async (part) => Promise.all((await this.#send(part, io)).map(io.own)));
    await Promise.all([...fallbacks, ...later]);
  }

  // Sends one part; returns the jobs that go to their own adapter instead.
  async #send<J extends { target: Target }, T>(part: J[], io: PolicyIo<J, T>): Promise<J[]> {
    const out = await io.send(part);
    if (!out) return [];
    const retry: J[] = [];
    for (const job of part) {
      const result = out.get(job.target.arn);
      const ownAdapter = job.target.adapter !== this.fallback;
      if (ownAdapter && result instanceof Error && result.code !== 'Throttled' && result.code !== 'Aborted') {
        if (REFUSALS.has(result.code)) this.#refused.add(key(job.target));
        retry.push(job);
      } else io.settle(job, result);
    }
    return retry;
  }
}

/** The service, region and account of a target: the tagging API's calls (and its refusals) are per such group. */
export function key(target: Target): string {
  const { service, region, accountId } = target.parsed;
  return `${service}|${region}|${accountId}`;
}
