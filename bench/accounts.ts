// `npm run bench:accounts [-- --quick] [--accounts N] [--grouped] [--across-only]`: `unitag apply --accounts`
// across many accounts against the rated fake AWS (bench/rated-aws.ts, AWS's default rates, buckets per
// account, region and family).
//   (a) the built CLI on one job over N accounts (default 10) of PER_ACCOUNT mixed resources each, with an accounts
//       file (the caller's account without a role, the others with `role: bench-role`): wall time, failed lines
//       (the report's totals), peak RSS, calls and throttles by family, STS calls;
//   (b) each account's lower bound from the rates (its calls accepted in (a), less the burst, over the rate; the
//       largest family), the slowest account's, and (a)'s wall time against it;
//   (c) the job split per account, run one account after the other with that account's own credentials (the key
//       is the account id, so the fake acts in it; no --accounts): the sum of the wall times, and (a) against it;
//   (d) peak RSS of (a)'s run at N accounts and at MEMORY_ACCOUNTS (50) accounts of fewer resources each.
// The fake runs in this process (bench/scale.ts and bench/trust.ts run it in-process too); the CLI is a child
// process, run from a copy of dist/ taken at the start (a rebuild meanwhile changes nothing). It prints figures;
// it asserts nothing. --grouped writes the job account after account instead of interleaving the accounts;
// --across-only stops after (b). BENCH_CLI_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" gives the CLI runs node flags.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACCOUNT, type OperationCount, startRatedAws } from './rated-aws.js';

const QUICK = process.argv.includes('--quick');
const GROUPED = process.argv.includes('--grouped');
/** Only (a) and (b): the run across accounts against its bound. */
const ACROSS_ONLY = process.argv.includes('--across-only');
const ACCOUNTS = Number(argValue('--accounts') ?? 10);
/** Resources per account in (a) and (c); --quick takes a tenth. */
const PER_ACCOUNT = QUICK ? 100 : 1000;
/** (d): the same run at this many accounts, of MEMORY_PER_ACCOUNT resources each. */
const MEMORY_ACCOUNTS = 50;
const MEMORY_PER_ACCOUNT = QUICK ? 20 : 200;
/** bench/scale.ts's MIX, as shares: 3000 volumes, 2000 topics, 2000 queues, 1000 buckets, objects and roles. */
const SHARES = { volume: 0.3, topic: 0.2, queue: 0.2, bucket: 0.1, object: 0.1, role: 0.1 };
type Kind = keyof typeof SHARES;
const REGION = 'us-east-1';
const EXISTING = { env: 'prod', owner: 'team-a' };
const CHANGE = { set: { 'cost-center': 'cc-42' }, remove: ['owner'] };
const TIMEOUT_MIN = 60;
const ROOT = new URL('..', import.meta.url).pathname;
/** Calls of resourcesOf, for unique names. */
let runs = 0;

const dir = mkdtempSync(join(tmpdir(), 'unitag-accounts-'));
const CLI = copyCli();
const fake = await startRatedAws();
console.log(
  `rated AWS on ${fake.endpoint} (in this process; the CLI in its own)${QUICK ? ' (--quick)' : ''}; latency ` +
    `20 ms, AWS default rates per account, region and family; working directory ${dir}`,
);
console.log(
  `S3 bucket and object ARNs name no account: the S3 lines go to the caller's own account ${ACCOUNT} only ` +
    "(its share of scale.ts's mix); the other accounts' 1/5 S3 share goes to their other kinds in proportion.",
);
try {
  const accounts = accountIds(ACCOUNTS);
  const a = await runAcross('(a)', accounts, PER_ACCOUNT);
  const bounds = printBounds(a, accounts);
  if (ACROSS_ONLY) process.exit(0);
  const c = await runEachAlone(accounts, PER_ACCOUNT);
  const d = await runAcross('(d)', accountIds(MEMORY_ACCOUNTS), MEMORY_PER_ACCOUNT);
  printSummary(a, bounds, c, d);
} finally {
  await fake.close();
}

// --- Jobs ---------------------------------------------------------------------------------------------------

/** The caller's account first, then N - 1 others (12 digits each). */
function accountIds(n: number): string[] {
  return [ACCOUNT, ...Array.from({ length: n - 1 }, (_, i) => String(200_000_000_001 + i))];
}

