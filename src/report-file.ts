import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  type BulkReport,
  countOutcomes,
  type JobIdentity,
  lineKey,
  reportToJson,
  type WriteResult,
} from './report.js';

/**
 * A JSON report file kept whole while a job runs: every finished resource is recorded, and the file is replaced
 * whole at most every 50 ms and at the end, so a killed process leaves the last complete version. Each version
 * is written to a new file of an unpredictable name beside the report, created exclusively (a file or link
 * planted there makes the write fail rather than be followed), then renamed over the report; an existing
 * report's file mode is kept. `calls` adds up across resumed runs.
 */
export class ReportFile {
  readonly #lines = new Map<string, WriteResult>();
  #written = 0;
  #calls: number;
  #mode: number | undefined;

  /** The job the report belongs to, once known. */
  job: JobIdentity | undefined;
  /** The first write of the report that failed while the job ran. */
  failure: Error | undefined;
  /** Called once, when a write of the report fails while the job runs. */
  onFailure: ((error: Error) => void) | undefined;

  constructor(
    /** Where the report goes; without a path, nothing is written. */
    readonly path: string | undefined,
    /** The calls of the report this run resumes, which it adds to. */
    earlierCalls = 0,
  ) {
    this.#calls = earlierCalls;
    try {
      if (path) this.#mode = statSync(path).mode & 0o777;
    } catch {
      this.#mode = undefined;
    }
  }

  /**
   * Checks, before the job's first AWS call, that the report can be written: creates and removes a file beside
   * it, as every write will, and checks an existing report is writable. Writes nothing to the report itself.
   */
  check(): void {
    if (!this.path) return;
    if (existsSync(this.path)) {
      if (statSync(this.path).isDirectory()) throw new Error('it is a directory');
      accessSync(this.path, constants.W_OK);
    }
    const probe = this.#temporary();
    closeSync(openSync(probe, 'wx', 0o600));
    unlinkSync(probe);
  }

  #temporary(): string {
    const path = this.path as string;
    return join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  }

  /** Records one finished resource, and writes the file when the last write is over 50 ms old. */
  record(result: WriteResult): void {
    this.#lines.set(lineKey(result), result);
    if (this.failure || Date.now() - this.#written <= 50) return;
    try {
      this.flush();
    } catch (error) {
      this.failure = error as Error;
      this.onFailure?.(this.failure);
    }
  }

  /** Writes the final report: the run's lines, in input order, and the calls of the plan and the writes. */
  finish(report: BulkReport): void {
    this.#calls += report.calls;
    this.#lines.clear();
    for (const result of report.results) this.#lines.set(lineKey(result), result);
    try {
      this.flush(report.durationMs);
    } catch (error) {
      this.failure ??= error as Error;
    }
  }

  /** Adds calls made outside the report's lines (the plan's reads). */
  addCalls(calls: number): void {
    this.#calls += calls;
  }

  /** Writes the file now. */
  flush(durationMs = 0): void {
    this.#written = Date.now();
    if (!this.path) return;
    const results = [...this.#lines.values()];
    const json = reportToJson(
      { results, totals: countOutcomes(results), calls: this.#calls, durationMs },
      'apply',
      this.job,
    );
    const temporary = this.#temporary();
    try {
      const fd = openSync(temporary, 'wx', 0o666);
      try {
        writeSync(fd, `${JSON.stringify(json, null, 2)}\n`);
        // The mode of the report being replaced, exactly (creation modes pass through the umask).
        if (this.#mode !== undefined) fchmodSync(fd, this.#mode);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, this.path);
    } catch (error) {
      try {
        unlinkSync(temporary);
      } catch {}
      throw error;
    }
  }
}
