// Output written window by window, as a job runs: a table or CSV block per window (the header once), or the
// JSON envelope opened first and closed with the totals at the end. Writes wait for standard output to drain,
// so a slow reader slows the job rather than filling memory. `--query` needs the whole document: with it the
// lines are kept until the end.
import { planToJson } from '../jobs/plan.js';
import { type Command, type JobIdentity, type LineJson, lineToJson } from '../jobs/report.js';
import type { GlobalOptions } from './common.js';
import { printJson, wantsJson } from './output.js';
import type { WindowOut } from './pipeline.js';
import { changes, csv, planSummary, renderPlanCsv, renderPlanEntries, table } from './render.js';
import { UndoneCount } from './undone-count.js';

/** Writes `text` to standard output, waiting while its buffer is full. */
export async function write(text: string): Promise<void> {
  if (text === '' || process.stdout.write(text)) return;
  // Standard output that failed (its reader went away, the disk is full: src/cli.ts says so) takes no more
  // writes and sends no 'drain': what is left is dropped, and the command goes on.
  if (!process.stdout.writable) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      process.stdout.off('drain', done);
      process.stdout.off('close', done);
      resolve();
    };
    process.stdout.once('drain', done).once('close', done);
  });
}

/** The output of one `apply` or `plan` run, written as windows finish. */
export class StreamOutput {
  #started = false;
  /** A plan's changes that tools would undo, per tool. */
  readonly #undone = new UndoneCount();
  #kept: LineJson[] = [];
  readonly #json: boolean;

  constructor(
    readonly format: string,
    readonly global: GlobalOptions,
    readonly command: Extract<Command, 'apply' | 'plan'>,
  ) {
    this.#json = wantsJson(format, global);
  }

  /** Lines of an earlier run that a resumed run reports as they were. */
  async resumed(lines: LineJson[]): Promise<void> {
    await this.#lines(lines, () =>
      this.format === 'csv'
        ? csvRows(lines.map((l) => [l.arn, l.outcome, '', '']))
        : lines.map((l) => [l.arn, `${l.outcome} (resumed)`, changes(l.before, l.after)]),
    );
  }

  /** One window's lines. */
  async window(out: WindowOut): Promise<void> {
    if (this.command === 'plan') {
      this.#undone.count(out.plan.entries);
      const json = planToJson(out.plan).resources;
      if (this.#json) return this.#lines(json, () => []);
      const text = this.format === 'csv' ? renderPlanCsv(out.plan) : renderPlanEntries(out.plan);
      if (text === '') return;
      // The CSV header is written once, by the first window.
      await write(`${this.#started && this.format === 'csv' ? text.slice(text.indexOf('\n') + 1) : text}\n`);
      this.#started = true;
      return;
    }
    const results = out.results ?? [];
    const lines = results.map(lineToJson);
    await this.#lines(lines, () =>
      this.format === 'csv'
        ? csvRows(lines.map((l) => [l.arn, l.outcome, l.error?.code ?? '', l.error?.message ?? '']))
        : lines.map((l) => [
            l.arn,
            l.outcome,
            l.error ? `${l.error.code}: ${l.error.message}` : changes(l.before, l.after),
          ]),
    );
  }

  async #lines(lines: LineJson[], rows: () => string[][] | string): Promise<void> {
    if (lines.length === 0) return;
    if (this.#json) {
      if (this.global.query) {
        for (const line of lines) this.#kept.push(line);
        return;
      }
      const head = this.#started
        ? ''
        : `{\n  "version": 2,\n  "command": "${this.command}",\n  "resources": [`;
      const body = lines.map((l, i) => `${this.#started || i > 0 ? ',' : ''}\n    ${JSON.stringify(l)}`);
      this.#started = true;
      return write(head + body.join(''));
    }
    const made = rows();
    if (typeof made === 'string') {
      await write(`${this.#started ? made.slice(made.indexOf('\n') + 1) : made}\n`);
    } else {
      const text = table(['ARN', 'OUTCOME', 'DETAIL'], made);
      // Columns align within a window; the header is written once.
      await write(`${this.#started ? text.slice(text.indexOf('\n') + 1) : text}\n`);
    }
    this.#started = true;
  }

  /** Closes the output: the JSON envelope's totals (or what `--query` selects), a plan's summary line. */
  async end(
    totals: Record<string, number>,
    calls: number,
    durationMs: number,
    job?: JobIdentity,
    accounts?: Record<string, Record<string, number>>,
  ): Promise<void> {
    if (this.#json && this.global.query) {
      const envelope = { version: 2 as const, command: this.command, ...(job ? { job } : {}) };
      const perAccount = accounts ? { accounts } : {};
      const json = { ...envelope, totals, calls, durationMs, resources: this.#kept, ...perAccount };
      return printJson(json, this.global);
    }
    if (this.#json) {
      const head = this.#started
        ? '\n  ],'
        : `{\n  "version": 2,\n  "command": "${this.command}",\n  "resources": [],`;
      const tail = { totals, calls, durationMs, ...(job ? { job } : {}), ...(accounts ? { accounts } : {}) };
      return write(`${head}\n${JSON.stringify(tail, null, 2).slice(2)}\n`);
    }
    if (this.command === 'plan' && this.format !== 'csv') {
      const t = {
        total: totals.total ?? 0,
        change: totals.change ?? 0,
        noop: totals.noop ?? 0,
        failed: totals.failed ?? 0,
        conflicts: totals.conflicts ?? 0,
      };
      const undone = this.#undone.lines().map((line) => `${line}\n`);
      await write(`${this.#started ? '\n' : ''}${planSummary({ totals: t, calls })}\n${undone.join('')}`);
    }
    if (!this.#started && this.command === 'apply' && this.format === 'csv') {
      await write(`${csv(['arn', 'outcome', 'error_code', 'error_message'], [])}\n`);
    }
  }
}

function csvRows(rows: string[][]): string {
  return csv(['arn', 'outcome', 'error_code', 'error_message'], rows);
}
