import type { Command } from 'commander';
import { type JobFormat, jobFormat, parseJob } from '../../job.js';
import { type Change, type Plan, type PlanOptions, planToJson } from '../../plan.js';
import { printable, renderPlan, renderPlanCsv } from '../../render.js';
import type { Tagger } from '../../tagger.js';
import {
  EXIT,
  exitCodeOf,
  type GlobalOptions,
  jobSource,
  makeTagger,
  outputOption,
  print,
  readStdin,
  readText,
  UsageError,
} from '../common.js';
import { printJson, wantsJson } from '../output.js';

const EXAMPLES = `
Job formats (see the README for details):
  JSON    [{"arn": "...", "set": {"k": "v"}, "remove": ["k"], "rename": {"old": "new"},
            "setIfAbsent": {"k": "v"}, "copyFrom": {"arn": "...", "keys": ["k"]}}, ...]
  NDJSON  one such object per line
  CSV     arn,action,key,value  (action: set, set-if-absent, remove, rename, copy-from; default set)
          an empty value cell is an error; write "" to set an empty value
Examples:
  $ unitag plan job.csv
  $ unitag plan job.json --output json`;

/** `unitag plan JOB`: what a job would change, per resource; writes nothing. */
export function registerPlan(program: Command, done: (code: number) => void): void {
  jobSource(program.command('plan').description('show what a job would change, per resource; writes nothing'))
    .addOption(outputOption(PLAN_FORMATS, 'table', 'output format (text is table)'))
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, opts, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const { planned, badLines } = await planJob(global, file, opts.format);
      printPlan(planned, opts.output, global);
      done(planExitCode(planned, badLines));
    });
}

/** The formats a plan prints in: `text` is the table's old name. */
export const PLAN_FORMATS = ['table', 'text', 'json', 'csv'];

/** Prints a plan: the per-resource diff, CSV rows, or the JSON envelope (or what `--query` selects). */
export function printPlan(planned: Plan, format: string, global: GlobalOptions): void {
  if (wantsJson(format, global)) printJson(planToJson(planned), global);
  else print(format === 'csv' ? renderPlanCsv(planned) : renderPlan(planned));
}

/** Reads and plans a job file; bad lines are reported on standard error and left out. */
export async function planJob(
  global: GlobalOptions,
  file: string,
  format: JobFormat | undefined,
  before?: (tagger: Tagger, changes: Change[]) => Promise<PlanOptions>,
): Promise<{ tagger: Tagger; planned: Plan; badLines: boolean; changes: Change[] }> {
  const kind = format ?? jobFormat(file);
  if (!kind)
    throw new UsageError(
      `cannot tell the format of "${file}": name it .json, .ndjson or .csv, or give --format`,
    );
  const text = file === '-' ? await readStdin() : readText(file);
  const tagger = await makeTagger(global);
  // Each line is checked on its own, before any call: a bad one is reported with its number and left out.
  const job = parseJob(text, kind, (change) => {
    const error = tagger.check(change);
    return error ? `${error.code}: ${error.message}` : undefined;
  });
  for (const e of job.errors)
    process.stderr.write(`${file}:${e.line}: ${printable(e.message)} (line skipped)\n`);
  const planned = await tagger.plan(job.changes, before ? await before(tagger, job.changes) : {});
  return { tagger, planned, badLines: job.errors.length > 0, changes: job.changes };
}

/** 2 for bad lines (of the file, or changes that break the rules), 1 for entries that failed, 0 otherwise. */
export function planExitCode(planned: Plan, badLines: boolean): number {
  const failed = planned.entries.map((e) => ({ outcome: e.status, error: e.error }));
  return badLines ? EXIT.usage : exitCodeOf(failed);
}