/** How many of each kind an account holds: scale.ts's mix, without S3 outside the caller's account. */
function mixOf(account: string, per: number): Record<Kind, number> {
  const s3 = account === ACCOUNT;
  const share = s3 ? 1 : 1 - SHARES.bucket - SHARES.object;
  const out = {} as Record<Kind, number>;
  for (const [kind, p] of Object.entries(SHARES) as [Kind, number][]) {
    out[kind] = !s3 && (kind === 'bucket' || kind === 'object') ? 0 : Math.round((per * p) / share);
  }
  // Rounding aside, `per` in all: the volumes take the difference.
  out.volume += per - Object.values(out).reduce((sum, n) => sum + n, 0);
  return out;
}

/** The account's resources, every name unique to this run. */
function resourcesOf(account: string, per: number): string[] {
  const run = `${(++runs).toString(36)}${Date.now().toString(36)}`;
  // EC2 ids: 17 hex digits after the prefix, 9 of them unique to this call.
  const hex = randomBytes(5).toString('hex').slice(0, 9);
  const make: Record<Kind, (i: number) => string> = {
    volume: (i) => `arn:aws:ec2:${REGION}:${account}:volume/vol-${hex}${i.toString(16).padStart(8, '0')}`,
    topic: (i) => `arn:aws:sns:${REGION}:${account}:acct-${run}-${i}`,
    queue: (i) => `arn:aws:sqs:${REGION}:${account}:acct-${run}-${i}`,
    bucket: (i) => `arn:aws:s3:::acct-${run}-${i}`,
    object: (i) => `arn:aws:s3:::acct-${run}-objects/data/${i}.json`,
    role: (i) => `arn:aws:iam::${account}:role/bench/acct-${run}-${i}`,
  };
  return Object.entries(mixOf(account, per)).flatMap(([kind, n]) =>
    Array.from({ length: n }, (_, i) => make[kind as Kind](i)),
  );
}

/** Fresh resources of each account (their tags EXISTING), zeroed counters and full buckets. */
function freshResources(accounts: string[], per: number): Map<string, string[]> {
  fake.clear();
  const byAccount = new Map(accounts.map((account) => [account, resourcesOf(account, per)]));
  for (const arns of byAccount.values()) fake.create(arns, EXISTING);
  fake.reset();
  return byAccount;
}

