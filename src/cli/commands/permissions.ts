import type { Command } from 'commander';
import type { Permissions } from '../../core/types.js';
import type { PermissionRequest } from '../../governance/permissions.js';
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
Needs no credentials and makes no AWS call. Prints an IAM policy document; a note on standard error when it is
longer than a managed policy may be (6,144 characters).`,
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
    .action(async (first: string, rest: string[], opts, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const tagger = await offlineTagger(global);
      // A job says what it will do: --for would be ignored there, so it is refused.
      if (!first.startsWith('arn:') && opts.for !== undefined)
        throw new UsageError('--for applies to ARNs; a job file says itself what it will do');
      const requests = first.startsWith('arn:')
        ? [first, ...rest].map((arn) => ({ arn, operations: operationsOf(opts.for ?? 'tag,untag,list') }))
        : await jobRequests(tagger, first, rest, opts.format);
      const [{ policySize, MANAGED_POLICY_LIMIT }, { printJson }] = await Promise.all([
        import('../../governance/permissions.js'),
        import('../output.js'),
      ]);
      const document = await tagger.permissions(requests, { bulk: global.taggingApi });
      printJson(document, global);
      const size = policySize(document);
      if (size > MANAGED_POLICY_LIMIT) {
        process.stderr.write(
          `unitag: the policy is ${size} characters, more than a managed policy's ${MANAGED_POLICY_LIMIT}: split the job, or attach it in parts\n`,
        );
      }
      done(EXIT.ok);
    });
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
