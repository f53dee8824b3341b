import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Change } from '../../plan.js';
import { printable } from '../../render.js';
import type { JobIdentity, ReportJson } from '../../report.js';
import { ReportFile } from '../../report-file.js';
import type { Tagger } from '../../tagger.js';
import { EXIT, type GlobalOptions, jobSource, outputOption, UsageError, withProgress } from '../common.js';
import { printReport } from '../output.js';
import { planExitCode, planJob, printPlan } from './plan.js';

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
    .option('--resume <path>', 'skip what this report of the same job says is done, and keep writing it')
    .option(
      '--force-resume',
      'take the --resume report even if it belongs to another job, or to another place',
    )
    .addOption(outputOption(['table', 'json', 'csv']))
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, opts, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const earlier = opts.resume && existsSync(opts.resume) ? readReport(opts.resume) : undefined;
      if (opts.dryRun) {
        const { planned, badLines } = await planJob(global, file, opts.format);
        printPlan(planned, opts.output, global);
        return done(planExitCode(planned, badLines));
      }
      const reportPath: string | undefined = opts.report ?? opts.resume;
      if (reportPath && sameFile(reportPath, file)) {
        throw new UsageError(`the report ${reportPath} is the job file itself: name another file`);
      }
      // The report must be writable before the first AWS call.
      const reportFile = new ReportFile(reportPath, earlier?.calls);
      try {
        reportFile.check();
      } catch (error) {
        throw new UsageError(`cannot write the report ${reportPath}: ${(error as Error).message}`);
      }
      let job: JobIdentity | undefined;
      let identityCalls = 0;
      // Before the plan's first read: the job's identity (only when a report is written or resumed, and there is
      // something to do), and the resume check.
      const { tagger, planned, badLines } = await planJob(global, file, opts.format, async (t, changes) => {
        if (changes.length > 0 && (reportPath || earlier)) {
          const before = t.calls;
          job = await identify(t, changes, global);
          identityCalls = t.calls - before;
        }
        if (earlier && job && !opts.forceResume) checkResume(earlier, job, opts.resume);
        reportFile.job = job;
        return { resume: earlier };
      });
      const readCalls = planned.calls + identityCalls;
      reportFile.addCalls(readCalls);
      const stop = new StopOnSignal(reportFile);
      // A report that can no longer be written stops the job: writes it could not record would be lost to resume.
      reportFile.onFailure = () => stop.abort();
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
        // The output counts the plan's reads and the identity's STS call with the writes.
        const shown = { ...report, calls: report.calls + readCalls };
        const code = printReport(shown, opts.output, global, 'apply', job);
        if (reportFile.failure) {
          process.stderr.write(
            `unitag: the report ${reportPath} could not be written: ${reportFile.failure.message}\n`,
          );
          return done(EXIT.failed);
        }
        done(stop.signal.aborted ? EXIT.interrupted : badLines ? EXIT.usage : code);
      } finally {
        stop.release();
      }
    });
}

/** True when two paths name one file (the same path, or the same file through links). */
function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    const [x, y] = [statSync(a), statSync(b)];
    return x.ino === y.ino && x.dev === y.dev;
  } catch {
    return false;
  }
}

/**
 * What a report belongs to: a fingerprint of the job's changes and of the account, region, endpoint and
 * profile it runs against (the account from STS, one call).
 */
async function identify(tagger: Tagger, changes: Change[], global: GlobalOptions): Promise<JobIdentity> {
  // Without an answer from STS the identity leaves the account out, and says so: the job itself still runs.
  const account = await tagger.account().catch((error: Error) => {
    process.stderr.write(
      `unitag: the report's job identity leaves out the account: ${printable(error.message)}\n`,
    );
    return undefined;
  });
  const region = global.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const endpoint = global.endpointUrl ?? process.env.AWS_ENDPOINT_URL;
  const profile = global.profile ?? process.env.AWS_PROFILE;
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ changes, account, region, endpoint, profile }))
    .digest('hex');
  return { fingerprint, account, region, endpoint };
}

/** A report of another job, or of the same job elsewhere, is refused: resuming it would skip the wrong work. */
function checkResume(earlier: ReportJson, job: JobIdentity, path: string): void {
  const theirs = 'job' in earlier ? earlier.job : undefined;
  if (theirs?.fingerprint === job.fingerprint) return;
  const why = theirs
    ? `it belongs to another job, or to the same job in another account, region or endpoint (${theirs.account ?? '?'} ${theirs.region ?? ''})`
    : 'it does not say which job it belongs to (an older unitag wrote it)';
  throw new UsageError(`cannot resume from ${path}: ${why}. To take it anyway, add --force-resume.`);
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

  /** Stops starting new work, as a first Ctrl-C does. */
  abort(): void {
    this.#controller.abort();
  }

  release(): void {
    process.off('SIGINT', this.#handler).off('SIGTERM', this.#handler);
  }
}

function readReport(path: string): ReportJson {
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as ReportJson;
    if ((json.version !== 1 && json.version !== 2) || !Array.isArray(json.resources)) {
      throw new Error('not a unitag report');
    }
    return json;
  } catch (error) {
    throw new UsageError(`cannot resume from ${path}: ${(error as Error).message}`);
  }
}
