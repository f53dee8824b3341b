// `npm run bench:scale [-- --quick]`: unitag at scale against a rate-limited in-memory AWS (bench/rated-aws.ts,
// AWS's default request rates from src/core/rates.ts).
//   (a) the library with its defaults: plan + apply of a mixed job (EC2 volumes, SNS, SQS, S3 buckets and
//       objects, IAM roles), each change setting `cost-center` and removing one existing key;
//   (b) the same change by hand: p-limit(16) over the resources, the SDK's default clients and retries;
//   the lower bound the rates put on (a), and (a)'s wall time against it;
//   (c) the built CLI applying EC2 job files of 100k and 1M lines (10k and 100k with --quick): time, CPU per line,
//       peak RSS, output sizes; and `unitag --version` against `node -e 0`.
// Flags: --quick (a tenth), --mix-only (no CLI runs), --cli-only, --cli-sizes 100000,1000000, --cli-timeout MIN,
// --fake-process (the fake in a process of its own, not beside (a) and (b) on this one's thread).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  createWriteStream,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTagsCommand, DeleteTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient, TagRoleCommand, UntagRoleCommand } from '@aws-sdk/client-iam';
import {
  DeleteBucketTaggingCommand,
  DeleteObjectTaggingCommand,
  GetBucketTaggingCommand,
  GetObjectTaggingCommand,
  PutBucketTaggingCommand,
  PutObjectTaggingCommand,
  S3Client,
  type Tag,
} from '@aws-sdk/client-s3';
import { SNSClient, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-sns';
import { SQSClient, TagQueueCommand, UntagQueueCommand } from '@aws-sdk/client-sqs';
import pLimit from 'p-limit';
import { createTagger, parseArn } from '../src/index.js';
import { ACCOUNT, type OperationCount, startRatedAws } from './rated-aws.js';
import { type RemoteRatedAws, startRatedAwsProcess } from './rated-aws-process.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const QUICK = process.argv.includes('--quick');
/** Resources of each kind in the mixed job; --quick takes a tenth. */
const MIX = scaled(
  { volume: 3000, topic: 2000, queue: 2000, bucket: 1000, object: 1000, role: 1000 },
  QUICK ? 0.1 : 1,
);
/** `--cli-sizes 100000,1000000` picks the CLI job sizes; `--cli-only` skips (a) and (b). */
const CLI_SIZES =
  argValue('--cli-sizes')?.split(',').map(Number) ?? (QUICK ? [10_000, 100_000] : [100_000, 1_000_000]);
const CLI_ONLY = process.argv.includes('--cli-only');
/** `--mix-only` skips the CLI runs (c). */
const MIX_ONLY = process.argv.includes('--mix-only');
/** The CLI's time limit per run, in minutes (`--cli-timeout N`). */
const CLI_TIMEOUT_MIN = Number(argValue('--cli-timeout') ?? (QUICK ? 15 : 45));
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const EXISTING = { env: 'prod', owner: 'team-a' };
const CHANGE = { set: { 'cost-center': 'cc-42' }, remove: ['owner'] };

const FAKE_PROCESS = process.argv.includes('--fake-process');
const fake = FAKE_PROCESS ? await startRatedAwsProcess() : inProcess(await startRatedAws());
const config = { region: REGION, endpoint: fake.endpoint, credentials: CREDENTIALS };
console.log(
  `rated AWS on ${fake.endpoint} (${FAKE_PROCESS ? 'a process of its own' : 'this process'})${QUICK ? ' (--quick)' : ''}; ` +
    'latency 20 ms, AWS default rates',
);
try {
  if (!CLI_ONLY) {
    const mix = mixedResources();
    const a = await measure('(a) unitag plan+apply', mix, runUnitag);
    const b = await measure('(b) SDK p-limit(16)', mix, runByHand);
    printMixTable(mix.length, [a, b]);
    await printLowerBound(a);
  }
  if (!MIX_ONLY) {
    const cli: CliRun[] = [];
    for (const size of CLI_SIZES) cli.push(await runCli(size));
    printCliTable(cli);
  }
  printStartup();
} finally {
  await fake.close();
}

// --- (a) and (b): the mixed job -----------------------------------------------------------------------------

interface MixRun {
  name: string;
  ms: number;
  /** Failed resources by error code. */
  failed: Record<string, number>;
  families: Record<string, OperationCount>;
  unknown: Record<string, number>;
}

/** Fresh copies of the resources (with their tags), zeroed counters and full buckets, then one run. */
async function measure(
  name: string,
  arns: string[],
  run: (arns: string[]) => Promise<string[]>,
): Promise<MixRun> {
  await fake.clear();
  await fake.create(arns, EXISTING);
  await fake.reset();
  console.log(`${name}: ${arns.length} resources ...`);
  const start = performance.now();
  const failures = await run(arns);
  const ms = performance.now() - start;
  const failed: Record<string, number> = {};
  for (const code of failures) failed[code] = (failed[code] ?? 0) + 1;
  return { name, ms, failed, families: await fake.familyCounts(), unknown: await fake.unknown() };
}

/** unitag with its defaults; returns the error code of each failed resource (plan or apply). */
async function runUnitag(arns: string[]): Promise<string[]> {
  const tagger = createTagger(config);
  try {
    const plan = await tagger.plan(arns.map((arn) => ({ arn, ...CHANGE })));
    const report = await tagger.apply(plan);
    return report.results.filter((r) => r.outcome === 'failed').map((r) => r.error?.code ?? '?');
  } finally {
    await tagger.destroy();
  }
}

/**
 * What a careful user writes without unitag: each service's own calls, one resource at a time under p-limit(16),
 * the SDK's default clients (and so its default retries). S3 replaces the whole set, so it reads, merges, writes.
 */
async function runByHand(arns: string[]): Promise<string[]> {
  const sns = new SNSClient(config);
  const sqs = new SQSClient(config);
  // A local endpoint serves buckets by path, not by virtual host.
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const ec2 = new EC2Client(config);
  const iam = new IAMClient(config);
  const set = Object.entries(CHANGE.set).map(([Key, Value]) => ({ Key, Value }));
  const remove = CHANGE.remove;
  const s3Merge = (current: Tag[] | undefined) => [
    ...(current ?? []).filter((t) => t.Key && !remove.includes(t.Key) && !(t.Key in CHANGE.set)),
    ...set,
  ];
  const one = async (arn: string): Promise<void> => {
    const p = parseArn(arn);
    switch (p.service) {
      case 'sns':
        await sns.send(new TagResourceCommand({ ResourceArn: arn, Tags: set }));
        await sns.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: remove }));
        return;
      case 'sqs': {
        // The SDK sends to the queue URL's host: the URL is the endpoint's.
        const QueueUrl = `${fake.endpoint}/${p.accountId}/${p.resource}`;
        await sqs.send(new TagQueueCommand({ QueueUrl, Tags: CHANGE.set }));
        await sqs.send(new UntagQueueCommand({ QueueUrl, TagKeys: remove }));
        return;
      }
      case 'ec2':
        await ec2.send(new CreateTagsCommand({ Resources: [p.resourceId], Tags: set }));
        await ec2.send(
          new DeleteTagsCommand({ Resources: [p.resourceId], Tags: remove.map((Key) => ({ Key })) }),
        );
        return;
      case 'iam': {
        const RoleName = p.resourceId.slice(p.resourceId.lastIndexOf('/') + 1);
        await iam.send(new TagRoleCommand({ RoleName, Tags: set }));
        await iam.send(new UntagRoleCommand({ RoleName, TagKeys: remove }));
        return;
      }
      case 's3': {
        const slash = p.resource.indexOf('/');
        if (slash === -1) {
          const Bucket = p.resource;
          const current = await s3.send(new GetBucketTaggingCommand({ Bucket })).catch((e: Error) => {
            if (e.name === 'NoSuchTagSet') return { TagSet: [] };
            throw e;
          });
          const TagSet = s3Merge(current.TagSet);
          if (TagSet.length === 0) await s3.send(new DeleteBucketTaggingCommand({ Bucket }));
          else await s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet } }));
        } else {
          const at = { Bucket: p.resource.slice(0, slash), Key: p.resource.slice(slash + 1) };
          const current = await s3.send(new GetObjectTaggingCommand(at));
          const TagSet = s3Merge(current.TagSet);
          if (TagSet.length === 0) await s3.send(new DeleteObjectTaggingCommand(at));
          else await s3.send(new PutObjectTaggingCommand({ ...at, Tagging: { TagSet } }));
        }
        return;
      }
      default:
        throw new Error(`no hand-written calls for ${arn}`);
    }
  };
  const limit = pLimit(16);
  const failures: string[] = [];
  await Promise.all(
    arns.map((arn) =>
      limit(() => one(arn).catch((error: Error) => void failures.push(error.name || 'Error'))),
    ),
  );
  for (const client of [sns, sqs, s3, ec2, iam]) client.destroy();
  return failures;
}

