import type { Command } from 'commander';
import type { Explanation } from '../../governance/explain.js';
import { arnSources, EXIT, type GlobalOptions, outputOption, print, readArns } from '../common.js';
import { type CommandHelp, withHelp } from '../help.js';

/** The help after the options (with its exit codes): `--help` prints it, docs/reference/cli.md shows it. */
const HELP: CommandHelp = {
  text: `
Examples:
  $ unitag explain arn:aws:s3:::logs/2026/app.log
  $ unitag explain arn:aws:iam::123456789012:role/deploy --output json
Needs no credentials and makes no AWS call.`,
  exitCodes: {
    0: 'every ARN explained',
    1: 'standard output could not be written',
    2: 'an ARN that does not parse or that unitag cannot tag (each named on standard error; the others are still explained)',
  },
};

/** `unitag explain ARN...`: how unitag tags each resource and how AWS's ABAC treats it. */
export function registerExplain(program: Command, done: (code: number) => void): void {
  arnSources(
    withHelp(program.command('explain'), HELP).description(
      "show each resource's tagging calls, IAM actions, ABAC condition keys and quirks",
    ),
  )
    .addOption(outputOption(['text', 'json'], 'text'))
    .action(async (args: string[], opts, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const [{ offlineTagger }, { printJson, wantsJson }, { isUnitagError }, { printable }] =
        await Promise.all([
          import('./permissions.js'),
          import('../output.js'),
          import('../../core/errors.js'),
          import('../render.js'),
        ]);
      const tagger = await offlineTagger(global);
      const explained: Explanation[] = [];
      let bad = 0;
      // Every ARN is explained or refused: a bad one is said on standard error, and the others still explained.
      for (const arn of await readArns(args, opts.file)) {
        try {
          explained.push(await tagger.explain(arn));
        } catch (error) {
          if (!isUnitagError(error)) throw error;
          bad++;
          process.stderr.write(`unitag: ${printable(arn)}: ${error.code}: ${printable(error.message)}\n`);
        }
      }
      if (wantsJson(opts.output, global)) printJson({ command: 'explain', resources: explained }, global);
      else if (explained.length > 0) print(explained.map(renderExplanation).join('\n\n'));
      done(bad > 0 ? EXIT.usage : EXIT.ok);
    });
}

/** One explanation as text: a block of labelled lines. */
export function renderExplanation(e: Explanation): string {
  const list = (values: string[]) => (values.length > 0 ? values.join(', ') : 'none');
  const lines = [
    e.arn,
    `  type            ${e.type} (IAM resource type: ${e.iamResourceType?.name ?? 'unknown'}; adapter: ${e.adapter})`,
    `  tag             ${list(e.actions.tag)}`,
    `  untag           ${list(e.actions.untag)}`,
    `  list            ${list(e.actions.list)}`,
  ];
  if (e.bulkActions) {
    lines.push(
      `  bulk tag        ${list(e.bulkActions.tag)}`,
      `  bulk untag      ${list(e.bulkActions.untag)}`,
      `  bulk list       ${list(e.bulkActions.list)}`,
    );
  }
  lines.push(
    `  ABAC            ${e.abac.supported ? 'yes' : 'no'}: resource tags ${list(e.abac.resourceKeys)}; request tags ${list(e.abac.requestKeys)}`,
    `  keys            ${e.caseInsensitiveKeys ? 'case-insensitive' : 'case-sensitive'}; at most ${e.maxTags} tags${e.replacesWholeSet ? '; every write replaces the whole set' : ''}`,
  );
  for (const w of e.warnings) lines.push(`  warning: ${w}`);
  for (const x of e.exceptions) lines.push(`  note ${x.id}: ${x.text}`, `       source: ${x.source}`);
  return lines.join('\n');
}
