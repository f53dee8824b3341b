import { statSync } from 'node:fs';
import type { Command } from 'commander';
import type { FindQuery } from '../../core/types.js';
import type { TagPolicy } from '../../governance/tag-policy.js';
import type { CheckReport, CheckResult } from '../../governance/tag-policy-check.js';
import type { Fix } from '../../governance/tag-policy-fix.js';
import type { Change } from '../../jobs/plan-change.js';
import type { Shard } from '../../jobs/shard.js';
import type { Tagger } from '../../tagger.js';
import { accountsOf } from '../account-options.js';
import {
  arnSources,
  badArns,
  collect,
  EXIT,
  type GlobalOptions,
  makeTagger,
  outputOption,
  print,
  readArns,
  readText,
  regionName,
  UsageError,
} from '../common.js';
import { type CommandHelp, withHelp } from '../help.js';
import { type IacCliOptions, iacSourceOptions } from '../iac-options.js';
import { checkReplaceable, replaceFile } from '../replace-file.js';
import { shardOf, shardOption } from '../shard-option.js';

// The policy parser, the checker and the renderer are loaded when the command runs, never for --help.

/** The help after the options (with its exit codes): `--help` prints it, docs/reference/cli.md shows it. */
const HELP: CommandHelp = {
  text: `
Examples:
  $ unitag check --policy tag-policy.json arn:aws:sns:us-east-1:123456789012:orders
  $ unitag check --policy root.json --policy ou.json --policy account.json --file arns.txt
  $ unitag check --from-organizations --file arns.txt
  $ unitag check --policy tag-policy.json --accounts accounts.yml   (every resource of every account)
  $ unitag find --missing owner | unitag check --policy tag-policy.json -
  $ unitag check --policy tag-policy.json --file arns.txt --fix fix.ndjson; unitag apply fix.ndjson
  $ unitag check --iac --terraform-state terraform.tfstate --fix restore.ndjson
                                   (live tags that differ from what Terraform declares; the job that sets them back)`,
  exitCodes: {
    0: 'every resource is compliant',
    1: 'findings, or resources that could not be read',
    2: 'a bad policy, ARN or option',
  },
};

interface CheckOptions extends IacCliOptions {
  iac?: boolean;
  policy: string[];
  regions?: string;
  type: string[];
  fromOrganizations?: boolean;
  file?: string;
  fix?: string;
  output: 'table' | 'json' | 'csv';
  shard?: string;
}

/** `unitag check --policy P.json ARN...`: resources' tags against an AWS Organizations tag policy. */
export function registerCheck(program: Command, done: (code: number) => void): void {
  const command = arnSources(
    withHelp(program.command('check'), HELP).description(
      "check resources' tags against an AWS Organizations tag policy",
    ),
  )
    .option(
      '--policy <file>',
      "the tag policy: JSON as written for AWS Organizations, or effective; repeated, the policies of the organization's tree, the root first, then each OU, then the account",
      collect,
      [],
    )
    .option(
      '--from-organizations',
      "check each resource against its account's effective tag policy, read from AWS Organizations (management account or delegated administrator)",
    )
    .option(
      '--regions <list>',
      "with --accounts and no ARN: the regions to search (default: each account's own)",
    )
    .option(
      '--type <type>',
      'with --accounts and no ARN: the resource types to check, e.g. ec2:volume (repeatable)',
      collect,
      [],
    )
    .option('--fix <file>', 'write the job that fixes what can be fixed (.ndjson, for unitag plan and apply)')
    .option(
      '--iac',
      'instead of a tag policy: where live tags drift from what --terraform-state, --pulumi-state or --cloudformation declare (with --cloudformation, name the ARNs)',
    )
    .addOption(outputOption())
    .addOption(shardOption('the resources'));
  iacSourceOptions(command).action(async (args: string[], opts: CheckOptions, command: Command) => {
    const global = command.optsWithGlobals<GlobalOptions>();
    if (!opts.iac) return done(await runCheck(global, args, opts));
    const { checkIac } = await import('../iac-check.js');
    if (opts.policy.length > 0 || opts.fromOrganizations || opts.shard !== undefined)
      throw new UsageError(
        '--iac checks against infrastructure as code: --policy, --from-organizations and --shard do not go with it',
      );
    if (opts.fix !== undefined)
      checkFixPath(opts.fix, [...opts.terraformState, ...opts.pulumiState, opts.file]);
    const fix = opts.fix;
    done(
      await checkIac(global, args, opts, fix === undefined ? undefined : (changes) => writeFix(fix, changes)),
    );
  });
}

