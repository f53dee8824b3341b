// Which resources a streamed job has named so far, in memory that grows with the job (src/cli/pipeline.ts).

/**
 * The resources seen so far: Bloom filters of four probes, a new one twice the size of the last once the last
 * holds a key for every 64 of its bits (2 MB for up to 262,144 resources, 14 MB up to about 1.8 million), so that
 * its memory grows with the job, not ahead of it. An unseen resource is answered "seen" at most about once in
 * 70,000 (that window then waits when it need not; nothing else changes).
 */
export class SeenFilter {
  readonly #filters: { bits: Uint8Array; size: number; keys: number }[] = [];

  has(key: string): boolean {
    this.#hash(key);
    return this.#seen();
  }

  add(key: string): void {
    this.#hash(key);
    this.#add();
  }

  /** True when `key` was seen before; otherwise adds it (one hash of the key for both). */
  seenOrAdd(key: string): boolean {
    this.#hash(key);
    if (this.#seen()) return true;
    this.#add();
    return false;
  }

  // Whether the key last hashed is in a filter.
  #seen(): boolean {
    for (const filter of this.#filters) if (this.#probe(filter, false)) return true;
    return false;
  }

  // Adds the key last hashed to the newest filter, first making a larger one when it is full.
  #add(): void {
    let last = this.#filters.at(-1);
    if (last === undefined || last.keys >= last.size / 64) {
      const size = last === undefined ? 2 ** 24 : last.size * 2;
      last = { bits: new Uint8Array(size / 8), size, keys: 0 };
      this.#filters.push(last);
    }
    this.#probe(last, true);
    last.keys++;
  }

  // Two 32-bit FNV-1a hashes, for four probes by Kirsch and Mitzenmacher's double hashing.
  #a = 0;
  #b = 0;
  #hash(key: string): void {
    let a = 0x811c9dc5;
    let b = 0x01000193;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
    }
    this.#a = a;
    this.#b = b | 1;
  }

  /** Sets (`set`) or tests the key last hashed in one filter: true when every probe's bit is set. */
  #probe(filter: { bits: Uint8Array; size: number }, set: boolean): boolean {
    for (let n = 0; n < 4; n++) {
      const i = ((this.#a + n * this.#b) >>> 0) % filter.size;
      const bit = 1 << (i & 7);
      if (set) filter.bits[i >>> 3] = (filter.bits[i >>> 3] as number) | bit;
      else if (((filter.bits[i >>> 3] as number) & bit) === 0) return false;
    }
    return true;
  }
}
