import type { Command } from 'commander';
import type { IacMode } from '../../iac/plan-iac.js';
import type { CheckChange, JobFormat } from '../../jobs/job.js';
import type { JobWindow } from '../../jobs/job-stream.js';
import type { Plan } from '../../jobs/plan.js';
import type { JobSplit, Shard } from '../../jobs/shard.js';
import type { Tagger } from '../../tagger.js';
import { jobFromList, type ListOptions, listLineOf, listOptions } from '../arn-column.js';
import {
  EXIT,
  exitCodeOf,
  type GlobalOptions,
  jobSource,
  makeTagger,
  outputOption,
  readable,
  readStdin,
  readText,
  UsageError,
} from '../common.js';
import { conflictOption } from '../conflict-option.js';
import { type CommandHelp, withHelp } from '../help.js';
import { type IacCliOptions, iacSourceOf, iacSourceOptions } from '../iac-options.js';
import { shardOf, shardOption } from '../shard-option.js';

// What runs a job (job parsing, the pipeline, the output) is loaded by the functions that use it, when a
// command runs: `unitag --help` and the commands' help load none of it.

/** The help after the options (with its exit codes): `--help` prints it, docs/reference/cli.md shows it. */
const HELP: CommandHelp = {
  text: `
Job formats (docs/jobs-and-reports.md in the package):
  JSON    [{"arn": "...", "set": {"k": "v"}, "remove": ["k"], "rename": {"old": "new"},
            "setIfAbsent": {"k": "v"}, "copyFrom": {"arn": "...", "keys": ["k"]}}, ...]
  NDJSON  one such object per line
  CSV     arn,action,key,value  (action: set, set-if-absent, remove, rename, copy-from; default set)
          an empty value cell is an error; write "" to set an empty value
Examples:
  $ unitag plan job.csv
  $ unitag plan job.json --output json
  $ unitag plan job.csv --shard 0/4          (the first of 4 parts, as machine 0 of 4 applies it)
  $ unitag plan export.csv --arn-column Identifier --key cost-center --value cc-1
                                             (a list of resources, such as a console export: one change to each)
  $ unitag plan job.csv --terraform-state terraform.tfstate --cloudformation
                                             (which changes Terraform or a stack update would undo)`,
  exitCodes: {
    0: 'every resource planned',
    1: 'some resources could not be read (their lines failed)',
    2: 'bad usage, or bad job lines (each named with its line number; the valid lines are still planned)',
  },
};

/** `unitag plan JOB`: what a job would change, per resource; writes nothing. */
export function registerPlan(program: Command, done: (code: number) => void): void {
  const command = listOptions(
    jobSource(
      withHelp(program.command('plan'), HELP).description(
        'show what a job would change, per resource; writes nothing',
      ),
    ),
  )
    .addOption(outputOption(PLAN_FORMATS, 'table', 'output format (text is table)'))
    .addOption(shardOption('the job'))
    .addOption(conflictOption());
  iacSourceOptions(command).action(async (file: string, opts, command: Command) => {
    const global = command.optsWithGlobals<GlobalOptions>();
    const shard = await shardOf(opts.shard);
    done(await streamPlan(global, file, opts, opts.output, shard));
  });
}

/** The formats a plan prints in: `text` is the table's old name. */
export const PLAN_FORMATS = ['table', 'text', 'json', 'csv'];

/** The format of a job file, from `--format` or its name; CSV for a list of resources (`--arn-column`). */
export async function formatOf(
  file: string,
  format: JobFormat | undefined,
  list: ListOptions = {},
): Promise<JobFormat> {
  if (listLineOf(list, format)) return 'csv';
  const { jobFormat } = await import('../../jobs/job.js');
  const kind = format ?? jobFormat(file);
  if (!kind)
    throw new UsageError(
      `cannot tell the format of "${file}": name it .json, .ndjson or .csv, or give --format`,
    );
  return kind;
}

/**
 * The job's source: standard input read whole, or the file, streamed; or, with `--arn-column`, the job its list of
 * resources makes (read whole).
 */
export async function jobSourceOf(
  file: string,
  list: ListOptions = {},
): Promise<{ text: string } | { path: string }> {
  const line = listLineOf(list, undefined);
  if (line) {
    const text = file === '-' ? await readStdin() : readText(file);
    return { text: await jobFromList(text, list.arnColumn as string, line) };
  }
  if (file === '-') return { text: await readStdin() };
  readable(file);
  return { path: file };
}