/** Checks the resources; the exit code. Bad input is found before any AWS call. */
async function runCheck(global: GlobalOptions, args: string[], opts: CheckOptions): Promise<number> {
  const shard = await shardOf(opts.shard);
  const [{ checkMany }, { fitFix }, { printable }] = await Promise.all([
    import('../../governance/tag-policy-check.js'),
    import('../../governance/tag-policy-fix.js'),
    import('../render.js'),
  ]);
  const policy = await policyOf(opts);
  if (opts.fix !== undefined) checkFixPath(opts.fix, [...opts.policy, opts.file]);
  const searching = args.length === 0 && opts.file === undefined && global.accounts !== undefined;
  if (!searching && (opts.regions !== undefined || opts.type.length > 0)) {
    throw new UsageError(
      '--regions and --type choose what a search of --accounts checks: ARNs say it themselves',
    );
  }
  const query = searching ? searchQuery(opts) : undefined;
  const arns = searching ? [] : await readArns(args, opts.file);
  const tagger = await makeTagger(global);
  let report: CheckReport;
  if (query) report = await checkAccounts(tagger, global, query, policy, shard);
  else {
    const bad = badArns(tagger, arns);
    for (const line of bad) process.stderr.write(`unitag: ${printable(line)}\n`);
    if (bad.length > 0) return EXIT.usage;
    // A shard checks its part of the resources (every shard refuses bad ones, above).
    const mine = shard ? (await import('../../jobs/shard.js')).arnsOfShard(arns, shard) : arns;
    report = policy
      ? await checkMany(tagger, policy, mine)
      : await checkMany(tagger, { fromOrganizations: true }, mine);
  }
  // The fix is written before the output: a reader that stops early (| head) must not cost the file.
  const fix =
    opts.fix === undefined ? undefined : await fitFix(tagger, await fixOf(policy, report), report.results);
  if (fix && opts.fix !== undefined) writeFix(opts.fix, fix.changes);
  // The summary is said even when --query cannot be applied: the check was made, the fix written.
  let failedQuery: unknown;
  await printOutput(report, opts.output, global).catch((error: unknown) => {
    failedQuery = error;
  });
  await sayOnStderr(report, fix, opts.fix);
  if (failedQuery !== undefined) throw failedQuery;
  const failed = report.totals.failed + report.totals.skipped;
  return failed > 0 || report.totals.noncompliant > 0 ? EXIT.failed : EXIT.ok;
}

/** What a check of `--accounts` without ARNs searches: every resource listed, of the types and regions given. */
function searchQuery(opts: CheckOptions): FindQuery {
  const regions = opts.regions?.split(',').map((name) => regionName(name.trim(), '--regions'));
  if (regions?.length === 0 || regions?.includes('')) {
    throw new UsageError(`--regions "${opts.regions}": write them as us-east-1,eu-west-1`);
  }
  return {
    all: true,
    ...(regions ? { regions: [...new Set(regions)] } : {}),
    ...(opts.type.length > 0 ? { resourceTypes: opts.type } : {}),
  };
}

/**
 * Checks every resource of the accounts file's accounts (after --account-filter), each in its regions, side by
 * side; with --shard, the (account, region) pairs of this shard.
 */
