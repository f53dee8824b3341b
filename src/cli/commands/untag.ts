import type { Command } from 'commander';
import {
  arnSources,
  collect,
  type GlobalOptions,
  makeTagger,
  outputOption,
  readArns,
  UsageError,
  withProgress,
} from '../common.js';
import { type CommandHelp, withHelp } from '../help.js';

/** The help after the options (with its exit codes): `--help` prints it, docs/reference/cli.md shows it. */
const HELP: CommandHelp = {
  text: `
Examples:
  $ unitag untag arn:aws:sqs:eu-west-1:123456789012:jobs --key stage
  $ unitag untag --file arns.txt --key temp --key scratch`,
};

/** `unitag untag ARN... --key key ...`: removes tags. */
export function registerUntag(program: Command, done: (code: number) => void): void {
  arnSources(withHelp(program.command('untag'), HELP).description('remove tags from resources'))
    .option('-k, --key <key>', 'a key to remove (repeatable)', collect, [])
    .addOption(outputOption())
    .action(async (args: string[], opts, command: Command) => {
      const { printReport } = await import('../output.js');
      if (opts.key.length === 0) throw new UsageError('give at least one --key');
      const arns = await readArns(args, opts.file);
      const global = command.optsWithGlobals<GlobalOptions>();
      const tagger = await makeTagger(global);
      const report = await withProgress(global, arns.length, (onProgress) =>
        tagger.untagMany(arns, opts.key, { onProgress }),
      );
      done(printReport(report, opts.output, global, 'untag'));
    });
}
