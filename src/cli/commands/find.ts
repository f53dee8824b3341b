import type { Command } from 'commander';
import type { Account } from '../../core/accounts.js';
import type { FindQuery } from '../../core/types.js';
import type { FoundResource, FindOptions as SearchOptions } from '../../jobs/find.js';
import type { FindFailure, InventoryProgress } from '../../jobs/inventory.js';
import type { ReadResult } from '../../jobs/report.js';
import type { Shard } from '../../jobs/shard.js';
import type { Tagger } from '../../tagger.js';
import { accountsOf } from '../account-options.js';
import {
  collect,
  EXIT,
  exitCodeOf,
  type GlobalOptions,
  makeTagger,
  outputOption,
  print,
  regionName,
  splitTag,
  UsageError,
} from '../common.js';
import { type CommandHelp, withHelp } from '../help.js';
import { shardOf, shardOption } from '../shard-option.js';

/** The help after the options (with its exit codes): `--help` prints it, docs/reference/cli.md shows it. */
const HELP: CommandHelp = {
  text: `
Examples:
  $ unitag find --tag team=payments --type ec2:volume --regions us-east-1,eu-west-1
  $ unitag find --tag owner --output json        (any value of owner)
  $ unitag find --missing owner --regions us-east-1,eu-west-1   (tagged or never tagged)
  $ unitag find --untagged --type ec2:volume --type iam -o table
  $ unitag find --missing owner --missing cost-center | unitag check --policy tag-policy.json -
  $ unitag find --accounts accounts.yml --missing owner --output json   (every account, side by side)
--missing, --untagged and --all list resources with each service's own calls (SNS, SQS, S3, EC2 instances,
volumes, snapshots, security groups and VPCs, IAM roles, users and policies, Lambda). With --accounts, every
account of the file (after --account-filter) is searched in its own regions (--regions overrides them), with its
role or profile; an account that cannot be searched fails alone, and the others go on.`,
  exitCodes: {
    0: 'the search ran to its end',
    1: "an account, region or service could not be searched or listed, or a resource's tags could not be read (the others are still listed)",
  },
};

interface FindOptions {
  tag: string[];
  type: string[];
  regions?: string;
  missing: string[];
  untagged?: boolean;
  all?: boolean;
  output: 'arn' | 'table' | 'json' | 'csv' | 'job';
  action?: string;
  key?: string;
  value?: string;
  shard?: string;
}

/**
 * `unitag find`: prints resources that match tag filters (the tagging API's GetResources), or, with `--missing`
 * or `--untagged`, resources that lack keys, listed with each service's own calls.
 */
export function registerFind(program: Command, done: (code: number) => void): void {
  withHelp(program.command('find'), HELP)
    .description('print resources that match tag filters, or that lack tags (--missing, --untagged)')
    .option('-t, --tag <key[=value]>', 'tag filter; a key alone matches any value (repeatable)', collect, [])
    .option(
      '--type <type>',
      'resource type filter, e.g. ec2:volume, s3, logs:log-group (repeatable)',
      collect,
      [],
    )
    .option('--regions <list>', 'comma-separated regions to search (default: --region)')
    .option(
      '--missing <key>',
      'resources that lack this key, tagged or never tagged (repeatable)',
      collect,
      [],
    )
    .option('--untagged', 'resources without any user tag (aws: tags aside)')
    .option('--all', 'every resource the services list, tagged or not (--tag filters still apply)')
    .addOption(
      outputOption(
        ['arn', 'table', 'json', 'csv', 'job'],
        'arn',
        'arn: one ARN per line, for piping; job: a CSV job (arn,action,key,value) of --action, --key, --value',
      ),
    )
    .option(
      '--action <action>',
      'with --output job: set, set-if-absent, remove, rename or copy-from (default set)',
    )
    .option('--key <key>', 'with --output job: the key of each line (rename: the key renamed)')
    .option(
      '--value <value>',
      'with --output job: the value (rename: the new key; copy-from: the source ARN)',
    )
    .addOption(shardOption('the search (its regions; IAM and S3, which are global, one part)'))
    .action(async (opts: FindOptions, command: Command) => {
      done(await runFind(command.optsWithGlobals<GlobalOptions>(), opts));
    });
}