async function checkAccounts(
  tagger: Tagger,
  global: GlobalOptions,
  query: FindQuery,
  policy: TagPolicy | undefined,
  shard: Shard | undefined,
): Promise<CheckReport> {
  const started = Date.now();
  const { checkSearch } = await import('../../governance/tag-policy-search.js');
  const against = policy ?? ({ fromOrganizations: true } as const);
  if (!shard) return checkSearch(tagger, against, query);
  const [{ searchesOfShard }, accounts, { reportOf }, { default: pLimit }] = await Promise.all([
    import('../../jobs/shard.js'),
    accountsOf(global),
    import('../../governance/tag-policy-check.js'),
    import('p-limit'),
  ]);
  // Each part is one account's: side by side, at most 8 at once, as a search without shards runs them.
  const limit = pLimit(8);
  const reports = await Promise.all(
    searchesOfShard(query, shard, true, accounts ?? []).map((part) =>
      limit(() => checkSearch(tagger, against, part.query, { global: part.global })),
    ),
  );
  const results = reports.flatMap((r) => r.results);
  const merged = reportOf(results, tagger.calls, Date.now() - started);
  const policies = Object.assign({}, ...reports.map((r) => r.policies ?? {}));
  return policy ? merged : { ...merged, policies };
}

/**
 * The policy to check against, read before any AWS call: one file as it is, several merged as AWS Organizations
 * merges the policies of its tree (what AWS would leave out is said on standard error); undefined with
 * --from-organizations, once the package it needs is known to be there.
 */
async function policyOf(opts: CheckOptions): Promise<TagPolicy | undefined> {
  const files = opts.policy;
  if (opts.fromOrganizations) {
    if (files.length > 0) {
      throw new UsageError(
        '--policy and --from-organizations exclude each other: check against files, or against what AWS Organizations applies',
      );
    }
    (await import('../../governance/tag-policy-organizations.js')).requireOrganizationsPackage();
    return undefined;
  }
  if (files.length === 0) {
    throw new UsageError(
      'give the tag policy: --policy FILE (repeated for the root, each OU and the account, in that order), or --from-organizations',
    );
  }
  return policyFromFiles(files);
}

