// What bulk operations report: one line per resource, totals, the calls made; as JSON; and resume, which takes
// an earlier report's finished lines as its own.
import type { ErrorJson, UnitagError } from '../core/errors.js';
import type { Tags } from '../core/types.js';

/** What happened to one resource's write: `skipped` was not attempted (stopped by the signal). */
export type Outcome = 'changed' | 'unchanged' | 'failed' | 'skipped';

/** One resource's line in a write report. */
export interface WriteResult {
  arn: string;
  /** S3 objects: the version written, when the write named one. */
  versionId?: string | undefined;
  /** `sns:topic`, `ec2:volume`, ... when the ARN could be read. */
  type?: string | undefined;
  outcome: Outcome;
  /** Tags before the write, where they were read (plans). */
  before?: Tags | undefined;
  /** Tags after the write, where known (plans). */
  after?: Tags | undefined;
  /** Why it failed. */
  error?: UnitagError | undefined;
  /** The line comes from the report the run resumed: it was done then, and not written again. */
  resumed?: boolean | undefined;
  /** Streamed jobs (the CLI's `apply`): the window of the job whose lines this write carried out. */
  window?: number | undefined;
  /** Runs across accounts (the CLI's `--accounts`, `--role-name`): the account the resource is in. */
  account?: string | undefined;
  /**
   * A failed write that a resume finishes as planned (it may have been made): the keys it sets and removes. Said
   * where neither `before` nor `after` can say it (the resource could not be read this time).
   */
  planned?: { set: Tags; remove: string[] } | undefined;
}

/** @deprecated The name of {@link WriteResult} before reads had their own type. */
export type ResourceResult = WriteResult;

/**
 * The output of a run across accounts: each line with its account (its own, else its ARN's, else `fallback`, the
 * caller's account, for an ARN without one such as an S3 bucket's) and the totals of each account, accounts in
 * order. Placed after `resources`, so that the lines come first as in every other output.
 */
export function withAccounts<T extends { resources: LineJson[]; totals: Record<string, number> }>(
  json: T,
  fallback: string | undefined,
): T & { accounts: Record<string, Record<string, number>> } {
  const resources = json.resources.map((line) => {
    const account = line.account ?? (arnAccount(line.arn) || fallback);
    return account === undefined ? line : { ...line, account };
  });
  const zero = Object.fromEntries(Object.keys(json.totals).map((key) => [key, 0]));
  return { ...json, resources, accounts: totalsByAccount(resources, zero, undefined) };
}

/**
 * The totals of each account the lines are in (a line's own account, else its ARN's, else `fallback`, else ''),
 * each starting from `zero` and counted as the envelope's totals are; accounts in order.
 */
export function totalsByAccount<T extends object>(
  lines: readonly LineJson[],
  zero: T,
  fallback: string | undefined,
): Record<string, T> {
  const byAccount = new Map<string, Record<string, number>>();
  for (const line of lines) {
    const account = line.account ?? (arnAccount(line.arn) || fallback || '');
    const totals = byAccount.get(account) ?? { ...(zero as Record<string, number>), total: 0 };
    byAccount.set(account, totals);
    totals.total = (totals.total ?? 0) + 1;
    totals[line.outcome] = (totals[line.outcome] ?? 0) + 1;
    // check's lines: their findings, and those on enforced types, as check's totals count them.
    const findings = (line as { findings?: { enforced: boolean }[] }).findings ?? [];
    if ('findings' in totals) totals.findings = (totals.findings ?? 0) + findings.length;
    if ('enforced' in totals) {
      totals.enforced = (totals.enforced ?? 0) + findings.filter((f) => f.enforced).length;
    }
  }
  const sorted = [...byAccount].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(sorted) as Record<string, T>;
}

/** The account field of an ARN as written (`arn:partition:service:region:account:...`); '' when none. */
export function arnAccount(arn: string): string {
  return arn.startsWith('arn:') ? (arn.split(':', 5)[4] ?? '') : '';
}

/** One resource's line in a read report (`listMany`). */
export interface ReadResult {
  arn: string;
  type?: string | undefined;
  /** `find` across accounts: the account the resource was found in. */
  account?: string | undefined;
  /** `read`: `tags` holds its tags; `failed`: see `error`; `skipped`: not read (stopped by the signal). */
  outcome: 'read' | 'failed' | 'skipped';
  tags?: Tags | undefined;
  error?: UnitagError | undefined;
}

/** Counts of each outcome of a write report. */
export interface Totals {
  total: number;
  changed: number;
  unchanged: number;
  failed: number;
  skipped: number;
}

/** The result of a bulk write: a line per resource (input order), totals, and the AWS calls it made. */
export interface BulkReport {
  results: WriteResult[];
  totals: Totals;
  /** HTTP requests sent to AWS by this operation, retries included. */
  calls: number;
  durationMs: number;
}

/** The result of a bulk read: a line per resource (input order), totals, and the AWS calls it made. */
export interface ReadReport {
  results: ReadResult[];
  totals: { total: number; read: number; failed: number; skipped: number };
  calls: number;
  durationMs: number;
}

/** The commands whose results unitag writes as JSON. */
export type Command = 'tag' | 'untag' | 'list' | 'find' | 'plan' | 'apply' | 'check';

