import type { Command } from 'commander';
import type { ReadResult } from '../../report.js';
import {
  collect,
  type GlobalOptions,
  makeTagger,
  outputOption,
  print,
  regionName,
  splitTag,
} from '../common.js';

const EXAMPLES = `
Examples:
  $ unitag find --tag team=payments --type ec2:volume --regions us-east-1,eu-west-1
  $ unitag find --tag owner --output json        (any value of owner)`;

/** `unitag find --tag key[=value]`: prints tagged resources that match (the tagging API's GetResources). */
export function registerFind(program: Command): void {
  program
    .command('find')
    .description('print tagged resources that match tag filters (Resource Groups Tagging API)')
    .option('-t, --tag <key[=value]>', 'tag filter; a key alone matches any value (repeatable)', collect, [])
    .option(
      '--type <type>',
      'resource type filter, e.g. ec2:volume, s3, logs:log-group (repeatable)',
      collect,
      [],
    )
    .option('--regions <list>', 'comma-separated regions to search (default: --region)')
    .addOption(outputOption(['arn', 'table', 'json', 'csv'], 'arn', 'arn: one ARN per line, for piping'))
    .addHelpText('after', EXAMPLES)
    .action(async (opts, command: Command) => {
      const [{ renderTags }, { readReportToJson }, { printJson, wantsJson }] = await Promise.all([
        import('../../render.js'),
        import('../../report.js'),
        import('../output.js'),
      ]);
      const regions = opts.regions
        ? String(opts.regions).split(',').filter(Boolean).map(regionName)
        : undefined;
      const query = { tags: tagFilters(opts.tag), resourceTypes: opts.type, regions };
      const global = command.optsWithGlobals<GlobalOptions>();
      const tagger = await makeTagger(global);
      const started = Date.now();
      const json = wantsJson(opts.output, global);
      const found: ReadResult[] = [];
      for await (const { arn, tags } of tagger.find(query)) {
        if (opts.output === 'arn' && !json) print(arn);
        else found.push({ arn, outcome: 'read', tags });
      }
      if (json) {
        const totals = { total: found.length, read: found.length, failed: 0, skipped: 0 };
        const report = { results: found, totals, calls: tagger.calls, durationMs: Date.now() - started };
        printJson(readReportToJson(report, 'find'), global);
      } else if (opts.output !== 'arn') print(renderTags(found, opts.output));
    });
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
