import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { IacMode, IacOptions } from '../../iac/plan-iac.js';
import type { JobFormat } from '../../jobs/job.js';
import type { JobIdentity, LineJson, WriteResult } from '../../jobs/report.js';
import type { ReportFile } from '../../jobs/report-file.js';
import type { Earlier } from '../../jobs/report-journal.js';
import type { Shard } from '../../jobs/shard.js';
import type { Tagger } from '../../tagger.js';
import { type ListOptions, listOptions } from '../arn-column.js';
import {
  type Command,
  EXIT,
  exitCodeOf,
  type GlobalOptions,
  jobSource,
  makeTagger,
  Option,
  outputOption,
  UsageError,
} from '../common.js';
import { conflictOption } from '../conflict-option.js';
import { type CommandHelp, withHelp } from '../help.js';
import { type IacCliOptions, iacSourceOf, iacSourceOptions } from '../iac-options.js';
import { progressBar } from '../progress.js';
import { shardOf, shardOption } from '../shard-option.js';
import { UndoneCount } from '../undone-count.js';
import { type Cut, firstReading, formatOf, jobSourceOf, streamPlan, windowsOf } from './plan.js';

// The report file, the pipeline and the output are loaded by the functions that use them, when a job runs.

/** The help after the options (with its exit codes): `--help` prints it, docs/reference/cli.md shows it. */
const HELP: CommandHelp = {
  text: `
Examples:
  $ unitag apply job.csv --report report.json
  $ unitag apply job.csv --resume report.json     (after an interruption: finishes the rest)
  $ unitag apply job.ndjson --dry-run
  $ unitag apply job.csv --shard "$AWS_BATCH_JOB_ARRAY_INDEX/$SHARDS" --report "shard-$AWS_BATCH_JOB_ARRAY_INDEX.json"
  $ unitag report merge shard-*.json --report report.json     (the shards' reports as one)
  $ unitag apply job.csv --terraform-state s3://bucket/prod.tfstate --iac refuse  (what Terraform would undo fails)`,
  exitCodes: {
    2: 'bad usage, a report that cannot be written or belongs to another job, or bad job lines (each named with its line number; the valid lines are still applied)',
    130: 'interrupted: the calls under way finish and the report is written (a second Ctrl-C ends at once); --resume goes on',
  },
};

/** `unitag apply JOB`: plans the job, then makes exactly the writes the plan lists. */
export function registerApply(program: Command, done: (code: number) => void): void {
  const command = listOptions(
    jobSource(
      withHelp(program.command('apply'), HELP).description(
        'carry out a job: plan it, then make exactly the writes the plan lists',
      ),
    ),
  )
    .option('--dry-run', 'print the plan and write nothing')
    .option('--report <path>', 'write a JSON report, kept up to date while the job runs')
    .option('--resume <path>', 'skip what this report of the same job says is done, and keep writing it')
    .option(
      '--force-resume',
      'take the --resume report even if it belongs to another job, or to another place',
    )
    .addOption(outputOption(['table', 'json', 'csv']))
    .addOption(shardOption('the job'))
    .addOption(conflictOption())
    .addOption(
      new Option(
        '--iac <mode>',
        'changes that the infrastructure-as-code sources say their next run would undo: warn (write, and say so), refuse (fail those lines, write nothing to them) or ignore',
      )
        .choices(['warn', 'refuse', 'ignore'])
        .default('warn'),
    );
  iacSourceOptions(command).action(async (file: string, opts: ApplyOptions, command: Command) => {
    const global = command.optsWithGlobals<GlobalOptions>();
    const shard = await shardOf(opts.shard);
    if (opts.dryRun) return done(await streamPlan(global, file, opts, opts.output, shard));
    done(await applyJob(global, file, { ...opts, shard }));
  });
}

/** `apply`'s own options. */
interface ApplyOptions extends ListOptions, IacCliOptions {
  iac: IacMode;
  dryRun?: boolean;
  report?: string;
  resume?: string;
  forceResume?: boolean;
  format?: JobFormat;
  output: string;
  shard?: string;
}

/** `apply`'s options, `--shard` read. */
type ApplyRun = Omit<ApplyOptions, 'shard'> & { shard?: Shard | undefined };

/** Applies a job file with its report; the exit code. Usage mistakes are found before any AWS call. */
async function applyJob(global: GlobalOptions, file: string, opts: ApplyRun): Promise<number> {
  const kind = await formatOf(file, opts.format, opts);
  const reportPath: string | undefined = opts.report ?? opts.resume;
  if (reportPath && sameFile(reportPath, file)) {
    throw new UsageError(`the report ${reportPath} is the job file itself: name another file`);
  }
  // One run per report: a second run on it (a resume started twice) would do the work left twice.
  const release = reportPath ? await lock(reportPath) : () => {};
  try {
    return await applyLocked(global, file, opts, kind, reportPath, release);
  } finally {
    release();
  }
}