/** The mixed job's ARNs: MIX of each kind, every name unique to this run. */
function mixedResources(): string[] {
  const run = Date.now().toString(36);
  const make: Record<keyof typeof MIX, (i: number) => string> = {
    volume: () => volumeArn(),
    topic: (i) => `arn:aws:sns:${REGION}:${ACCOUNT}:scale-${run}-${i}`,
    queue: (i) => `arn:aws:sqs:${REGION}:${ACCOUNT}:scale-${run}-${i}`,
    bucket: (i) => `arn:aws:s3:::scale-${run}-${i}`,
    object: (i) => `arn:aws:s3:::scale-${run}-objects/data/${i}.json`,
    role: (i) => `arn:aws:iam::${ACCOUNT}:role/scale/scale-${run}-${i}`,
  };
  return Object.entries(MIX).flatMap(([kind, n]) =>
    Array.from({ length: n }, (_, i) => make[kind as keyof typeof MIX](i)),
  );
}

function volumeArn(): string {
  return `arn:aws:ec2:${REGION}:${ACCOUNT}:volume/vol-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

function printMixTable(n: number, runs: MixRun[]): void {
  console.log(`\nMixed job, ${n} resources (${describeMix()}): set cost-center, remove owner`);
  const families = [...new Set(runs.flatMap((r) => Object.keys(r.families)))].sort();
  const header = ['run', 'wall', 'failed (by code)', ...families.map((f) => `${f} ok/thr`)];
  const rows = runs.map((r) => [
    r.name,
    seconds(r.ms),
    formatCounts(r.failed),
    ...families.map((f) => {
      const c = r.families[f];
      return c ? `${c.accepted}/${c.throttled}` : '-';
    }),
  ]);
  printTable(header, rows);
  for (const r of runs) {
    if (Object.keys(r.unknown).length > 0) console.log(`GAPS in ${r.name}: ${formatCounts(r.unknown)}`);
  }
}

/**
 * The fastest (a) could be at these rates: per family, the calls that got through, less the burst, at the rate;
 * the largest of those. Throttled calls are left out: they are what a perfect client would not have sent.
 */
async function printLowerBound(a: MixRun): Promise<void> {
  console.log('\nLower bound of (a) from the rates (calls accepted in (a) - burst) / rate:');
  const { bound, slowest, rows } = await lowerBound(a.families);
  printTable(['family', 'calls', 'rate', 'burst', 'bound'], rows);
  const ratio = bound > 0 ? (a.ms / 1000 / bound).toFixed(2) : 'n/a';
  console.log(`lower bound ${bound.toFixed(1)} s (${slowest}); (a) wall ${seconds(a.ms)}: ratio ${ratio}`);
}

/** The largest of (calls accepted - burst) / rate over the families, which one, and a row per family. */
async function lowerBound(
  families: Record<string, OperationCount>,
): Promise<{ bound: number; slowest: string; rows: string[][] }> {
  let bound = 0;
  let slowest = '';
  const rows: string[][] = [];
  for (const [family, c] of Object.entries(families)) {
    const { rate, burst } = await fake.rateOf(family);
    const s = Math.max(0, (c.accepted - burst) / rate);
    if (s > bound) [bound, slowest] = [s, family];
    rows.push([family, String(c.accepted), `${rate}/s`, String(burst), `${s.toFixed(1)} s`]);
  }
  return { bound, slowest, rows };
}

// --- (c) the CLI on big EC2 jobs ----------------------------------------------------------------------------

interface CliRun {
  lines: number;
  ms: number;
  exit: string;
  rssKb: number | undefined;
  /** User + system CPU seconds of the CLI process, from /usr/bin/time. */
  cpuS: number | undefined;
  /** The lower bound the rates put on the run's calls (see `lowerBound`), in seconds. */
  boundS: number;
  reportBytes: number;
  stdoutBytes: number;
  failed: string;
  stderrTail: string;
}

/** Writes a CSV job setting one key on `lines` new volumes, creates them, and runs `unitag apply` on it. */
async function runCli(lines: number): Promise<CliRun> {
  const dir = tmpdir();
  const job = join(dir, `unitag-scale-${lines}.csv`);
  const report = join(dir, `unitag-scale-${lines}.report.json`);
  const stdout = join(dir, `unitag-scale-${lines}.stdout.json`);
  const stderr = join(dir, `unitag-scale-${lines}.stderr.txt`);
  const rssFile = join(dir, `unitag-scale-${lines}.rss.txt`);
  for (const f of [report, stdout, stderr, rssFile]) rmSync(f, { force: true });
  await fake.clear();
  await fake.reset();
  const arns = await writeJob(job, lines);
  await fake.create(arns);
  arns.length = 0;
  console.log(`\n(c) unitag apply of ${lines} EC2 lines (${job}) ...`);
  const run = await runChild(
    ['--max-rate', 'aws', 'apply', job, '--report', report, '--output', 'json'],
    stdout,
    stderr,
    rssFile,
  );
  const timing = existsSync(rssFile)
    ? /^(\d+) ([\d.]+) ([\d.]+)\s*$/m.exec(readFileSync(rssFile, 'utf8'))
    : null;
  const rss = timing?.[1];
  const families = await fake.familyCounts();
  const result: CliRun = {
    lines,
    ms: run.ms,
    boundS: (await lowerBound(families)).bound,
    exit: run.exit,
    rssKb: rss ? Number(rss) : undefined,
    cpuS: timing ? Number(timing[2]) + Number(timing[3]) : undefined,
    reportBytes: sizeOf(report),
    stdoutBytes: sizeOf(stdout),
    failed: failedOf(stdout),
    stderrTail: tail(stderr),
  };
  console.log(
    `    exit ${result.exit} in ${seconds(result.ms)}; calls by family: ${formatFamilies(families)}`,
  );
  if (result.exit !== '0')
    console.log(`    CLI ${result.exit}; its standard error ends:\n${indent(result.stderrTail)}`);
  const gaps = await fake.unknown();
  if (Object.keys(gaps).length > 0) console.log(`    GAPS: ${formatCounts(gaps)}`);
  return result;
}

/** The CSV job (streamed: 1M lines is ~90 MB); returns the volumes' ARNs. */
async function writeJob(path: string, lines: number): Promise<string[]> {
  const out = createWriteStream(path);
  const arns: string[] = [];
  out.write('arn,action,key,value\n');
  for (let i = 0; i < lines; i++) {
    const arn = volumeArn();
    arns.push(arn);
    // Every line the same key and value: the change CreateTags can batch, 1000 ids a call.
    if (!out.write(`${arn},set,cost-center,cc-42\n`))
      await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve(0))),
  );
  return arns;
}

/**
 * Runs the built CLI under /usr/bin/time (peak RSS, CPU time) when there is one, standard output and error to files; kills
 * it after CLI_TIMEOUT_MIN minutes.
 */
function runChild(
  args: string[],
  stdoutPath: string,
  stderrPath: string,
  rssFile: string,
): Promise<{ ms: number; exit: string }> {
  // BENCH_CLI_NODE_ARGS='--cpu-prof --cpu-prof-dir=DIR' profiles the CLI runs.
  const nodeArgs = process.env.BENCH_CLI_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const cli = [...nodeArgs, 'dist/bin/cli.js', ...args];
  const timed = existsSync('/usr/bin/time');
  const [command, argv] = timed
    ? ['/usr/bin/time', ['-f', '%M %U %S', '-o', rssFile, process.execPath, ...cli]]
    : [process.execPath, cli];
  const out = openSync(stdoutPath, 'w');
  const err = openSync(stderrPath, 'w');
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL: fake.endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  };
  const start = performance.now();
  const child = spawn(command as string, argv as string[], { env, stdio: ['ignore', out, err] });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, CLI_TIMEOUT_MIN * 60_000);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      closeSync(out);
      closeSync(err);
      const exit = timedOut
        ? `TIMEOUT after ${CLI_TIMEOUT_MIN} min`
        : signal
          ? `signal ${signal}`
          : String(code);
      resolve({ ms: performance.now() - start, exit });
    });
  });
}

/** The failed count from the JSON envelope's `totals`, read from the end of the file (it may be huge). */
function failedOf(path: string): string {
  if (!existsSync(path) || sizeOf(path) === 0) return 'no output';
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(4096);
  const n = readSync(fd, head, 0, head.length, Math.max(0, sizeOf(path) - head.length));
  closeSync(fd);
  const totals = /"totals":\s*\{[^}]*"failed":\s*(\d+)/.exec(head.subarray(0, n).toString('utf8'));
  return totals?.[1] ?? 'unreadable';
}

function printCliTable(runs: CliRun[]): void {
  console.log('\nCLI: unitag apply JOB --report REPORT --output json (EC2 volumes, one key each)');
  printTable(
    [
      'lines',
      'exit',
      'wall',
      "rates' bound",
      'per resource',
      'CPU per line',
      'peak RSS',
      'report',
      'stdout',
      'failed',
    ],
    runs.map((r) => [
      String(r.lines),
      r.exit,
      seconds(r.ms),
      seconds(r.boundS * 1000),
      `${((r.ms * 1000) / r.lines).toFixed(1)} µs`,
      r.cpuS === undefined ? '?' : `${((r.cpuS * 1e6) / r.lines).toFixed(1)} µs`,
      r.rssKb === undefined ? '?' : `${(r.rssKb / 1024).toFixed(0)} MB`,
      bytes(r.reportBytes),
      bytes(r.stdoutBytes),
      r.failed,
    ]),
  );
  if (runs.length < 2) return;
  const [small, big] = runs as [CliRun, CliRun];
  const perSmall = small.ms / small.lines;
  const perBig = big.ms / big.lines;
  const rss = (r: CliRun) => (r.rssKb === undefined ? '?' : `${(r.rssKb / 1024).toFixed(0)} MB`);
  const note =
    big.exit === '0' || big.exit === '1' ? '' : ` (the ${big.lines} run did not finish: ${big.exit})`;
  // The rates' bound is not proportional to the lines (the burst counts for more in a small run), so the wall time
  // over that bound tells whether the CLI itself keeps up at either size.
  const over = (r: CliRun) => (r.boundS > 0 ? r.ms / 1000 / r.boundS : Number.NaN);
  const cpu = (r: CliRun) => (r.cpuS === undefined ? Number.NaN : r.cpuS / r.lines);
  console.log(
    `time per resource at ${big.lines} / at ${small.lines}: ${(perBig / perSmall).toFixed(2)} ` +
      `(the rates' bound per resource: ${(big.boundS / big.lines / (small.boundS / small.lines)).toFixed(2)}); ` +
      `wall / bound ${over(small).toFixed(2)} at ${small.lines}, ${over(big).toFixed(2)} at ${big.lines}; ` +
      `CPU per line ${(cpu(big) / cpu(small)).toFixed(2)}; peak RSS ${rss(small)} at ${small.lines}, ${rss(big)} at ${big.lines}${note}`,
  );
}