/** Runs the search and prints what it found; the exit code (1 when something could not be listed or read). */
async function runFind(global: GlobalOptions, opts: FindOptions): Promise<number> {
  const [{ readReportToJson }, { errorLine, printJson, wantsJson }, { jobHeader, jobLineOf, jobRow }] =
    await Promise.all([import('../../jobs/report.js'), import('../output.js'), import('../find-job.js')]);
  const query = queryOf(opts);
  const jobLine = jobLineOf(opts);
  const shard = await shardOf(opts.shard);
  const listing = query.missing !== undefined || query.untagged === true || query.all === true;
  const accounts = await accountsOf(global);
  const across = accounts !== undefined;
  const tagger = await makeTagger(global);
  const started = Date.now();
  const json = wantsJson(opts.output, global);
  const found: ReadResult[] = [];
  const failed: ReadResult[] = [];
  const progress = progressLine(global);
  const onFailure = failureLine(progress, failed, across, errorLine);
  const closed = stdoutClosed();
  if (jobLine && !json) print(jobHeader());
  try {
    const options = listing ? { onFailure, onProgress: progress.update } : { onFailure };
    const search = matches(tagger, { query, shard, options, listing, accounts }, closed.signal);
    for await (const { arn, type, tags, account } of search) {
      if (jobLine && !json) {
        if (process.stdout.isTTY) progress.clear();
        print(jobRow(arn, jobLine));
      } else if (opts.output !== 'arn' || json) {
        // The account is said across accounts only (a search of one account names it in every ARN but S3's).
        found.push({ arn, type, ...(across && account ? { account } : {}), outcome: 'read', tags });
      } else {
        // An ARN printed on the same terminal would land on the progress line.
        if (process.stdout.isTTY) progress.clear();
        print(arn);
      }
    }
  } catch (error) {
    // Standard output failed (the reader went away, `unitag find ... | head -1`, or the disk is full): nothing
    // more can be printed, so the search stops. src/cli.ts says what failed, and the exit code where not EPIPE.
    if (closed.signal.aborted) return EXIT.ok;
    throw error;
  } finally {
    progress.clear();
    closed.dispose();
  }
  // Across accounts, the lines are grouped by account (found side by side, they come interleaved).
  if (across) sortByAccount(found);
  if (json) {
    const results = [...found, ...failed];
    const totals = { total: results.length, read: found.length, failed: failed.length, skipped: 0 };
    printJson(
      readReportToJson({ results, totals, calls: tagger.calls, durationMs: Date.now() - started }, 'find'),
      global,
    );
  } else if (opts.output !== 'arn' && opts.output !== 'job') {
    await printFound(found, opts.output, { query, listing, across });
  }
  // A failure of the input (no region configured) is bad usage, exit 2, as for every other command.
  return exitCodeOf(failed);
}

/** What a failure of the search does: a line on standard error (the progress line cleared first), kept for the output. */
function failureLine(
  progress: { clear: () => void },
  failed: ReadResult[],
  across: boolean,
  say: (line: ReadResult) => void,
) {
  return (failure: FindFailure) => {
    progress.clear();
    const { arn, type, account, error } = failure;
    const line: ReadResult = {
      arn,
      type,
      ...(across && account ? { account } : {}),
      outcome: 'failed',
      error,
    };
    say(line);
    failed.push(line);
  };
}

/** The resources found as a table or CSV: with their account across accounts, what they lack with --missing. */
async function printFound(
  found: ReadResult[],
  output: 'table' | 'csv' | 'json',
  { query, listing, across }: { query: FindQuery; listing: boolean; across: boolean },
): Promise<void> {
  const { csv, renderTags, table } = await import('../render.js');
  if (!listing && !across) return print(renderTags(found, output));
  const missing = listing && query.all !== true;
  const head = ['arn', ...(across ? ['account'] : []), 'type', missing ? 'missing' : 'tags'];
  const rows = found.map((r) => [
    r.arn,
    ...(across ? [r.account ?? ''] : []),
    r.type ?? '',
    missing ? lacking(r, query).join(' ') : tagText(r),
  ]);
  const upper = head.map((name) => name.toUpperCase());
  print(output === 'csv' ? csv(head, rows) : table(upper, rows));
}

/** A search as the command runs it. */
interface Search {
  query: FindQuery;
  shard: Shard | undefined;
  options: SearchOptions;
  listing: boolean;
  /** The accounts file's accounts (after --account-filter), when one is given. */
  accounts: readonly Account[] | undefined;
}

/**
 * The search's matches; with `--shard`, only those of its part (none when no unit falls to it): across the
 * accounts of an accounts file, its (account, region) pairs, searched side by side.
 */
