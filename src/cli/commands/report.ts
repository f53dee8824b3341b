import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import type { MergedJson } from '../../jobs/report-merge.js';
import { EXIT, type GlobalOptions, outputOption, print, readText, UsageError } from '../common.js';
import { type CommandHelp, withHelp } from '../help.js';

// The merge, the report writer and the renderer are loaded when the command runs, never for --help.

/** `unitag report`'s help: it only holds subcommands. */
const HELP: CommandHelp = {
  text: `
Commands:
  merge REPORT...   the reports of the shards of one job (apply --shard I/N) as one report
Examples:
  $ unitag report merge shard-0.json shard-1.json shard-2.json --report report.json`,
};

/** `unitag report merge`'s help, with its exit codes. */
const MERGE_HELP: CommandHelp = {
  text: `
Reports are checked before anything is written: they must be of one job (the same job.fingerprint), of one N,
each shard once. The merged report is the one a single run of the whole job writes (apply --resume takes it),
with "accounts" (totals per account) and "shards" (N, the shards merged, the shards missing) added.
Examples:
  $ unitag report merge shard-*.json --report report.json
  $ unitag report merge shard-*.json --output json --query 'shards.missing'`,
  exitCodes: {
    0: 'every shard of N merged, and every line of them succeeded',
    1: 'shards are missing (each named; the others are still merged and written), or lines failed or were skipped',
    2: 'reports of different jobs or of different N, a shard given twice, a file that is not a finished apply report, or --report that cannot be written',
  },
};

interface MergeOptions {
  report?: string;
  output: 'table' | 'json';
}

/** `unitag report merge R...`: the reports of a job's shards as one report. */
export function registerReport(program: Command, done: (code: number) => void): void {
  const report = withHelp(program.command('report'), HELP).description(
    "work with apply's reports: merge the reports of a job's shards",
  );
  withHelp(report.command('merge'), MERGE_HELP)
    .description("merge the reports of a job's shards (apply --shard I/N) into the report of the whole job")
    .argument('<reports...>', "the shards' reports, as apply --report (or --output json) writes them")
    .option('--report <path>', 'write the merged report here')
    .addOption(outputOption(['table', 'json'], 'table', 'table: the totals per account'))
    .action(async (paths: string[], opts: MergeOptions, command: Command) => {
      done(await runMerge(command.optsWithGlobals<GlobalOptions>(), paths, opts));
    });
}

/** Merges the reports, writes and prints the result; the exit code. Nothing is written when they cannot be merged. */
async function runMerge(global: GlobalOptions, paths: string[], opts: MergeOptions): Promise<number> {
  const [{ mergeReports }, { writeReportJson }] = await Promise.all([
    import('../../jobs/report-merge.js'),
    import('../../jobs/report-write.js'),
  ]);
  if (opts.report !== undefined) checkOut(opts.report, paths);
  const merged = mergeReports(paths.map((path) => ({ name: path, json: readReport(path) })));
  if (opts.report !== undefined) {
    try {
      writeReportJson(opts.report, merged);
    } catch (error) {
      throw new UsageError(`cannot write the report ${opts.report}: ${(error as Error).message}`);
    }
  }
  // What was merged is said even when --query cannot be applied: the report is written.
  let failedQuery: unknown;
  await printMerged(merged, opts.output, global).catch((error: unknown) => {
    failedQuery = error;
  });
  await sayOnStderr(merged, opts.report);
  if (failedQuery !== undefined) throw failedQuery;
  const { failed, skipped } = merged.totals;
  return merged.shards.missing.length > 0 || (failed ?? 0) + (skipped ?? 0) > 0 ? EXIT.failed : EXIT.ok;
}

/** A shard's finished report, parsed; an unfinished run's (its journal beside it) is refused. */
function readReport(path: string): unknown {
  if (existsSync(`${path}.journal`)) {
    throw new UsageError(
      `${path} belongs to an unfinished run (${path}.journal is there): finish it with apply --shard I/N --resume ${path}, then merge`,
    );
  }
  try {
    return JSON.parse(readText(path)) as unknown;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${path} is not a unitag report: ${(error as Error).message}`);
  }
}

/** The merged report never replaces a report it reads, nor a directory. */
function checkOut(out: string, inputs: string[]): void {
  const target = statSync(out, { throwIfNoEntry: false });
  if (target?.isDirectory()) throw new UsageError(`--report ${out} is a directory: name a file`);
  for (const input of inputs) {
    const read = statSync(input, { throwIfNoEntry: false });
    if (target && read && target.dev === read.dev && target.ino === read.ino)
      throw new UsageError(`--report ${out} is ${input}, a report merged: name another file`);
  }
}

/** The merged report on standard output: the JSON envelope, or a table of the totals per account. */
async function printMerged(merged: MergedJson, format: MergeOptions['output'], global: GlobalOptions) {
  const [{ table }, { printJson, wantsJson }] = await Promise.all([
    import('../render.js'),
    import('../output.js'),
  ]);
  if (wantsJson(format, global)) return printJson(merged, global);
  const rows = Object.entries(merged.accounts).map(([account, t]) =>
    [account || '(none)', t.total, t.changed, t.unchanged, t.failed, t.skipped].map(String),
  );
  print(table(['ACCOUNT', 'TOTAL', 'CHANGED', 'UNCHANGED', 'FAILED', 'SKIPPED'], rows));
}

/** The failed lines, the shards missing and a summary, on standard error. */
async function sayOnStderr(merged: MergedJson, out: string | undefined): Promise<void> {
  const { printable, summary } = await import('../render.js');
  const say = (text: string) => process.stderr.write(`${text}\n`);
  for (const line of merged.resources) {
    if (line.error)
      say(`unitag: ${printable(line.arn)}: ${line.error.code}: ${printable(line.error.message)}`);
  }
  const { count, merged: given, missing } = merged.shards;
  if (missing.length > 0) {
    say(
      `unitag: shards missing: ${missing.map((i) => `${i}/${count}`).join(', ')} (their lines are not in the report; run them, or apply the whole job with --resume on the merged report)`,
    );
  }
  const t = merged.totals;
  const totals = {
    total: t.total ?? 0,
    changed: t.changed ?? 0,
    unchanged: t.unchanged ?? 0,
    failed: t.failed ?? 0,
    skipped: t.skipped ?? 0,
  };
  const written = out === undefined ? '' : `; written to ${printable(out)}`;
  say(
    `Merged ${given.length} of ${count} shards: ${summary({ results: [], totals, calls: merged.calls, durationMs: merged.durationMs })}${written}`,
  );
}
