import type { Command } from 'commander';
import {
  arnSources,
  collect,
  type GlobalOptions,
  makeTagger,
  outputOption,
  parseTags,
  readArns,
  withProgress,
} from '../common.js';
import { type CommandHelp, withHelp } from '../help.js';

/** The help after the options (with its exit codes): `--help` prints it, docs/reference/cli.md shows it. */
const HELP: CommandHelp = {
  text: `
Examples:
  $ unitag tag arn:aws:sns:us-east-1:123456789012:orders --tag team=payments --tag stage=prod
  $ unitag find --tag team=payments | unitag tag - --tag owner=platform
  $ unitag tag --file arns.txt --tag cost-center=cc-42 --output json`,
};

/** `unitag tag ARN... --tag key=value ...`: adds or overwrites tags. */
export function registerTag(program: Command, done: (code: number) => void): void {
  arnSources(withHelp(program.command('tag'), HELP).description('add or overwrite tags on resources'))
    .option('-t, --tag <key=value>', 'a tag to set (repeatable)', collect, [])
    .addOption(outputOption())
    .action(async (args: string[], opts, command: Command) => {
      const { printReport } = await import('../output.js');
      const tags = await parseTags(opts.tag);
      const arns = await readArns(args, opts.file);
      const global = command.optsWithGlobals<GlobalOptions>();
      const tagger = await makeTagger(global);
      const report = await withProgress(global, arns.length, (onProgress) =>
        tagger.tagMany(arns, tags, { onProgress }),
      );
      done(printReport(report, opts.output, global, 'tag'));
    });
}