/** `applyJob` once the report (if any) is this run's alone. */
async function applyLocked(
  global: GlobalOptions,
  file: string,
  opts: ApplyRun,
  kind: JobFormat,
  reportPath: string | undefined,
  release: () => void,
): Promise<number> {
  const earlier = await readResumed(opts.resume, reportPath);
  const [{ ReportFile }, { printable }, { jobIdentity }] = await Promise.all([
    import('../../jobs/report-file.js'),
    import('../render.js'),
    import('../job-identity.js'),
  ]);
  // The report and its journal must be writable before the first AWS call.
  const reportFile = new ReportFile(reportPath);
  await writingReport(reportPath, () => {
    reportFile.check();
    reportFile.checkJournal(earlier, opts.resume);
  });
  const source = await jobSourceOf(file, opts);
  const tagger = await makeTagger(global);
  // The infrastructure-as-code sources are read before the first call: an unreadable one ends the run here.
  const iacSource = await iacSourceOf(global, opts, opts.iac);
  const iac = iacSource ? { source: iacSource, mode: opts.iac } : undefined;
  const callsBefore = tagger.calls;
  // Every line is checked before the first call (a bad one is said then, and left out), and the resources named
  // more than once are found (and a shard's split counted). A job with no good line ends here, having called nothing.
  const first = await firstReading(tagger, source, kind, file, opts.shard);
  if (first.changes === 0 && first.badLines > 0) return EXIT.usage;
  // Before the first read: the job's identity (when a report is written or resumed, or for a shard, which names it
  // for `report merge`), and the resume check.
  const resume = { earlier, path: opts.resume, force: opts.forceResume };
  const identify = reportPath !== undefined || opts.shard !== undefined;
  const job = identify ? await jobIdentity(tagger, source, global, resume, opts.shard) : undefined;
  reportFile.job = job;
  await writingReport(reportPath, () => reportFile.open(earlier, opts.resume));
  const stop = new StopOnSignal(reportFile, release);
  // A report that can no longer be written stops the job: writes it could not record would be lost to resume.
  reportFile.onFailure = () => stop.abort();
  try {
    const context = { global, opts, earlier, reportFile, stop, job, callsBefore, first, iac };
    const code = await run(tagger, kind, source, context);
    if (!reportFile.failure) return code;
    process.stderr.write(
      `unitag: the report ${reportPath} could not be written: ${printable(reportFile.failure.message)}\n`,
    );
    return EXIT.failed;
  } finally {
    stop.release();
  }
}

/** Runs a step that writes the report: its failure is a usage mistake (exit 2) that names the report. */
async function writingReport(
  reportPath: string | undefined,
  step: () => void | Promise<void>,
): Promise<void> {
  try {
    await step();
  } catch (error) {
    throw new UsageError(`cannot write the report ${reportPath}: ${(error as Error).message}`);
  }
}

/** Takes the report's lock, or says who holds it (exit 2). */
async function lock(reportPath: string): Promise<() => void> {
  const { lockReport, ReportLockedError } = await import('../../jobs/report-lock.js');
  try {
    return lockReport(reportPath);
  } catch (error) {
    if (error instanceof ReportLockedError) throw new UsageError(error.message);
    throw new UsageError(`cannot write the report ${reportPath}: ${(error as Error).message}`);
  }
}

interface RunContext {
  global: GlobalOptions;
  opts: { output: string; resume?: string };
  earlier: Earlier | undefined;
  reportFile: ReportFile;
  stop: StopOnSignal;
  job: JobIdentity | undefined;
  /** The tagger's calls before the job's identity was asked for: the output counts that STS call too. */
  callsBefore: number;
  /** What the first reading of the job found (and, for a shard, its split). */
  first: { badLines: number; changes: number; repeated: Set<string>; bad: Set<number>; cut: Cut | undefined };
  iac: IacOptions | undefined;
}

/** Runs the job through the pipeline, writing output and report as windows finish; the exit code. */
async function run(
  tagger: Tagger,
  kind: JobFormat,
  source: { text: string } | { path: string },
  { global, opts, earlier, reportFile, stop, job, callsBefore, first, iac }: RunContext,
): Promise<number> {
  const [{ runPipeline }, { StreamOutput }, { summary }, { errorLine }] = await Promise.all([
    import('../pipeline.js'),
    import('../stream-output.js'),
    import('../render.js'),
    import('../output.js'),
  ]);
  const started = Date.now();
  const out = new StreamOutput(opts.output, global, 'apply');
  const totals = { total: 0, changed: 0, unchanged: 0, failed: 0, skipped: 0 };
  let code: number = EXIT.ok;
  if (earlier && opts.resume) await reportResumed(opts.resume, earlier, out, totals);
  const [progress, undone] = [await progressBar(global, first), new UndoneCount()];
  const accounts = byAccount(global, job);
  const result = await runPipeline({
    tagger,
    windows: await windowsOf(tagger, source, kind, first),
    signal: stop.signal,
    planOnly: false,
    done: earlier?.done,
    redo: earlier?.redo,
    onIntents: (intents) => reportFile.intend(intents),
    repeated: first.repeated,
    iac,
    onBadLine: () => {},
    onRead: progress?.read,
    onResult: (r) => {
      accounts?.name(r);
      reportFile.record(r);
      progress?.wrote(r);
    },
    onWindow: async (window) => {
      undone.count(window.plan.entries);
      const results = window.results ?? [];
      for (const r of results) {
        count(totals, r.outcome);
        accounts?.count(r);
        if (r.error) errorLine(r);
      }
      code = Math.max(code, exitCodeOf(results));
      await out.window(window);
    },
  });
  progress?.stop();
  for (const line of undone.lines()) process.stderr.write(`unitag: note: ${line}\n`);
  const calls = tagger.calls - callsBefore;
  const durationMs = Date.now() - started;
  reportFile.addCalls(calls);
  if (result.stopped) reportFile.interrupted = interruption(result.unwritten);
  await reportFile.finish(durationMs);
  await out.end(totals, calls, durationMs, job, accounts?.totals());
  process.stderr.write(`${summary({ results: [], totals, calls, durationMs })}\n`);
  if (result.stopped) return interrupted(result.unwritten);
  return first.badLines > 0 ? EXIT.usage : code;
}