/** An NDJSON job: accounts interleaved line by line (or, with --grouped, one after the other). */
function writeJob(path: string, parts: string[][]): number {
  const lines: string[] = [];
  const line = (arn: string) => JSON.stringify({ arn, ...CHANGE });
  if (GROUPED || parts.length === 1) for (const part of parts) lines.push(...part.map(line));
  else {
    const longest = Math.max(...parts.map((p) => p.length));
    for (let i = 0; i < longest; i++)
      for (const part of parts) if (i < part.length) lines.push(line(part[i] as string));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return lines.length;
}

function writeAccountsFile(path: string, accounts: string[]): void {
  const entries = accounts.map((id, i) => {
    const role = id === ACCOUNT ? '' : '\n    role: bench-role';
    return `  - account_id: "${id}"\n    name: a${i}${role}\n    regions: [${REGION}]`;
  });
  writeFileSync(path, `accounts:\n${entries.join('\n')}\n`);
}

// --- Runs ---------------------------------------------------------------------------------------------------

interface Run {
  name: string;
  accounts: string[];
  lines: number;
  ms: number;
  exit: string;
  rssKb: number | undefined;
  /** The CLI's user + system CPU seconds. */
  cpu: number | undefined;
  totals: Record<string, number> | undefined;
  families: Record<string, OperationCount>;
  /** Families by account, for the bounds. */
  perAccount: Map<string, Record<string, OperationCount>>;
  sts: Record<string, OperationCount>;
  operations: Record<string, OperationCount>;
  unknown: Record<string, number>;
  stderrTail: string;
}

/** (a) and (d): one `unitag apply --accounts` over every account. */
async function runAcross(name: string, accounts: string[], per: number): Promise<Run> {
  const byAccount = freshResources(accounts, per);
  const base = join(dir, `${name.replace(/\W/g, '')}-${accounts.length}`);
  const lines = writeJob(`${base}.ndjson`, [...byAccount.values()]);
  writeAccountsFile(`${base}.accounts.yml`, accounts);
  console.log(
    `\n${name} unitag apply --accounts: ${accounts.length} accounts x ${per} resources, ${lines} lines ...`,
  );
  const args = ['apply', `${base}.ndjson`, '--accounts', `${base}.accounts.yml`];
  const run = await runCli(name, base, args, 'bench', accounts, lines);
  printRun(run);
  return run;
}

/** (c): the job split per account, each part run alone with its account's own credentials, one after the other. */
async function runEachAlone(accounts: string[], per: number): Promise<Run[]> {
  console.log(`\n(c) ${accounts.length} single-account runs, one after the other (key = the account id) ...`);
  const out: Run[] = [];
  for (const account of accounts) {
    const arns = freshResources([account], per).get(account) as string[];
    const base = join(dir, `c-${account}`);
    const lines = writeJob(`${base}.ndjson`, [arns]);
    const run = await runCli(`(c) ${account}`, base, ['apply', `${base}.ndjson`], account, [account], lines);
    console.log(
      `    ${account}: ${lines} lines, exit ${run.exit}, ${seconds(run.ms)} (CPU ${run.cpu?.toFixed(1) ?? '?'} s), ` +
        `failed ${run.totals?.failed ?? '?'}, ` +
        `throttled ${throttledOf(run.families)}${gaps(run)}`,
    );
    if (run.exit !== '0') console.log(indent(run.stderrTail));
    out.push(run);
  }
  return out;
}

/** Runs the CLI under /usr/bin/time (peak RSS) against the fake, signing with `key`; reads the report's totals. */
async function runCli(
  name: string,
  base: string,
  args: string[],
  key: string,
  accounts: string[],
  lines: number,
): Promise<Run> {
  const report = `${base}.report.json`;
  const cli = [
    CLI,
    ...args,
    '--endpoint-url',
    fake.endpoint,
    '--max-rate',
    'aws',
    '--region',
    REGION,
    '--report',
    report,
  ];
  const { ms, exit } = await spawnTimed(cli, key, base);
  const [, rss, user, system] = /^(\d+) ([\d.]+) ([\d.]+)\s*$/m.exec(readText(`${base}.rss`)) ?? [];
  let totals: Record<string, number> | undefined;
  try {
    totals = JSON.parse(readFileSync(report, 'utf8')).totals;
  } catch {}
  const perAccount = new Map(accounts.map((account) => [account, fake.familyCounts(account)]));
  const sts = Object.fromEntries(Object.entries(fake.counts()).filter(([op]) => op.startsWith('sts:')));
  return {
    name,
    accounts,
    lines,
    ms,
    exit,
    totals,
    sts,
    perAccount,
    operations: fake.counts(),
    rssKb: rss ? Number(rss) : undefined,
    cpu: user && system ? Number(user) + Number(system) : undefined,
    families: fake.familyCounts(),
    unknown: fake.unknown(),
    stderrTail: readText(`${base}.stderr`).trimEnd().split('\n').slice(-8).join('\n'),
  };
}

function spawnTimed(cli: string[], key: string, base: string): Promise<{ ms: number; exit: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: key,
    AWS_SECRET_ACCESS_KEY: key,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  // Peak RSS in KB, then user and system CPU seconds.
  const command = [
    '-f',
    '%M %U %S',
    '-o',
    `${base}.rss`,
    process.execPath,
    ...(process.env.BENCH_CLI_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    ...cli,
  ];
  const start = performance.now();
  const child = spawn('/usr/bin/time', command, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MIN * 60_000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      const ms = performance.now() - start;
      clearTimeout(timer);
      writeFileSync(`${base}.stdout`, Buffer.concat(out));
      writeFileSync(`${base}.stderr`, Buffer.concat(err));
      resolve({ ms, exit: signal ? `signal ${signal}` : String(code) });
    });
  });
}

/** A copy of dist/ as it is now, beside package.json and a link to node_modules (as bench/trust.ts does). */
function copyCli(): string {
  const source = join(ROOT, 'dist/bin/cli.js');
  if (!existsSync(source)) throw new Error(`${source} is missing: run npm run build first`);
  const copy = join(dir, 'unitag');
  mkdirSync(copy);
  cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  return join(copy, 'dist/bin/cli.js');
}

// --- Figures ------------------------------------------------------------------------------------------------

function printRun(run: Run): void {
  const rss = run.rssKb === undefined ? '?' : `${(run.rssKb / 1024).toFixed(0)} MB`;
  console.log(
    `    exit ${run.exit} in ${seconds(run.ms)} (CLI CPU ${run.cpu?.toFixed(1) ?? '?'} s); peak RSS ${rss}; ` +
      `report totals ${JSON.stringify(run.totals ?? 'unreadable')}`,
  );
  console.log(`    calls by family (accepted/throttled): ${formatFamilies(run.families)}`);
  console.log(`    throttled by family: ${throttledByFamily(run.families)}`);
  console.log(`    calls by operation: ${formatFamilies(run.operations)}`);
  const gci = run.accounts.map((a) => fake.counts(a)['sts:GetCallerIdentity']?.accepted ?? 0);
  console.log(
    `    STS: ${formatFamilies(run.sts)}; GetCallerIdentity per account ${[...new Set(gci)].join('/')} ` +
      `(AssumeRole is signed by the caller: ${ACCOUNT})`,
  );
  console.log(`    unknown operations: ${JSON.stringify(run.unknown)}`);
  if (run.exit !== '0') console.log(`    standard error ends:\n${indent(run.stderrTail)}`);
}

