// The `unitag` command. Machine-readable output goes to standard output only; progress, errors and the
// summary go to standard error. Exit codes: 0 all succeeded, 1 some resources failed (or standard output could
// not be written, src/cli.ts), 2 bad usage or bad input (the valid part still runs), 130 interrupted.
// cli/ owns the commands (commands/*.ts), their options and output; it may import the tagger and every
// subsystem but testing/, and nothing imports it but src/cli.ts (the bin).
import { VERSION } from '../version.js';
import { withAccountOptions } from './account-options.js';
import { registerAccounts } from './commands/accounts.js';
import { registerApply } from './commands/apply.js';
import { registerCheck } from './commands/check.js';
import { registerExplain } from './commands/explain.js';
import { registerFind } from './commands/find.js';
import { registerLintPolicy } from './commands/lint-policy.js';
import { registerList } from './commands/list.js';
import { registerLocalStack } from './commands/localstack.js';
import { registerPermissions } from './commands/permissions.js';
import { registerPlan } from './commands/plan.js';
import { registerReport } from './commands/report.js';
import { registerTag } from './commands/tag.js';
import { registerUntag } from './commands/untag.js';
import {
  Command,
  CommanderError,
  EXIT,
  endpointUrl,
  isInputError,
  jmesPath,
  maxRate,
  Option,
  positiveInt,
  regionName,
  secondsFor,
  UsageError,
} from './common.js';
import { exitCodesOf, exitCodesText } from './help.js';

/** Runs the CLI with `argv` (without the node and script paths) and returns its exit code. */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    // Loaded only here: the renderer and the errors are not needed to start, nor for --help.
    const [{ isUnitagError }, { printable }] = await Promise.all([
      import('../core/errors.js'),
      import('./render.js'),
    ]);
    process.stderr.write(`unitag: ${printable(error instanceof Error ? error.message : String(error))}\n`);
    const usage = error instanceof UsageError || (isUnitagError(error) && isInputError(error));
    return usage ? EXIT.usage : EXIT.failed;
  }
}

/** The commands, in the order `unitag --help` lists them: each module registers its own. */
const COMMANDS = [
  registerTag,
  registerUntag,
  registerList,
  registerFind,
  registerPlan,
  registerApply,
  registerReport,
  registerLintPolicy,
  registerCheck,
  registerExplain,
  registerPermissions,
  registerAccounts,
  registerLocalStack,
];

/** The `unitag` program: its global options and one command per module; `done` receives the exit code. */
export function buildProgram(done: (code: number) => void): Command {
  const program = new Command('unitag')
    .description('Tag, untag, list and find AWS resources by ARN, across services, in bulk.')
    .version(VERSION)
    .option('--region <region>', 'region for ARNs without one (S3 buckets) and for find', (value) =>
      regionName(value),
    )
    .option('--profile <name>', 'AWS profile from ~/.aws/config and ~/.aws/credentials')
    .option(
      '--endpoint-url <url>',
      'one endpoint for every service, e.g. http://127.0.0.1:4566 (LocalStack)',
      endpointUrl,
    )
    .option(
      '--connect-timeout <seconds>',
      'seconds to wait for a connection; 0 waits forever',
      secondsFor('--connect-timeout', 'waits forever'),
      60,
    )
    .option(
      '--read-timeout <seconds>',
      'seconds to wait for an answer; 0 waits forever (a request is sent 3 times at most without one)',
      secondsFor('--read-timeout', 'waits forever'),
      60,
    )
    .option(
      '--query <jmespath>',
      'print what this JMESPath expression selects from the JSON output',
      jmesPath,
    )
    .option('--concurrency <n>', 'calls at once in bulk work, per service', positiveInt, 16)
    .addOption(
      new Option(
        '--max-rate <family=N>',
        "requests a second for a family of calls or a service (e.g. ec2:mutating=20, sns=5; N may be off), where your account's quotas differ from AWS's defaults; off lifts every limit; aws applies AWS's defaults (default, but for an endpoint on this machine, where none apply)",
      ).argParser(maxRate),
    )
    .option(
      '--retry-for <seconds>',
      'seconds a resource that AWS throttles (or that fails in passing) is retried for before it counts as failed; 0 leaves retries to the SDK (a request that gets no answer is sent 3 times at most, whatever this says)',
      secondsFor('--retry-for', 'no retry beyond the SDK'),
      300,
    )
    .option('--no-tagging-api', 'do not route bulk writes through the Resource Groups Tagging API')
    .option('--no-progress', 'no progress bar (it shows only when standard error is a terminal)');
  withAccountOptions(program)
    .addHelpText('after', `\n${exitCodesText(exitCodesOf())}`)
    .showHelpAfterError()
    .exitOverride();
  for (const register of COMMANDS) register(program, done);
  return program;
}
