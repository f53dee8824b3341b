import type { LintResult } from '../../governance/policy-lint.js';
import {
  type Command,
  collect,
  EXIT,
  type GlobalOptions,
  Option,
  outputOption,
  print,
  readStdin,
  readText,
  UsageError,
} from '../common.js';
import { type CommandHelp, withHelp } from '../help.js';

/** The help after the options (with its exit codes): `--help` prints it, docs/reference/cli.md shows it. */
const HELP: CommandHelp = {
  text: `
Examples:
  $ unitag lint-policy policy.json
  $ unitag lint-policy policy.json --protect project --protect team --output json
  $ aws iam get-policy-version --policy-arn ARN --version-id v1 --query PolicyVersion.Document | unitag lint-policy -
  $ unitag lint-policy policy.json --output sarif > lint.sarif   (for GitHub code scanning)
  $ unitag lint-policy policy.json --fail-on warning             (exit 1 on warnings too)
  $ unitag lint-policy app.json shared.json --boundary boundary.json --scp deny-tags.json
                                   (a hole counts only where the boundary and every SCP let it through)`,
  exitCodes: {
    0: 'no finding at or above --fail-on (default: no error)',
    1: 'findings at or above --fail-on (default: an error)',
    2: 'a policy cannot be read (not JSON, not a policy, an unknown action), - is given twice, or --protect is not a tag key a principal could change (empty, or aws:...)',
  },
};

/**
 * `unitag lint-policy POLICY.json... [--boundary B] [--scp S]... [--resource-policy R] [--protect KEY]...`: static
 * ABAC checks of IAM policies, offline.
 */
export function registerLintPolicy(program: Command, done: (code: number) => void): void {
  withHelp(program.command('lint-policy'), HELP)
    .description('check IAM identity policies for holes in tag-based access control (no AWS call)')
    .argument('<policy...>', 'identity policy documents (JSON), read together; - for standard input')
    .option('--boundary <file>', 'the permissions boundary: a hole counts only where it allows it too')
    .option('--scp <file>', 'a service control policy (repeatable): each must allow a hole too', collect, [])
    .option(
      '--resource-policy <file>',
      'a resource-based policy: its Allows grant as the identity policies do',
    )
    .option(
      '--protect <key>',
      'a tag key that grants access (repeatable); default: the keys the policy compares to ${aws:PrincipalTag/...}',
      collect,
      [],
    )
    .addOption(outputOption(['table', 'json', 'sarif'], 'table'))
    .addOption(
      new Option('--fail-on <level>', 'the findings that make the exit code 1')
        .choices(['error', 'warning', 'never'])
        .default('error'),
    )
    .action(async (files: string[], opts: LintOptions, command: Command) => {
      if (opts.protect.some((key) => key.trim() === '')) throw new UsageError('--protect takes a tag key');
      const all = [...files, opts.boundary, ...opts.scp, opts.resourcePolicy].filter((f) => f !== undefined);
      if (all.filter((f) => f === '-').length > 1)
        throw new UsageError('- (standard input) can be given once');
      const several = all.length > 1;
      const nameOf = (file: string) => (file === '-' ? 'policy.json' : file);
      const read = async (file: string) => ({
        name: nameOf(file),
        policy: file === '-' ? await readStdin() : readText(file),
      });
      const { lintPolicies, lintPolicy } = await import('../../governance/policy-lint.js');
      const result = several
        ? await lintPolicies(
            {
              identity: await Promise.all(files.map(read)),
              ...(opts.boundary === undefined ? {} : { boundary: await read(opts.boundary) }),
              scps: await Promise.all(opts.scp.map(read)),
              ...(opts.resourcePolicy === undefined
                ? {}
                : { resourcePolicy: await read(opts.resourcePolicy) }),
            },
            { protect: opts.protect },
          )
        : await lintPolicy((await read(files[0] as string)).policy, { protect: opts.protect });
      const global = command.optsWithGlobals<GlobalOptions>();
      const first = nameOf(files[0] as string);
      if (opts.output === 'sarif') {
        const { sarifLog } = await import('../lint-sarif.js');
        print(JSON.stringify(sarifLog(result, first), null, 2));
      } else if (opts.output === 'json' || global.query !== undefined) await printJson(result, all, global);
      else await printTable(result);
      process.stderr.write(`${summary(result)}\n`);
      done(failing(result, opts.failOn) ? EXIT.failed : EXIT.ok);
    });
}

interface LintOptions {
  protect: string[];
  boundary?: string;
  scp: string[];
  resourcePolicy?: string;
  output: string;
  failOn: 'error' | 'warning' | 'never';
}

/** Whether the findings fail the command: errors by default, any finding with `warning`, none with `never`. */
function failing({ findings }: LintResult, failOn: LintOptions['failOn']): boolean {
  if (failOn === 'never') return false;
  return findings.some((f) => failOn === 'warning' || f.severity === 'error');
}

async function printJson(result: LintResult, files: string[], global: GlobalOptions): Promise<void> {
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const document = {
    command: 'lint-policy',
    policy: files[0],
    ...(files.length > 1 ? { policies: files } : {}),
    protectedKeys: result.protectedKeys,
    inferred: result.inferred,
    findings: result.findings,
    ...(result.closed ? { closed: result.closed } : {}),
    totals: { findings: result.findings.length, errors, warnings: result.findings.length - errors },
  };
  let value: unknown = document;
  if (global.query !== undefined) {
    const { search } = await import('../jmespath.js');
    try {
      value = search(document, global.query);
    } catch (error) {
      throw new UsageError(`--query could not be applied: ${(error as Error).message}`);
    }
  }
  print(JSON.stringify(value, null, 2));
}

async function printTable(result: LintResult): Promise<void> {
  if (result.findings.length === 0) return;
  const { table } = await import('../render.js');
  const rows = result.findings.map((f) => {
    const where = [
      f.statement.sid && `Sid ${f.statement.sid}`,
      f.statement.line && `line ${f.statement.line}`,
    ];
    const details = where.filter(Boolean).join(', ');
    return [
      f.rule,
      f.severity,
      `${f.statement.policy ? `${f.statement.policy} ` : ''}Statement[${f.statement.index}]${details ? ` (${details})` : ''}`,
      f.message,
    ];
  });
  print(table(['RULE', 'SEVERITY', 'STATEMENT', 'MESSAGE'], rows));
}

function summary({ findings, protectedKeys, inferred, closed = [] }: LintResult): string {
  const keys =
    protectedKeys.length === 0
      ? 'protected tag keys: none found in the policy (give --protect KEY to check one)'
      : `protected tag keys: ${protectedKeys.join(', ')}${inferred ? ' (inferred from the policy; --protect KEY chooses)' : ''}`;
  const errors = findings.filter((f) => f.severity === 'error').length;
  const count =
    findings.length === 0
      ? 'no findings'
      : `${findings.length} finding${findings.length === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${findings.length - errors} warning${findings.length - errors === 1 ? '' : 's'})`;
  const shut =
    closed.length === 0
      ? ''
      : `\n${closed.length} more closed by another policy: ${closed.map((c) => `${c.rule} (${c.closedBy})`).join(', ')}`;
  return `${keys}\n${count}${shut}`;
}
