import { renameSync, writeFileSync } from 'node:fs';
import {
  type BulkReport,
  countOutcomes,
  lineKey,
  type ReportJson,
  reportToJson,
  type WriteResult,
} from './report.js';

/**
 * A JSON report file kept whole while a job runs: every finished resource is recorded, and the file is replaced
 * whole (written beside, then renamed) at most every 50 ms and at the end, so a killed process leaves the last
 * complete version. `calls` adds up across resumed runs.
 */
export class ReportFile {
  readonly #lines = new Map<string, WriteResult>();
  #written = 0;
  #calls: number;

  constructor(
    /** Where the report goes; without a path, nothing is written. */
    readonly path: string | undefined,
    /** The report this run resumes, whose calls it adds to. */
    earlier?: ReportJson | undefined,
  ) {
    this.#calls = earlier?.calls ?? 0;
  }

  /** Records one finished resource, and writes the file when the last write is over 50 ms old. */
  record(result: WriteResult): void {
    this.#lines.set(lineKey(result), result);
    if (Date.now() - this.#written > 50) this.flush();
  }

  /** Writes the final report: the run's lines, in input order. */
  finish(report: BulkReport): void {
    this.#calls += report.calls;
    this.#lines.clear();
    for (const result of report.results) this.#lines.set(lineKey(result), result);
    this.flush(report.durationMs);
  }

  /** Writes the file now. */
  flush(durationMs = 0): void {
    this.#written = Date.now();
    if (!this.path) return;
    const results = [...this.#lines.values()];
    const json = reportToJson({ results, totals: countOutcomes(results), calls: this.#calls, durationMs });
    writeFileSync(`${this.path}.tmp`, `${JSON.stringify(json, null, 2)}\n`);
    renameSync(`${this.path}.tmp`, this.path);
  }
}
