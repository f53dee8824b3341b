// Shard reports merged into one: the reports of `apply --shard I/N` of one job, checked to be that job's and
// distinct shards of the same N, become the report one run of the whole job would have written (its lines, totals
// counted from them, calls added up), with the totals per account and the shards merged and missing.
import { ConfigurationError } from '../core/errors.js';
import { type JobIdentity, type LineJson, type OutputJson, type Totals, totalsByAccount } from './report.js';

/** Why reports cannot be merged. */
export type MergeRefusal =
  /** Not a unitag apply report, or one that does not say which job and shard it is. */
  | 'not-a-report'
  /** Reports of different jobs (their `job.fingerprint` differ). */
  | 'another-job'
  /** Shards of different splits (N differs): their parts overlap. */
  | 'other-count'
  /** The same shard twice. */
  | 'duplicate-shard';

/** Reports that cannot be merged: of another job, of another split, the same shard twice, or not reports. */
export class ReportMergeError extends ConfigurationError {
  override name = 'ReportMergeError';
  constructor(
    message: string,
    /** Why, for a program. */
    readonly reason: MergeRefusal,
  ) {
    super(message);
  }
}

/** A report to merge: its name (a path, for messages) and its JSON, as read. */
export interface ShardReport {
  name: string;
  json: unknown;
}

/** The merged report: an apply report, with the totals per account and which shards it holds. */
export interface MergedJson extends OutputJson {
  /** Totals per account (an ARN without one, such as S3's, counts under the job's account). */
  accounts: Record<string, Totals>;
  /** The split merged: N, the shards given and the shards missing (I from 0). */
  shards: { count: number; merged: number[]; missing: number[] };
}

/** A shard report, read and checked. */
interface Checked {
  name: string;
  job: JobIdentity;
  shard: { index: number; count: number };
  calls: number;
  durationMs: number;
  resources: LineJson[];
}

/**
 * Merges shard reports of one job into the report of the whole job. Lines are ordered by window (a shard's lines in
 * its own order within one); `totals` and `accounts` are counted from the lines; `calls` add up; `durationMs` is the
 * longest shard's (they run side by side). A report without `job.shard` is the whole job (shard 0/1). Throws
 * {@link ReportMergeError} for reports of different jobs, of different N, the same shard twice, or what is not a
 * report. Missing shards do not stop it: `shards.missing` names them.
 *
 * @example
 * const merged = mergeReports([{ name: 'r0.json', json: r0 }, { name: 'r1.json', json: r1 }]);
 * merged.shards.missing; // [] when every shard of N was given
 */
export function mergeReports(reports: readonly ShardReport[]): MergedJson {
  if (reports.length === 0) throw new ReportMergeError('no report to merge', 'not-a-report');
  const checked = reports.map(checkReport);
  const first = checked[0] as Checked;
  const byIndex = new Map<number, Checked>();
  for (const report of checked) {
    if (report.job.fingerprint !== first.job.fingerprint) {
      throw new ReportMergeError(
        `${report.name} is a report of another job than ${first.name} (job.fingerprint differs: another job file, account, region, endpoint or profile)`,
        'another-job',
      );
    }
    if (report.shard.count !== first.shard.count) {
      throw new ReportMergeError(
        `${report.name} is shard ${shardLabel(report)} and ${first.name} shard ${shardLabel(first)}: shards of different N overlap; merge the shards of one N`,
        'other-count',
      );
    }
    const twin = byIndex.get(report.shard.index);
    if (twin) {
      throw new ReportMergeError(
        `${report.name} and ${twin.name} are both shard ${shardLabel(report)}: give each shard once`,
        'duplicate-shard',
      );
    }
    byIndex.set(report.shard.index, report);
  }
  return merged(checked, first);
}

/** The merged JSON of checked reports of one job and one N. */
function merged(checked: Checked[], first: Checked): MergedJson {
  const { count } = first.shard;
  const resources = checked
    .flatMap((report) => report.resources)
    .map((line, order) => ({ line, order, window: typeof line.window === 'number' ? line.window : 0 }))
    .sort((a, b) => a.window - b.window || a.order - b.order)
    .map(({ line }) => line);
  const { shard: _shard, ...job } = first.job;
  const given = new Set(checked.map((r) => r.shard.index));
  const all = Array.from({ length: count }, (_, i) => i);
  return {
    version: 2,
    command: 'apply',
    job,
    totals: { ...countLines(resources) },
    calls: checked.reduce((sum, r) => sum + r.calls, 0),
    durationMs: Math.max(...checked.map((r) => r.durationMs)),
    resources,
    // A line whose ARN has no account (an S3 bucket's) counts under the job's.
    accounts: totalsByAccount(resources, emptyTotals(), job.account),
    shards: { count, merged: all.filter((i) => given.has(i)), missing: all.filter((i) => !given.has(i)) },
  };
}

/** A report's JSON, checked to be an apply report that names its job (and its shard, else 0/1). */
function checkReport({ name, json }: ShardReport): Checked {
  const report = json as Partial<OutputJson> | null;
  const refuse = (why: string) => new ReportMergeError(`${name} ${why}`, 'not-a-report');
  if (
    typeof report !== 'object' ||
    report === null ||
    report.version !== 2 ||
    !Array.isArray(report.resources)
  )
    throw refuse('is not a unitag report (version 2)');
  if (report.command !== 'apply') throw refuse(`is the output of ${String(report.command)}, not of apply`);
  const job = report.job;
  if (typeof job?.fingerprint !== 'string') {
    throw refuse(
      'does not say which job it is of: write shard reports with apply --shard I/N --report PATH (or --output json)',
    );
  }
  const shard = job.shard ?? { index: 0, count: 1 };
  const whole = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  if (!whole(shard.index) || !whole(shard.count) || shard.index >= shard.count)
    throw refuse('names no shard I/N that can be (job.shard)');
  const resources = report.resources.filter((line): line is LineJson => typeof line?.arn === 'string');
  const number = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? n : 0);
  return {
    name,
    job,
    shard,
    calls: number(report.calls),
    durationMs: number(report.durationMs),
    resources,
  };
}

function shardLabel(report: Checked): string {
  return `${report.shard.index}/${report.shard.count}`;
}

/** Counts of each outcome of report lines, and their total. */
function countLines(lines: readonly LineJson[]): Totals {
  const totals = emptyTotals();
  for (const line of lines) count(totals, line.outcome);
  return totals;
}

function emptyTotals(): Totals {
  return { total: 0, changed: 0, unchanged: 0, failed: 0, skipped: 0 };
}

function count(totals: Totals, outcome: string): void {
  totals.total++;
  if (outcome === 'changed' || outcome === 'unchanged' || outcome === 'failed' || outcome === 'skipped')
    totals[outcome]++;
}
