import type { Command } from 'commander';
import {
  arnSources,
  exitCodeOf,
  type GlobalOptions,
  makeTagger,
  outputOption,
  print,
  readArns,
} from '../common.js';
import { type CommandHelp, withHelp } from '../help.js';

/** The help after the options (with its exit codes): `--help` prints it, docs/reference/cli.md shows it. */
const HELP: CommandHelp = {
  text: `
Examples:
  $ unitag list arn:aws:s3:::my-bucket arn:aws:ec2:us-east-1:123456789012:volume/vol-0abc
  $ unitag list --file arns.txt --output csv > tags.csv`,
};

/** `unitag list ARN...`: prints resources' tags. */
export function registerList(program: Command, done: (code: number) => void): void {
  arnSources(withHelp(program.command('list'), HELP).description("print resources' tags"))
    .addOption(outputOption())
    .action(async (args: string[], opts, command: Command) => {
      const [{ renderTags }, { readReportToJson }, { errorLine, printJson, wantsJson }] = await Promise.all([
        import('../render.js'),
        import('../../jobs/report.js'),
        import('../output.js'),
      ]);
      const arns = await readArns(args, opts.file);
      const global = command.optsWithGlobals<GlobalOptions>();
      const report = await (await makeTagger(global)).listMany(arns);
      // JSON carries every resource, failures with their error; table and CSV the tags, failures on stderr.
      if (wantsJson(opts.output, global)) printJson(readReportToJson(report, 'list'), global);
      else print(renderTags(report.results, opts.output));
      for (const r of report.results) if (r.error) errorLine(r);
      done(exitCodeOf(report.results));
    });
}