/** `unitag --version` against `node -e 0`: medians of 15 runs each, alternating, after one warm-up each. */
function printStartup(): void {
  const time = (args: string[]) => {
    const start = performance.now();
    execFileSync(process.execPath, args, { stdio: 'ignore' });
    return performance.now() - start;
  };
  const cli: number[] = [];
  const bare: number[] = [];
  time(['dist/bin/cli.js', '--version']);
  time(['-e', '0']);
  for (let i = 0; i < 15; i++) {
    cli.push(time(['dist/bin/cli.js', '--version']));
    bare.push(time(['-e', '0']));
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
  const c = median(cli);
  const n = median(bare);
  console.log(
    `\nstart-up, median of 15: unitag --version ${c.toFixed(0)} ms, node -e 0 ${n.toFixed(0)} ms; ratio ${(c / n).toFixed(2)}`,
  );
}

// --- Formatting ---------------------------------------------------------------------------------------------

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  for (const row of [header, ...rows])
    console.log(row.map((c, i) => c.padEnd(widths[i] as number)).join('  '));
}

function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  if (entries.length === 0) return '0';
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  return `${total} (${entries.map(([code, n]) => `${code} ${n}`).join(', ')})`;
}

function formatFamilies(families: Record<string, OperationCount>): string {
  return Object.entries(families)
    .map(([f, c]) => `${f} ${c.accepted}/${c.throttled}`)
    .join(', ');
}

function describeMix(): string {
  return Object.entries(MIX)
    .map(([kind, n]) => `${n} ${kind}s`)
    .join(', ');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function bytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} KB`;
}

function sizeOf(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

function tail(path: string): string {
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-8).join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
}

function scaled<T extends Record<string, number>>(counts: T, factor: number): T {
  return Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, Math.round(n * factor)])) as T;
}

function argValue(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

/** The in-process fake behind the same awaited methods as one in its own process. */
function inProcess(f: Awaited<ReturnType<typeof startRatedAws>>): RemoteRatedAws {
  return {
    endpoint: f.endpoint,
    create: async (arns, tags, owner) => f.create(arns, tags, owner),
    counts: async (account) => f.counts(account),
    familyCounts: async (account) => f.familyCounts(account),
    unknown: async () => f.unknown(),
    rateOf: async (family) => f.rateOf(family),
    reset: async () => f.reset(),
    clear: async () => f.clear(),
    close: () => f.close(),
  };
}
