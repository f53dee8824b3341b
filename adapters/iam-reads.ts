// The IAM adapter's recent reads of entities named by name, kept so that the write of a plan made from one needs
// no second read (see `RecentReads`).
import type { Tags } from '../src/core/kit.js';

/** A read is used by a planned write at most this long after it was answered. */
export const REUSE_MS = 120_000;
/** Reads and writes remembered at most; the oldest are forgotten first. */
const REMEMBERED = 20_000;

/**
 * The entity reads (path and name checked against the ARN, tags) of one tagger, each used at most once, by the
 * write of a plan made from it, within {@link REUSE_MS}. A read is never kept when a write to its ARN started
 * after the read did (its answer may predate the write), and a write forgets the ARN's read: a read used is one
 * that no write of this tagger can have changed since.
 */
export class RecentReads {
  readonly #reads = new Map<string, { tags: Tags; at: number }>();
  /** Per ARN, the sequence number of its latest write start or end. */
  readonly #writes = new Map<string, number>();
  #sequence = 0;
  /** Reads started before this sequence number are never kept (a forgotten write may have followed them). */
  #floor = 0;

  /** Call before a read; pass what it returns to `keep`. */
  begin(): number {
    return ++this.#sequence;
  }

  /** Keeps the answer of the read started at `started`, unless a write to `arn` started since. */
  keep(arn: string, tags: Tags, started: number): void {
    if (started < this.#floor || (this.#writes.get(arn) ?? 0) > started) return;
    this.#reads.delete(arn);
    this.#reads.set(arn, { tags, at: Date.now() });
    if (this.#reads.size > REMEMBERED) this.#reads.delete(this.#reads.keys().next().value as string);
  }

  /** The ARN's kept read when answered within REUSE_MS, once: it is forgotten either way. */
  take(arn: string): Tags | undefined {
    const read = this.#reads.get(arn);
    this.#reads.delete(arn);
    return read && Date.now() - read.at <= REUSE_MS ? read.tags : undefined;
  }

  /** Call when a write to `arn` starts and when it ends: a read started before it is not kept. */
  writing(arn: string): void {
    this.#reads.delete(arn);
    this.#writes.delete(arn);
    this.#writes.set(arn, ++this.#sequence);
    if (this.#writes.size > REMEMBERED) {
      const [oldest, at] = this.#writes.entries().next().value as [string, number];
      this.#writes.delete(oldest);
      this.#floor = Math.max(this.#floor, at);
    }
  }
}
