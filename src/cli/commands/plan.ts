import type { Command } from 'commander';
import { type JobFormat, jobFormat, parseJob } from '../../job.js';
import type { Plan } from '../../plan.js';
import { renderPlan } from '../../render.js';
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
import { planToJson } from '../output.js';

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
    .addOption(outputOption(['text', 'json'], 'text'))
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, opts, command: Command) => {
      const { planned, badLines } = await planJob(
        command.optsWithGlobals<GlobalOptions>(),
        file,
        opts.format,
      );
      print(opts.output === 'json' ? JSON.stringify(planToJson(planned), null, 2) : renderPlan(planned));
      done(planExitCode(planned, badLines));
    });
}

/** Reads and plans a job file; bad lines are reported on standard error and left out. */
export async function planJob(
  global: GlobalOptions,
  file: string,
  format: JobFormat | undefined,
): Promise<{ tagger: Tagger; planned: Plan; badLines: boolean }> {
  const kind = format ?? jobFormat(file);
  if (!kind)
    throw new UsageError(
      `cannot tell the format of "${file}": name it .json, .ndjson or .csv, or give --format`,
    );
  const text = file === '-' ? await readStdin() : readText(file);
  const job = parseJob(text, kind);
  for (const e of job.errors) process.stderr.write(`${file}:${e.line}: ${e.message} (line skipped)\n`);
  const tagger = await makeTagger(global);
  const planned = await tagger.plan(job.changes);
  return { tagger, planned, badLines: job.errors.length > 0 };
}

/** 2 for bad lines (of the file, or changes that break the rules), 1 for entries that failed, 0 otherwise. */
export function planExitCode(planned: Plan, badLines: boolean): number {
  const failed = planned.entries.map((e) => ({ outcome: e.status, error: e.error }));
  return badLines ? EXIT.usage : exitCodeOf(failed);
}