/** A job cut in shards: its split (from the first reading) and the shard this run does. */
export interface Cut {
  split: JobSplit;
  shard: Shard;
}

/**
 * The job's windows, each line checked on its own before any call (a bad one is reported and left out); with a
 * `cut`, only the shard's changes (every window kept, so that a line keeps its window of the whole job).
 * With `first`, the first reading's bad lines are left out, the others taken as it checked them: each line is
 * checked once. (A file changed in between is still checked: each resource's merged change is, by the plan.)
 */
export async function windowsOf(
  tagger: Tagger,
  source: { text: string } | { path: string },
  kind: JobFormat,
  first?: { cut?: Cut | undefined; bad: ReadonlySet<number> },
): Promise<AsyncIterable<JobWindow>> {
  const [{ jobWindows }, { WINDOW }] = await Promise.all([
    import('../../jobs/job-stream.js'),
    import('../pipeline.js'),
  ]);
  const check: CheckChange = first
    ? (_change, line) => (first.bad.has(line) ? 'a bad line (said in the first reading)' : undefined)
    : (change) => {
        const error = tagger.check(change);
        return error ? `${error.code}: ${error.message}` : undefined;
      };
  const windows = jobWindows(source, kind, WINDOW, check);
  const cut = first?.cut;
  return cut ? cut.split.only(windows, cut.shard) : windows;
}

/**
 * Reads the job once before any call (see `prepass`: its bad lines said, the resources it names twice found) and,
 * for a shard, counts its split as it goes.
 */
export async function firstReading(
  tagger: Tagger,
  source: { text: string } | { path: string },
  kind: JobFormat,
  file: string,
  shard: Shard | undefined,
) {
  const { prepass } = await import('../pipeline.js');
  const split = shard ? new (await import('../../jobs/shard.js')).JobSplit() : undefined;
  const windows = await windowsOf(tagger, source, kind);
  const first = await prepass(split ? split.counting(windows) : windows, await badLine(file));
  return { ...first, cut: split && shard ? { split, shard } : undefined };
}

/** Reports a bad line of the job on standard error. */
export async function badLine(file: string): Promise<(line: number, message: string) => void> {
  const { printable } = await import('../render.js');
  return (line, message) => process.stderr.write(`${file}:${line}: ${printable(message)} (line skipped)\n`);
}

/** Plans a job window by window, printing each as it is planned; the exit code. */
export async function streamPlan(
  global: GlobalOptions,
  file: string,
  input: ListOptions & IacCliOptions & { format?: JobFormat | undefined; iac?: IacMode },
  output: string,
  shard?: Shard,
): Promise<number> {
  const kind = await formatOf(file, input.format, input);
  const source = await jobSourceOf(file, input);
  const tagger = await makeTagger(global);
  const iac = await iacSourceOf(global, input, input.iac);
  const [{ runPipeline }, { StreamOutput }] = await Promise.all([
    import('../pipeline.js'),
    import('../stream-output.js'),
  ]);
  const started = Date.now();
  const out = new StreamOutput(output, global, 'plan');
  const totals: Record<string, number> = { total: 0, change: 0, noop: 0, failed: 0, conflicts: 0 };
  if (iac) totals.undone = 0;
  let code: number = EXIT.ok;
  // Every line is checked, and the resources named more than once found, before the first read.
  const first = await firstReading(tagger, source, kind, file, shard);
  await runPipeline({
    tagger,
    windows: await windowsOf(tagger, source, kind, first),
    signal: new AbortController().signal,
    planOnly: true,
    repeated: first.repeated,
    // apply --dry-run plans as apply would: with its --iac mode.
    iac: iac ? { source: iac, mode: input.iac } : undefined,
    onBadLine: () => {},
    onWindow: async (window) => {
      for (const key of Object.keys(totals) as (keyof Plan['totals'])[])
        totals[key] = (totals[key] ?? 0) + (window.plan.totals[key] ?? 0);
      code = Math.max(code, planExitCode(window.plan, false));
      await out.window(window);
    },
  });
  await out.end(totals, tagger.calls, Date.now() - started);
  return first.badLines > 0 ? EXIT.usage : code;
}

/** 2 for bad lines (of the file, or changes that break the rules), 1 for entries that failed, 0 otherwise. */
export function planExitCode(planned: Plan, badLines: boolean): number {
  const failed = planned.entries.map((e) => ({ outcome: e.status, error: e.error }));
  return badLines ? EXIT.usage : exitCodeOf(failed);
}