/** One file as it is (a file holding a list is the policies of one entity), several merged; messages name the file. */
async function policyFromFiles(files: string[]): Promise<TagPolicy> {
  const [{ parseTagPolicy }, { effectiveTagPolicy }, { printable }] = await Promise.all([
    import('../../governance/tag-policy.js'),
    import('../../governance/tag-policy-inheritance.js'),
    import('../render.js'),
  ]);
  const texts = files.map(readText);
  const refused = (prefix: string, error: unknown) => new UsageError(`${prefix}${(error as Error).message}`);
  const [alone = ''] = texts;
  if (texts.length === 1 && !/^\uFEFF?\s*\[/.test(alone)) {
    try {
      return parseTagPolicy(alone);
    } catch (error) {
      throw refused(`${files[0]}: `, error);
    }
  }
  const say = (text: string) => process.stderr.write(`unitag: note: ${printable(text)}\n`);
  let effective: ReturnType<typeof effectiveTagPolicy>;
  try {
    // Each message names its file (names).
    effective = effectiveTagPolicy(texts, {
      names: files,
      onIgnored: (i) => say(`${i.policy}: ${i.path} does not apply (AWS ignores it too): ${i.reason}`),
    });
  } catch (error) {
    throw refused('', error);
  }
  try {
    return parseTagPolicy(effective);
  } catch (error) {
    throw refused(`the effective policy of ${files.join(', ')}: `, error);
  }
}

/** The fix of what the check found: against the one policy, or each resource against its account's. */
async function fixOf(policy: TagPolicy | undefined, report: CheckReport): Promise<Fix> {
  const { fixResources } = await import('../../governance/tag-policy-fix.js');
  if (policy) return fixResources(policy, report.results);
  const fixes = Object.entries(report.policies ?? {}).map(([account, p]) =>
    fixResources(
      p,
      report.results.filter((r) => r.account === account),
    ),
  );
  return { changes: fixes.flatMap((f) => f.changes), unfixable: fixes.flatMap((f) => f.unfixable) };
}

/** The findings on standard output: a line per finding (table, CSV), or a line per resource (JSON). */
async function printOutput(report: CheckReport, format: CheckOptions['output'], global: GlobalOptions) {
  const [{ csv, table }, { wantsJson }] = await Promise.all([import('../render.js'), import('../output.js')]);
  if (wantsJson(format, global)) return renderJson(report, global);
  const rows = report.results.flatMap((r) =>
    r.findings.map((f) => ({ arn: r.arn, type: r.type ?? '', ...f })),
  );
  if (format === 'csv') {
    const header = ['arn', 'type', 'key', 'finding', 'enforced', 'detail'];
    return print(
      csv(
        header,
        rows.map((f) => [f.arn, f.type, f.key, f.kind, String(f.enforced), f.detail]),
      ),
    );
  }
  if (rows.length === 0) return;
  const finding = (f: (typeof rows)[number]) => (f.enforced ? `${f.kind} (enforced)` : f.kind);
  print(
    table(
      ['ARN', 'KEY', 'FINDING', 'DETAIL'],
      rows.map((f) => [f.arn, f.key, finding(f), f.detail]),
    ),
  );
}

/** The envelope every command's JSON has, with `check` lines; or what `--query` selects from it. */
async function renderJson(report: CheckReport, global: GlobalOptions): Promise<void> {
  const { printJson } = await import('../output.js');
  const json = {
    version: 2,
    command: 'check',
    totals: report.totals,
    calls: report.calls,
    durationMs: report.durationMs,
    resources: report.results.map((line) => lineJson(line, global.accounts !== undefined)),
  };
  printJson(json, global);
}

/** A line of the JSON: its account only across accounts (--accounts), where every line has one. */
function lineJson({ error, findings, tags: _tags, account, ...rest }: CheckResult, across: boolean) {
  return {
    ...rest,
    ...(across && account ? { account } : {}),
    ...(findings.length > 0 ? { findings } : {}),
    ...(error ? { error: error.toJSON() } : {}),
  };
}

/** The summary, the resources that could not be read and what the fix leaves alone, on standard error. */
async function sayOnStderr(report: CheckReport, fix: Fix | undefined, path: string | undefined) {
  const { printable } = await import('../render.js');
  const say = (text: string) => process.stderr.write(`${text}\n`);
  for (const r of report.results) {
    if (r.outcome === 'failed' || r.outcome === 'skipped') {
      const why = r.error ? `${r.error.code}: ${r.error.message}` : 'not read';
      say(`unitag: ${printable(r.arn)}: ${printable(why)} (not checked)`);
    }
  }
  const t = report.totals;
  const seconds = (report.durationMs / 1000).toFixed(1);
  say(
    `Check: ${t.compliant} compliant, ${t.noncompliant} noncompliant (${t.findings} findings, ${t.enforced} on enforced types), ` +
      `${t.failed + t.skipped} not read; ${report.calls} calls, ${seconds} s`,
  );
  if (!fix || path === undefined) return;
  for (const u of fix.unfixable) {
    say(`unitag: cannot fix ${printable(u.arn)} ${printable(u.key)} (${u.kind}): ${printable(u.reason)}`);
  }
  say(
    `Fix: ${fix.changes.length} resources to change written to ${printable(path)} (unitag plan ${printable(path)}, then unitag apply ${printable(path)}); ${fix.unfixable.length} findings left to you`,
  );
}

/**
 * Checks, before any AWS call, that the fix job can be written where asked: a name plan and apply read as NDJSON,
 * not a link nor a directory, in a directory where a file can be created.
 */
function checkFixPath(path: string, inputs: (string | undefined)[]): void {
  if (!/\.(ndjson|jsonl)$/i.test(path)) {
    throw new UsageError(`--fix ${path}: name it .ndjson (or .jsonl), so that unitag plan and apply read it`);
  }
  checkReplaceable(path, '--fix');
  // The fix must never replace what the check reads: the policy, or the file of ARNs.
  const fix = statSync(path, { throwIfNoEntry: false });
  for (const input of inputs) {
    const read =
      input === undefined || input === '-' ? undefined : statSync(input, { throwIfNoEntry: false });
    if (fix && read && fix.dev === read.dev && fix.ino === read.ino)
      throw new UsageError(`--fix ${path} is ${input}, which the check reads: name another file`);
  }
}

/** Writes the job, one change per line, replacing the file whole (replace-file.ts). */
function writeFix(path: string, changes: Change[]): void {
  replaceFile(path, changes.map((c) => `${JSON.stringify(c)}\n`).join(''), '--fix');
}
