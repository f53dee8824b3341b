import type { Command } from 'commander';
import type { Permissions } from '../../core/types.js';
import type { PermissionRequest, PolicyDocument } from '../../governance/permissions.js';
import type { Tagger } from '../../tagger.js';
import { EXIT, type GlobalOptions, jobSource, onNotice, readStdin, UsageError } from '../common.js';
import { type CommandHelp, withHelp } from '../help.js';
import { formatOf } from './plan.js';

/** The help after the options (with its exit codes): `--help` prints it, docs/reference/cli.md shows it. */
const HELP: CommandHelp = {
  text: `
Examples:
  $ unitag permissions job.ndjson > policy.json          (what running the job needs)
  $ unitag permissions arn:aws:sns:us-east-1:123456789012:orders --for tag,list
  $ unitag permissions --no-tagging-api job.csv          (the job run with --no-tagging-api)
Needs no credentials and makes no AWS call. Prints an IAM policy document that fits a managed policy (6,144
characters, whitespace aside; --max-size 10240 for a role's inline policies): where every ARN would not fit, the
resources are widened to the narrowest patterns that do (names sharing a first word, orders-*; then a service's
region and account; then its account; then the service), each said on standard error. --exact keeps every ARN
and prints {"policies": [...]}, as many policies as it takes, each within the size.`,
  exitCodes: {
    0: 'the policy printed',
    1: 'standard output could not be written',
    2: "bad usage, a bad ARN or job line, or a type whose tagging actions AWS's reference does not name (no policy printed)",
  },
};

const OPERATIONS: readonly (keyof Permissions)[] = ['tag', 'untag', 'list'];

/** `unitag permissions JOB | ARN...`: the least-privilege IAM policy that running the job (or tagging the ARNs) needs. */
export function registerPermissions(program: Command, done: (code: number) => void): void {
  jobSource(
    withHelp(program.command('permissions'), HELP).description(
      'print the least-privilege IAM policy a job (or tagging the ARNs) needs',
    ),
  )
    .argument('[arns...]', 'more ARNs, when the first argument is one')
    .option('--for <operations>', 'with ARNs: what will be done, of tag,untag,list (default: all three)')
    .option(
      '--max-size <n>',
      'characters a policy may hold, whitespace aside (default 6144, a managed policy)',
    )
    .option('--exact', 'every ARN as it is: as many policies as it takes, printed as {"policies": [...]}')
    .action(async (first: string, rest: string[], opts, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const tagger = await offlineTagger(global);
      // A job says what it will do: --for would be ignored there, so it is refused.
      if (!first.startsWith('arn:') && opts.for !== undefined)
        throw new UsageError('--for applies to ARNs; a job file says itself what it will do');
      const requests = first.startsWith('arn:')
        ? [first, ...rest].map((arn) => ({ arn, operations: operationsOf(opts.for ?? 'tag,untag,list') }))
        : await jobRequests(tagger, first, rest, opts.format);
      const maxSize = sizeOf(opts.maxSize);
      const document = await tagger.permissions(requests, { bulk: global.taggingApi });
      await printFitted(document, { maxSize, exact: opts.exact === true }, global);
      done(EXIT.ok);
    });
}

/** `--max-size`: a whole number of characters, 200 or more. */
function sizeOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const size = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(size >= 200))
    throw new UsageError(`--max-size "${value}": a whole number of characters, 200 or more`);
  return size;
}

/** The policy fitted to the size, printed; what was widened (or what does not fit) said on standard error. */
async function printFitted(
  document: PolicyDocument,
  options: { maxSize: number | undefined; exact: boolean },
  global: GlobalOptions,
): Promise<void> {
  const [{ fitPolicy }, { MANAGED_POLICY_LIMIT, policySize }, { printJson }] = await Promise.all([
    import('../../governance/permissions-fit.js'),
    import('../../governance/permissions.js'),
    import('../output.js'),
  ]);
  const limit = options.maxSize ?? MANAGED_POLICY_LIMIT;
  const fitted = fitPolicy(document, options);
  printJson(options.exact ? { policies: fitted.policies } : (fitted.policies[0] as PolicyDocument), global);
  const say = (text: string) => process.stderr.write(`unitag: note: ${text}\n`);
  if (fitted.widened.length > 0) {
    const patterns = fitted.widened.map((w) => `${w.pattern} (${w.resources})`).join(', ');
    say(
      `to fit ${limit} characters, resources are named by patterns (widened from every ARN): ${patterns}; --exact keeps every ARN in several policies`,
    );
  }
  if (options.exact && fitted.policies.length > 1)
    say(`${fitted.policies.length} policies, each within ${limit} characters`);
  if (!fitted.fits) {
    const size = Math.max(...fitted.policies.map(policySize));
    say(`the policy is ${size} characters, more than ${limit} even so: split the job, or raise --max-size`);
  }
}

/** A tagger for commands that make no AWS call: no credentials are needed or checked. */
export async function offlineTagger(global: GlobalOptions): Promise<Tagger> {
  const { createTagger } = await import('../../tagger.js');
  return createTagger({ region: global.region, preferTaggingApi: global.taggingApi, onNotice });
}

function operationsOf(value: string): (keyof Permissions)[] {
  const names = value.split(',').map((s) => s.trim());
  const wrong = names.filter((n) => !OPERATIONS.includes(n as keyof Permissions));
  if (wrong.length > 0 || names.length === 0)
    throw new UsageError(`--for takes tag, untag and list, comma-separated: not "${wrong.join(',')}"`);
  return [...new Set(names as (keyof Permissions)[])];
}

// Every line of the job is checked as `plan` checks it; a bad line stops the command (a policy for part of a
// job would fail the run at the lines left out).
async function jobRequests(
  tagger: Tagger,
  file: string,
  rest: string[],
  format: Parameters<typeof formatOf>[1],
): Promise<PermissionRequest[]> {
  if (rest.length > 0) throw new UsageError('give one job file, or ARNs (each starting with arn:)');
  const [{ parseJob }, { requestsOfChange }, { readText }] = await Promise.all([
    import('../../jobs/job.js'),
    import('../../governance/permissions.js'),
    import('../common.js'),
  ]);
  const kind = await formatOf(file, format);
  const text = file === '-' ? await readStdin() : readText(file);
  const job = parseJob(text, kind, (change) => {
    const error = tagger.check(change);
    return error ? `${error.code}: ${error.message}` : undefined;
  });
  if (job.errors.length > 0) {
    const { printable } = await import('../render.js');
    for (const e of job.errors) process.stderr.write(`${file}:${e.line}: ${printable(e.message)}\n`);
    throw new UsageError(
      `${job.errors.length} bad line(s) in ${file}: fix them, then ask again (no policy printed)`,
    );
  }
  return job.changes.flatMap(requestsOfChange);
}
