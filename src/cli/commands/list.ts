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

const EXAMPLES = `
Examples:
  $ unitag list arn:aws:s3:::my-bucket arn:aws:ec2:us-east-1:123456789012:volume/vol-0abc
  $ unitag list --file arns.txt --output csv > tags.csv`;

/** `unitag list ARN...`: prints resources' tags. */
export function registerList(program: Command, done: (code: number) => void): void {
  arnSources(program.command('list').description("print resources' tags"))
    .addOption(outputOption())
    .addHelpText('after', EXAMPLES)
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