/**
 * Across accounts (`--accounts`, `--role-name`): each line named with its account (its ARN's, else the job's, for
 * an S3 line) in the report and the output, and the totals of each account for the output's JSON.
 */
function byAccount(global: GlobalOptions, job: JobIdentity | undefined) {
  if (global.accounts === undefined && global.roleName === undefined) return undefined;
  const counts = new Map<string, Record<string, number>>();
  return {
    name: (r: WriteResult) => {
      const account = (r.arn.startsWith('arn:') ? r.arn.split(':', 5)[4] : '') || job?.account;
      if (account && r.account === undefined) r.account = account;
    },
    count: (r: WriteResult) => {
      const key = r.account ?? '';
      if (!counts.has(key)) counts.set(key, { total: 0, changed: 0, unchanged: 0, failed: 0, skipped: 0 });
      count(counts.get(key) as Record<string, number>, r.outcome);
    },
    totals: () => Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}

/**
 * Exit 130; stopped while planning, says what the lines were doing, so that totals of 0 never read as "nothing to
 * do" (the report says it too: see `interruption`).
 */
function interrupted(unwritten: number): number {
  if (unwritten > 0) process.stderr.write(`unitag: ${interruption(unwritten).note}\n`);
  return EXIT.interrupted;
}

/** The report's `interrupted`: the lines being planned when the run stopped, and that nothing of them was written. */
function interruption(planning: number): { planning: number; note: string } {
  const note =
    planning > 0
      ? `interrupted while ${planning} line(s) were being planned: their tags were being read, and nothing of them was written; --resume does them`
      : 'interrupted: the writes under way finished and are in the report; --resume does the rest';
  return { planning, note };
}

/** What the resumed run did, reported as it was. */
async function reportResumed(
  path: string,
  earlier: Earlier,
  out: { resumed(lines: LineJson[]): Promise<void> },
  totals: Record<string, number>,
): Promise<void> {
  const { doneLines } = await import('../../jobs/report-journal.js');
  const batch: LineJson[] = [];
  for (const line of doneLines(path, earlier.from)) {
    count(totals, line.outcome);
    batch.push(line);
    if (batch.length >= 1000) await out.resumed(batch.splice(0));
  }
  await out.resumed(batch);
}

function count(totals: Record<string, number>, outcome: string): void {
  totals.total = (totals.total ?? 0) + 1;
  if (outcome in totals) totals[outcome] = (totals[outcome] ?? 0) + 1;
}

/** What the run resumed left; an unfinished run is resumed only into its own report. */
async function readResumed(
  path: string | undefined,
  reportPath: string | undefined,
): Promise<Earlier | undefined> {
  if (!path) return undefined;
  const { readEarlier } = await import('../../jobs/report-journal.js');
  let earlier: Earlier | undefined;
  try {
    earlier = await readEarlier(path);
  } catch (error) {
    throw new UsageError(`cannot resume from ${path}: ${(error as Error).message}`);
  }
  if (earlier?.from === 'journal' && reportPath && !sameFile(reportPath, path)) {
    // That run's journal would be left behind, blocking its report: it is finished where it was started.
    throw new UsageError(
      `${path} belongs to an unfinished run: resume it into the same report (--resume ${path}, without --report)`,
    );
  }
  return earlier;
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
 * Ctrl-C (or SIGTERM) once: stop starting new work, let the calls under way finish, write the report. A second
 * time: write the report and end at once, by the signal's default action.
 */
class StopOnSignal {
  readonly #controller = new AbortController();
  readonly #handler = (signal: NodeJS.Signals) => {
    if (this.#controller.signal.aborted) {
      this.reportFile.flush();
      this.release();
      this.unlock();
      process.kill(process.pid, signal);
      return;
    }
    const resume = this.reportFile.path ? `; run again with --resume ${this.reportFile.path} to go on` : '';
    process.stderr.write(`\nInterrupted: finishing the calls under way${resume}.\n`);
    this.#controller.abort();
  };

  constructor(
    readonly reportFile: ReportFile,
    /** Releases the report's lock, before a second signal ends the process. */
    readonly unlock: () => void,
  ) {
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
