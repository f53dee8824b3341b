#!/usr/bin/env node
// The `unitag` command. Machine-readable output goes to standard output only; progress, errors and the
// summary go to standard error. Exit codes: 0 all succeeded, 1 some resources failed, 2 bad usage or bad
// input (the valid part still runs), 130 interrupted.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { BulkReport, Progress, ReportJson, ResourceResult } from './bulk.js';
import { countOutcomes, doneArns, reportToJson } from './bulk.js';
import { type JobFormat, jobFormat, parseJob } from './job.js';
import type { Plan } from './plan.js';
import { type OutputFormat, renderPlan, renderReport, renderTags, summary } from './render.js';
import { hasTag, newTags } from './shapes.js';
import { createTagger, type Tagger } from './tagger.js';

// The SDK warns once per process that its 2027 releases will need Node 22; it is noise on a terminal.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Exit codes, as documented in the README. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

class UsageError extends Error {}

interface GlobalOptions {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  concurrency: number;
  taggingApi: boolean;
  progress: boolean;
}

const EXAMPLES = {
  tag: `
Examples:
  $ unitag tag arn:aws:sns:us-east-1:123456789012:orders --tag team=payments --tag stage=prod
  $ unitag find --tag team=payments | unitag tag - --tag owner=platform
  $ unitag tag --file arns.txt --tag cost-center=cc-42 --output json`,
  untag: `
Examples:
  $ unitag untag arn:aws:sqs:eu-west-1:123456789012:jobs --key stage
  $ unitag untag --file arns.txt --key temp --key scratch`,
  list: `
Examples:
  $ unitag list arn:aws:s3:::my-bucket arn:aws:ec2:us-east-1:123456789012:volume/vol-0abc
  $ unitag list --file arns.txt --output csv > tags.csv`,
  find: `
Examples:
  $ unitag find --tag team=payments --type ec2:volume --regions us-east-1,eu-west-1
  $ unitag find --tag owner --output json        (any value of owner)`,
  plan: `
Job formats (see the README for details):
  JSON    [{"arn": "...", "set": {"k": "v"}, "remove": ["k"], "rename": {"old": "new"},
            "setIfAbsent": {"k": "v"}, "copyFrom": {"arn": "...", "keys": ["k"]}}, ...]
  NDJSON  one such object per line
  CSV     arn,action,key,value  (action: set, set-if-absent, remove, rename, copy-from; default set)
          an empty value cell is an error; write "" to set an empty value
Examples:
  $ unitag plan job.csv
  $ unitag plan job.json --output json`,
  apply: `
Examples:
  $ unitag apply job.csv --report report.json
  $ unitag apply job.csv --resume report.json     (after an interruption: finishes the rest)
  $ unitag apply job.ndjson --dry-run`,
};