async function* matches(
  tagger: Tagger,
  { query, shard, options, listing, accounts }: Search,
  signal: AbortSignal,
): AsyncGenerator<FoundResource> {
  if (!shard) return yield* tagger.find(query, { ...options, signal });
  const [{ searchOfShard, searchesOfShard }, { merge }] = await Promise.all([
    import('../../jobs/shard.js'),
    import('../../core/collections.js'),
  ]);
  // The global services (IAM, S3) are listed by the one shard their unit falls to (per account).
  const parts = accounts
    ? searchesOfShard(query, shard, listing, accounts)
    : [searchOfShard(query, shard, listing)].filter((part) => part !== undefined);
  const search = (part: { query: FindQuery; global: boolean }) => () =>
    tagger.find(part.query, { ...options, signal, ...(listing ? { global: part.global } : {}) });
  yield* merge(parts.map(search), 8);
}

/** Sorts lines by account, keeping their order within one (a stable sort). */
function sortByAccount(lines: ReadResult[]): void {
  lines.sort((a, b) =>
    (a.account ?? '') < (b.account ?? '') ? -1 : (a.account ?? '') > (b.account ?? '') ? 1 : 0,
  );
}

/** A resource's tags in a table cell: `k=v`, space-separated. */
function tagText({ tags = {} }: ReadResult): string {
  return Object.entries(tags)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}

/** A signal that aborts when standard output fails (EPIPE, ENOSPC, EFBIG), and a way to stop listening. */
function stdoutClosed() {
  const controller = new AbortController();
  const onError = (error: NodeJS.ErrnoException) => {
    controller.abort(new Error(`standard output failed: ${error.code}`));
  };
  process.stdout.on('error', onError);
  return { signal: controller.signal, dispose: () => process.stdout.off('error', onError) };
}

/** The query the options ask for; a contradiction or a bad region is bad usage, found before any call. */
function queryOf(opts: FindOptions): FindQuery {
  const missing = opts.missing.length > 0 ? opts.missing : undefined;
  if (missing && opts.untagged) {
    throw new UsageError(
      '--missing and --untagged together: an untagged resource lacks every key; use one of the two',
    );
  }
  if (opts.all && (missing || opts.untagged)) {
    throw new UsageError(
      '--all lists every resource, --missing and --untagged only some: use one of the three',
    );
  }
  const regions = opts.regions === undefined ? undefined : regionList(opts.regions);
  return {
    tags: tagFilters(opts.tag),
    resourceTypes: opts.type.length > 0 ? opts.type : undefined,
    regions,
    missing,
    untagged: opts.untagged === true ? true : undefined,
    all: opts.all === true ? true : undefined,
  };
}

/** `--regions a,b`: region names, each once, at least one. */
function regionList(value: string): string[] {
  const names = value.split(',').map((name) => name.trim());
  if (names.every((name) => name === '')) {
    throw new UsageError(`--regions "${value}" names no region; write them as us-east-1,eu-west-1`);
  }
  return [...new Set(names.filter(Boolean).map((name) => regionName(name, '--regions')))];
}

/** What a match lacks: the `--missing` keys it does not carry, or `(no tags)` for `--untagged` alone. */
function lacking({ tags = {} }: ReadResult, query: FindQuery): string[] {
  if (!query.missing) return ['(no tags)'];
  return query.missing.filter((key) => !Object.hasOwn(tags, key));
}

/**
 * A progress line on standard error, when it is a terminal and progress is wanted: "listed 1,234 resources
 * (ec2 us-east-1)", redrawn at most ten times a second, cleared before anything else is written.
 */
function progressLine(global: GlobalOptions) {
  const shown = global.progress && process.stderr.isTTY === true;
  let last = Date.now();
  let drawn = false;
  return {
    update: ({ service, region, total }: InventoryProgress) => {
      const now = Date.now();
      if (!shown || now - last < 100) return;
      last = now;
      drawn = true;
      const count = `${total.toLocaleString('en-US')} resource${total === 1 ? '' : 's'}`;
      process.stderr.write(`\r\x1b[Klisted ${count} (${service} ${region})`);
    },
    clear: () => {
      if (drawn) process.stderr.write('\r\x1b[K');
      drawn = false;
    },
  };
}

// `--tag k=v --tag k=w --tag j` -> { k: ['v', 'w'], j: true }, prototype-free.
function tagFilters(filters: string[]): Record<string, string | string[] | true> {
  const tags: Record<string, string | string[] | true> = Object.create(null);
  for (const filter of filters) {
    const [key, value] = splitTag(filter, true);
    const previous = Object.hasOwn(tags, key) ? tags[key] : undefined;
    tags[key] = value === undefined ? true : previous && previous !== true ? [previous, value].flat() : value;
  }
  return tags;
}