/** One resource's line in the JSON output of any command (see `schema/output.schema.json`). */
export interface LineJson {
  arn: string;
  versionId?: string | undefined;
  type?: string | undefined;
  /** Writes: changed, unchanged, failed, skipped. Reads: read, failed, skipped. Plans: change, noop, failed. */
  outcome: string;
  tags?: Tags | undefined;
  before?: Tags | undefined;
  after?: Tags | undefined;
  set?: Tags | undefined;
  remove?: string[] | undefined;
  resumed?: boolean | undefined;
  /**
   * Reports of streamed jobs: the window of the job (its lines cut in parts of 5,000, numbered from 1) whose
   * lines this write carried out. A resource the job names in several windows has a line for each.
   */
  window?: number | undefined;
  /** A failed write a resume finishes as planned: the keys it sets and removes. */
  planned?: { set: Tags; remove: string[] } | undefined;
  /** Runs across accounts: the account the resource is in (its ARN's, the account searched, or the caller's). */
  account?: string | undefined;
  error?: ErrorJson | undefined;
}

/** The job a report belongs to: a fingerprint of its changes and of where it ran. */
export interface JobIdentity {
  /** sha256 of the job's changes, the account, region, endpoint and profile it ran against. */
  fingerprint: string;
  account?: string | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
  /**
   * `--shard I/N`: the part of the job the report is of (I from 0); absent for the whole job. Not in the
   * fingerprint: the shards of one job share it, and `report merge` checks both.
   */
  shard?: { index: number; count: number } | undefined;
}

/** The one JSON shape of every command's output and of report files. */
export interface OutputJson {
  version: 2;
  command: Command;
  job?: JobIdentity | undefined;
  totals: Record<string, number>;
  /** AWS requests made, retries included; a plan's and an apply's reads included. */
  calls: number;
  durationMs: number;
  resources: LineJson[];
  /** Runs across accounts: the totals of each account, by account id, counted as `totals` is. */
  accounts?: Record<string, Record<string, number> | Totals> | undefined;
}

/** A write report as JSON: what `reportToJson` writes and `resume` reads back (version 1 is still read). */
export type ReportJson =
  | OutputJson
  | { version: 1; totals: Totals; calls: number; durationMs: number; resources: LineJson[] };

/** Counts outcomes. */
export function countOutcomes(results: { outcome: Outcome }[]): Totals {
  const totals: Totals = { total: results.length, changed: 0, unchanged: 0, failed: 0, skipped: 0 };
  for (const { outcome } of results) totals[outcome]++;
  return totals;
}

/** A write report in the JSON shape of every command; errors as their `toJSON()`. */
export function reportToJson(report: BulkReport, command: Command = 'apply', job?: JobIdentity): OutputJson {
  return envelope(command, report, report.results.map(lineToJson), job);
}

/** A read report (`listMany`, `find`) in the JSON shape of every command. */
export function readReportToJson(report: ReadReport, command: Command = 'list'): OutputJson {
  return envelope(command, report, report.results.map(lineToJson));
}

function envelope(
  command: Command,
  report: { totals: object; calls: number; durationMs: number },
  resources: LineJson[],
  job?: JobIdentity,
): OutputJson {
  const { totals, calls, durationMs } = report;
  return {
    version: 2,
    command,
    ...(job ? { job } : {}),
    totals: { ...(totals as Record<string, number>) },
    calls,
    durationMs,
    resources,
  };
}

/** One line as plain JSON. */
export function lineToJson(line: WriteResult | ReadResult): LineJson {
  const { error, ...json } = line;
  if (error) (json as LineJson).error = error.toJSON();
  return json as LineJson;
}

/**
 * The lines an earlier report says are done (`changed` or `unchanged`), by ARN, marked `resumed`: a resumed run
 * reports them as they were and writes none of them again.
 */
export function resumedLines(report: BulkReport | ReportJson | undefined): Map<string, WriteResult> {
  const lines: (WriteResult | LineJson)[] = report
    ? 'results' in report
      ? report.results
      : report.resources
    : [];
  const done = new Map<string, WriteResult>();
  // A resource a streamed job named in several windows has a line for each: it is done when all of them are.
  const undone = new Set<string>();
  for (const line of lines) {
    if (typeof line.arn !== 'string') continue;
    if (line.outcome !== 'changed' && line.outcome !== 'unchanged') {
      undone.add(lineKey(line));
      done.delete(lineKey(line));
      continue;
    }
    if (undone.has(lineKey(line))) continue;
    // A report is input: only the fields a line has, with the types they have, come back.
    done.set(lineKey(line), {
      arn: line.arn,
      ...(typeof line.versionId === 'string' ? { versionId: line.versionId } : {}),
      ...(typeof line.type === 'string' ? { type: line.type } : {}),
      outcome: line.outcome,
      ...(isTags(line.before) ? { before: line.before } : {}),
      ...(isTags(line.after) ? { after: line.after } : {}),
      ...(typeof line.window === 'number' ? { window: line.window } : {}),
      resumed: true,
    });
  }
  return done;
}

/** True for a map of string values: tags as JSON (a report read back) may carry them. */
export function isTags(value: unknown): value is Tags {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  );
}

/** What identifies a report line: its ARN and, for an S3 object version, the version (NUL apart: no ARN has it). */
export function lineKey(line: { arn: string; versionId?: string | undefined }): string {
  return line.versionId ? `${line.arn}\u0000${line.versionId}` : line.arn;
}

/** ARNs a report says are done (`changed` or `unchanged`), every version of them done for an S3 object. */
export function doneArns(report: BulkReport | ReportJson | undefined): Set<string> {
  return new Set([...resumedLines(report).values()].map((line) => line.arn));
}