interface Bound {
  account: string;
  seconds: number;
  family: string;
}

/** (b): per account, the largest family's (calls accepted in (a) - burst) / rate. */
function printBounds(a: Run, accounts: string[]): Bound[] {
  console.log(
    "\n(b) lower bound of each account's part from the rates: (calls accepted in (a) - burst) / rate",
  );
  const bounds: Bound[] = [];
  for (const account of accounts) {
    const families = a.perAccount.get(account) ?? {};
    let bound: Bound = { account, seconds: 0, family: '-' };
    const parts: string[] = [];
    for (const [family, c] of Object.entries(families)) {
      const { rate, burst } = fake.rateOf(family);
      const s = Math.max(0, (c.accepted - burst) / rate);
      if (s > bound.seconds) bound = { account, seconds: s, family };
      parts.push(`${family} ${c.accepted}`);
    }
    bounds.push(bound);
    console.log(`    ${account}: ${bound.seconds.toFixed(1)} s (${bound.family}); calls ${parts.join(', ')}`);
  }
  const slowest = slowestOf(bounds);
  const ratio = slowest.seconds > 0 ? (a.ms / 1000 / slowest.seconds).toFixed(2) : 'n/a';
  console.log(
    `    slowest account's bound ${slowest.seconds.toFixed(1)} s (${slowest.account}, ${slowest.family}); ` +
      `(a) wall ${seconds(a.ms)}: ratio ${ratio} (goal: within 1.25)`,
  );
  return bounds;
}

function printSummary(a: Run, bounds: Bound[], c: Run[], d: Run): void {
  const sum = c.reduce((total, run) => total + run.ms, 0);
  const slowest = slowestOf(bounds);
  const rss = (run: Run) => (run.rssKb === undefined ? '?' : `${(run.rssKb / 1024).toFixed(0)} MB`);
  console.log('\nSummary');
  console.log(
    `  (a) ${a.accounts.length} accounts x ${PER_ACCOUNT}: ${seconds(a.ms)}, exit ${a.exit}, failed ` +
      `${a.totals?.failed ?? '?'}, throttled ${throttledOf(a.families)}, peak RSS ${rss(a)}`,
  );
  console.log(
    `  (b) slowest account's bound ${slowest.seconds.toFixed(1)} s: (a) / bound ` +
      `${(a.ms / 1000 / slowest.seconds).toFixed(2)}`,
  );
  console.log(
    `  (c) ${c.length} single-account runs one after the other: sum ${seconds(sum)} ` +
      `(${c.map((run) => seconds(run.ms)).join(', ')}); failed ${c.map((r) => r.totals?.failed ?? '?').join('/')}; ` +
      `(a) / (c) ${(a.ms / sum).toFixed(2)}, (c) / (a) ${(sum / a.ms).toFixed(2)}`,
  );
  console.log(
    `  (d) peak RSS: ${rss(a)} at ${a.accounts.length} accounts x ${PER_ACCOUNT} (${a.lines} lines); ` +
      `${rss(d)} at ${d.accounts.length} accounts x ${MEMORY_PER_ACCOUNT} (${d.lines} lines), ` +
      `${seconds(d.ms)}, exit ${d.exit}, failed ${d.totals?.failed ?? '?'}, throttled ${throttledOf(d.families)}`,
  );
}

function slowestOf(bounds: Bound[]): Bound {
  return bounds.reduce((x, y) => (y.seconds > x.seconds ? y : x));
}

function throttledOf(families: Record<string, OperationCount>): number {
  return Object.values(families).reduce((sum, c) => sum + c.throttled, 0);
}

function throttledByFamily(families: Record<string, OperationCount>): string {
  const entries = Object.entries(families).filter(([, c]) => c.throttled > 0);
  return entries.length === 0 ? 'none' : entries.map(([f, c]) => `${f} ${c.throttled}`).join(', ');
}

function formatFamilies(families: Record<string, OperationCount>): string {
  return Object.entries(families)
    .map(([f, c]) => `${f} ${c.accepted}/${c.throttled}`)
    .join(', ');
}

function gaps(run: Run): string {
  return Object.keys(run.unknown).length > 0 ? `; UNKNOWN ${JSON.stringify(run.unknown)}` : '';
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
}

function readText(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

function argValue(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}