/** Runs the CLI and returns its exit code. */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command('unitag')
    .description('Tag, untag, list and find AWS resources by ARN, across services, in bulk.')
    .version(packageVersion())
    .option('--region <region>', 'region for ARNs without one (S3 buckets) and for find')
    .option('--profile <name>', 'AWS profile from ~/.aws/config (as AWS_PROFILE)')
    .option('--endpoint-url <url>', 'one endpoint for every service, e.g. http://127.0.0.1:4566 (LocalStack)')
    .option('--concurrency <n>', 'calls at once in bulk work', positiveInt, 16)
    .option('--no-tagging-api', 'do not route bulk writes through the Resource Groups Tagging API')
    .option('--no-progress', 'no progress bar (it shows only when standard error is a terminal)')
    .showHelpAfterError()
    .exitOverride();

  const output = () =>
    new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'csv']).default('table');
  const jobSource = (command: Command) =>
    command
      .argument('<file>', 'job file (.json, .ndjson, .csv), or - for standard input with --format')
      .addOption(
        new Option('--format <format>', 'job format when the name does not say').choices([
          'json',
          'ndjson',
          'csv',
        ]),
      );
  const arnSources = (command: Command) =>
    command
      .argument('[arns...]', 'ARNs; - reads them from standard input, one per line')
      .option('-f, --file <path>', 'read ARNs from a file, one per line');

  arnSources(program.command('tag').description('add or overwrite tags on resources'))
    .option('-t, --tag <key=value>', 'a tag to set (repeatable)', collect, [])
    .addOption(output())
    .addHelpText('after', EXAMPLES.tag)
    .action(async (args: string[], opts, command: Command) => {
      const tags = parseTags(opts.tag);
      const arns = await readArns(args, opts.file);
      const global = command.optsWithGlobals<GlobalOptions>();
      code = await write(global, opts.output, arns.length, (t, o) => t.tagMany(arns, tags, o));
    });

  arnSources(program.command('untag').description('remove tags from resources'))
    .option('-k, --key <key>', 'a key to remove (repeatable)', collect, [])
    .addOption(output())
    .addHelpText('after', EXAMPLES.untag)
    .action(async (args: string[], opts, command: Command) => {
      if (opts.key.length === 0) throw new UsageError('give at least one --key');
      const arns = await readArns(args, opts.file);
      const global = command.optsWithGlobals<GlobalOptions>();
      code = await write(global, opts.output, arns.length, (t, o) => t.untagMany(arns, opts.key, o));
    });

  arnSources(program.command('list').description("print resources' tags"))
    .addOption(output())
    .addHelpText('after', EXAMPLES.list)
    .action(async (args: string[], opts, command: Command) => {
      const arns = await readArns(args, opts.file);
      const tagger = makeTagger(command.optsWithGlobals<GlobalOptions>());
      const report = await tagger.listMany(arns);
      print(renderTags(report.results, opts.output));
      for (const r of report.results) if (r.error) errorLine(r);
      code = exitCodeOf(report.results);
    });

  program
    .command('find')
    .description('print tagged resources that match tag filters (Resource Groups Tagging API)')
    .option('-t, --tag <key[=value]>', 'tag filter; a key alone matches any value (repeatable)', collect, [])
    .option(
      '--type <type>',
      'resource type filter, e.g. ec2:volume, s3, logs:log-group (repeatable)',
      collect,
      [],
    )
    .option('--regions <list>', 'comma-separated regions to search (default: --region)')
    .addOption(
      new Option('-o, --output <format>', 'arn: one ARN per line, for piping')
        .choices(['arn', 'table', 'json', 'csv'])
        .default('arn'),
    )
    .addHelpText('after', EXAMPLES.find)
    .action(async (opts, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const tags: Record<string, string | string[] | true> = Object.create(null);
      for (const filter of opts.tag as string[]) {
        const [key, value] = splitTag(filter, true);
        const previous = Object.hasOwn(tags, key) ? tags[key] : undefined;
        tags[key] =
          value === undefined ? true : previous && previous !== true ? [previous, value].flat() : value;
      }
      const regions = opts.regions ? String(opts.regions).split(',').filter(Boolean) : undefined;
      const found: ResourceResult[] = [];
      for await (const { arn, tags: t } of makeTagger(global).find({
        tags,
        resourceTypes: opts.type,
        regions,
      })) {
        if (opts.output === 'arn') print(arn);
        else found.push({ arn, outcome: 'unchanged', tags: t });
      }
      if (opts.output !== 'arn') print(renderTags(found, opts.output));
    });

  jobSource(program.command('plan').description('show what a job would change, per resource; writes nothing'))
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', EXAMPLES.plan)
    .action(async (file: string, opts, command: Command) => {
      const { planned, badLines } = await planJob(
        command.optsWithGlobals<GlobalOptions>(),
        file,
        opts.format,
      );
      print(opts.output === 'json' ? JSON.stringify(planToJson(planned), null, 2) : renderPlan(planned));
      code = planExitCode(planned, badLines);
    });

  jobSource(
    program
      .command('apply')
      .description('carry out a job: plan it, then make exactly the writes the plan lists'),
  )
    .option('--dry-run', 'print the plan and write nothing')
    .option('--report <path>', 'write a JSON report, kept up to date while the job runs')
    .option('--resume <path>', 'skip what this report says is done, and keep writing it')
    .addOption(output())
    .addHelpText('after', EXAMPLES.apply)
    .action(async (file: string, opts, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const previous = opts.resume && existsSync(opts.resume) ? readReport(opts.resume) : undefined;
      const { tagger, planned, badLines } = await planJob(global, file, opts.format);
      if (opts.dryRun) {
        print(renderPlan(planned));
        code = planExitCode(planned, badLines);
        return;
      }
      const writer = new ReportWriter(opts.report ?? opts.resume, previous);
      const controller = new AbortController();
      const stop = () => {
        if (controller.signal.aborted) {
          writer.flush();
          process.exit(EXIT.interrupted);
        }
        process.stderr.write(
          '\nInterrupted: finishing the calls under way; run again with --resume to go on.\n',
        );
        controller.abort();
      };
      process.on('SIGINT', stop).on('SIGTERM', stop);
      const report = await withProgress(global, planned.entries.length, (onProgress) =>
        tagger.apply(planned, {
          signal: controller.signal,
          resume: previous,
          onProgress: (p) => {
            writer.record(p.result);
            onProgress(p);
          },
        }),
      );
      process.off('SIGINT', stop).off('SIGTERM', stop);
      writer.finish(report);
      const results = writer.merged(report.results);
      const shown = { ...report, results, totals: countOutcomes(results) };
      print(
        opts.output === 'json'
          ? JSON.stringify(reportToJson(shown), null, 2)
          : renderReport(shown, opts.output),
      );
      process.stderr.write(`${summary(shown)}\n`);
      for (const r of results) if (r.error) errorLine(r);
      code = controller.signal.aborted ? EXIT.interrupted : badLines ? EXIT.usage : exitCodeOf(results);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof UsageError) {
      process.stderr.write(`unitag: ${error.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`unitag: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}

function makeTagger(global: GlobalOptions): Tagger {
  if (global.profile) process.env.AWS_PROFILE = global.profile;
  return createTagger({
    region: global.region,
    endpoint: global.endpointUrl,
    concurrency: global.concurrency,
    preferTaggingApi: global.taggingApi,
  });
}

async function write(
  global: GlobalOptions,
  format: OutputFormat,
  total: number,
  run: (tagger: Tagger, options: { onProgress: (p: Progress) => void }) => Promise<BulkReport>,
): Promise<number> {
  const tagger = makeTagger(global);
  const report = await withProgress(global, total, (onProgress) => run(tagger, { onProgress }));
  print(format === 'json' ? JSON.stringify(reportToJson(report), null, 2) : renderReport(report, format));
  process.stderr.write(`${summary(report)}\n`);
  for (const r of report.results) if (r.error) errorLine(r);
  return exitCodeOf(report.results);
}

async function planJob(global: GlobalOptions, file: string, format: JobFormat | undefined) {
  const kind = format ?? jobFormat(file);
  if (!kind)
    throw new UsageError(
      `cannot tell the format of "${file}": name it .json, .ndjson or .csv, or give --format`,
    );
  const text = file === '-' ? await readStdin() : readText(file);
  const job = parseJob(text, kind);
  for (const e of job.errors) process.stderr.write(`${file}:${e.line}: ${e.message} (line skipped)\n`);
  const tagger = makeTagger(global);
  const planned = await tagger.plan(job.changes);
  return { tagger, planned, badLines: job.errors.length > 0 };
}

// Input mistakes found before any AWS call are bad input (exit 2); anything AWS said is a failure (exit 1).
const INPUT_CODES = new Set([
  'InvalidArn',
  'InvalidTag',
  'ReservedKey',
  'TagLimitExceeded',
  'UnsupportedResource',
]);

function exitCodeOf(results: ResourceResult[]): number {
  const failed = results.filter((r) => r.outcome === 'failed');
  if (failed.some((r) => r.error && INPUT_CODES.has(r.error.code) && r.error.cause === undefined))
    return EXIT.usage;
  return failed.length > 0 ? EXIT.failed : EXIT.ok;
}

function planExitCode(planned: Plan, badLines: boolean): number {
  return badLines ? EXIT.usage : planned.totals.failed > 0 ? EXIT.failed : EXIT.ok;
}

function errorLine(r: ResourceResult): void {
  process.stderr.write(`unitag: ${r.arn}: ${r.error?.code}: ${r.error?.message}\n`);
}

async function withProgress(
  global: GlobalOptions,
  total: number,
  run: (onProgress: (p: Progress) => void) => Promise<BulkReport>,
): Promise<BulkReport> {
  if (!global.progress || !process.stderr.isTTY || total === 0) return run(() => {});
  const { default: progress } = await import('cli-progress');
  const bar = new progress.SingleBar(
    {
      stream: process.stderr,
      format:
        ' {bar} {value}/{total} | changed {changed} unchanged {unchanged} failed {failed} | {duration_formatted}',
      hideCursor: true,
      clearOnComplete: true,
    },
    progress.Presets.shades_classic,
  );
  const counts = { changed: 0, unchanged: 0, failed: 0 };
  bar.start(total, 0, counts);
  try {
    return await run(({ done, result }) => {
      if (result.outcome in counts) counts[result.outcome as keyof typeof counts]++;
      bar.update(done, counts);
    });
  } finally {
    bar.stop();
  }
}

/**
 * Keeps the report file consistent while a job runs: every finished resource is recorded, and the file is
 * replaced whole (write, then rename) at most every 50 ms and at the end, so a killed process leaves the last
 * complete version. Lines a resumed run skipped keep what the earlier report said.
 */
class ReportWriter {
  readonly #lines = new Map<string, ResourceResult>();
  readonly #previous: Map<string, ReportJson['resources'][number]>;
  #written = 0;
  #calls = 0;

  constructor(
    readonly path: string | undefined,
    previous: ReportJson | undefined,
  ) {
    const done = doneArns(previous);
    this.#previous = new Map(
      (previous?.resources ?? []).filter((l) => done.has(l.arn)).map((l) => [l.arn, l]),
    );
    this.#calls = previous?.calls ?? 0;
  }

  record(result: ResourceResult): void {
    this.#lines.set(result.arn, result);
    if (Date.now() - this.#written > 50) this.flush();
  }

  merged(results: ResourceResult[]): ResourceResult[] {
    return results.map((r) => {
      const earlier = r.outcome === 'skipped' ? this.#previous.get(r.arn) : undefined;
      return earlier ? ({ ...earlier, error: undefined } as ResourceResult) : r;
    });
  }

  finish(report: BulkReport): void {
    this.#calls += report.calls;
    this.flush(report.durationMs);
  }

  flush(durationMs = 0): void {
    this.#written = Date.now();
    if (!this.path) return;
    const results = [...this.#previous.keys()]
      .filter((arn) => !this.#lines.has(arn))
      .map((arn) => this.#previous.get(arn) as ResourceResult)
      .concat(this.merged([...this.#lines.values()]));
    const json = reportToJson({ results, totals: countOutcomes(results), calls: this.#calls, durationMs });
    writeFileSync(`${this.path}.tmp`, `${JSON.stringify(json, null, 2)}\n`);
    renameSync(`${this.path}.tmp`, this.path);
  }
}

function planToJson(plan: Plan) {
  return {
    totals: plan.totals,
    calls: plan.calls,
    entries: plan.entries.map(({ error, ...e }) => ({
      ...e,
      ...(error ? { error: { code: error.code, message: error.message } } : {}),
    })),
  };
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

async function readArns(args: string[], file: string | undefined): Promise<string[]> {
  const arns: string[] = [];
  for (const arg of args) arns.push(...(arg === '-' ? lines(await readStdin()) : [arg]));
  if (file) arns.push(...lines(file === '-' ? await readStdin() : readText(file)));
  if (arns.length === 0)
    throw new UsageError('no ARNs: give them as arguments, with --file FILE, or with - on standard input');
  return arns;
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

let stdin: Promise<string> | undefined;
function readStdin(): Promise<string> {
  stdin ??= (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  })();
  return stdin;
}

function parseTags(pairs: string[]): Record<string, string> {
  if (pairs.length === 0) throw new UsageError('give at least one --tag key=value');
  const tags = newTags();
  for (const pair of pairs) {
    const [key, value] = splitTag(pair, false);
    if (hasTag(tags, key)) throw new UsageError(`--tag ${key} is given twice`);
    tags[key] = value ?? '';
  }
  return tags;
}

function splitTag(pair: string, valueOptional: boolean): [string, string | undefined] {
  const at = pair.indexOf('=');
  if (at === -1 && !valueOptional)
    throw new UsageError(`--tag "${pair}" must be key=value (key= for an empty value)`);
  const key = at === -1 ? pair : pair.slice(0, at);
  if (key === '') throw new UsageError(`--tag "${pair}" has an empty key`);
  return [key, at === -1 ? undefined : pair.slice(at + 1)];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--concurrency must be a whole number of 1 or more`);
  return n;
}

function print(text: string): void {
  if (text !== '') process.stdout.write(`${text}\n`);
}

function packageVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  const alt = new URL('../package.json', import.meta.url);
  for (const candidate of [url, alt]) {
    try {
      return (JSON.parse(readFileSync(candidate, 'utf8')) as { version: string }).version;
    } catch {}
  }
  return '0.0.0';
}

// Run when executed (the package's bin), not when imported.
const invoked = process.argv[1] ?? '';
if (invoked.endsWith('cli.js') || invoked.endsWith('cli.ts') || invoked.endsWith('unitag')) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
