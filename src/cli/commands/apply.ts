import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { renderPlan } from '../../render.js';
import type { ReportJson } from '../../report.js';
import { ReportFile } from '../../report-file.js';
import {
  EXIT,
  type GlobalOptions,
  jobSource,
  outputOption,
  print,
  UsageError,
  withProgress,
} from '../common.js';
import { printReport } from '../output.js';
import { planExitCode, planJob } from './plan.js';

const EXAMPLES = `
Examples:
  $ unitag apply job.csv --report report.json
  $ unitag apply job.csv --resume report.json     (after an interruption: finishes the rest)
  $ unitag apply job.ndjson --dry-run`;

/** `unitag apply JOB`: plans the job, then makes exactly the writes the plan lists. */
export function registerApply(program: Command, done: (code: number) => void): void {
  jobSource(
    program
      .command('apply')
      .description('carry out a job: plan it, then make exactly the writes the plan lists'),
  )
    .option('--dry-run', 'print the plan and write nothing')
    .option('--report <path>', 'write a JSON report, kept up to date while the job runs')
    .option('--resume <path>', 'skip what this report says is done, and keep writing it')
    .addOption(outputOption())
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, opts, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const earlier = opts.resume && existsSync(opts.resume) ? readReport(opts.resume) : undefined;
      const { tagger, planned, badLines } = await planJob(global, file, opts.format);
      if (opts.dryRun) {
        print(renderPlan(planned));
        return done(planExitCode(planned, badLines));
      }
      const reportFile = new ReportFile(opts.report ?? opts.resume, earlier);
      const stop = new StopOnSignal(reportFile);
      try {
        const report = await withProgress(global, planned.entries.length, (onProgress) =>
          tagger.apply(planned, {
            signal: stop.signal,
            resume: earlier,
            onProgress: (p) => {
              reportFile.record(p.result);
              onProgress(p);
            },
          }),
        );
        reportFile.finish(report);
        const code = printReport(report, opts.output);
        done(stop.signal.aborted ? EXIT.interrupted : badLines ? EXIT.usage : code);
      } finally {
        stop.release();
      }
    });
}

/**
 * Ctrl-C (or SIGTERM) once: stop starting new work, let the calls under way finish, write the report. A second
 * time: write the report and end at once, by the signal's default action.
 */
class StopOnSignal {
  readonly #controller = new AbortController();
  readonly #handler = (signal: NodeJS.Signals) => {
    if (this.#controller.signal.aborted) {
      this.reportFile.flush();
      this.release();
      process.kill(process.pid, signal);
      return;
    }
    process.stderr.write('\nInterrupted: finishing the calls under way; run again with --resume to go on.\n');
    this.#controller.abort();
  };

  constructor(readonly reportFile: ReportFile) {
    process.on('SIGINT', this.#handler).on('SIGTERM', this.#handler);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  release(): void {
    process.off('SIGINT', this.#handler).off('SIGTERM', this.#handler);
  }
}

function readReport(path: string): ReportJson {
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as ReportJson;
    if (json.version !== 1 || !Array.isArray(json.resources)) throw new Error('not a unitag report');
    return json;
  } catch (error) {
    throw new UsageError(`cannot resume from ${path}: ${(error as Error).message}`);
  }
}
