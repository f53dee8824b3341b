import { type Command, Option } from './common.js';
// `plan`/`apply --arn-column NAME`: a CSV that lists resources (a console export, whose ARN column is named
// `ARN`, `Identifier` or `resource_arn`) read as a job that makes one change, given by --action, --key and
// --value, to each resource it lists. Its other columns are left alone.
import { type JobLine, jobHeader, jobLineOf, jobRow } from './find-job.js';
import { UsageError } from './usage-error.js';

/** The options that read a list of resources as a job. */
export interface ListOptions {
  arnColumn?: string | undefined;
  action?: string | undefined;
  key?: string | undefined;
  value?: string | undefined;
}

/** Adds `--arn-column`, `--action`, `--key` and `--value` to a command that reads a job. */
export function listOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--arn-column <name>',
        'read FILE as a CSV list of resources (a console export) whose column NAME holds the ARNs',
      ),
    )
    .addOption(
      new Option('--action <action>', 'with --arn-column: the change to each resource (default set)').choices(
        ['set', 'set-if-absent', 'remove', 'rename', 'copy-from'],
      ),
    )
    .option('--key <key>', 'with --arn-column: the tag key the change acts on')
    .option('--value <value>', 'with --arn-column: the value (rename: the new key; copy-from: the ARN)');
}

/** The job line for every resource of the list, or undefined when FILE is a job; bad usage throws. */
export function listLineOf(opts: ListOptions, format: string | undefined): JobLine | undefined {
  if (opts.arnColumn === undefined) {
    if (opts.action !== undefined || opts.key !== undefined || opts.value !== undefined) {
      throw new UsageError(
        '--action, --key and --value name the change to each resource of a list: give --arn-column NAME too',
      );
    }
    return undefined;
  }
  if (format !== undefined && format !== 'csv') {
    throw new UsageError(`--arn-column reads a CSV list of resources, not --format ${format}`);
  }
  if (opts.key === undefined && opts.action !== 'copy-from') {
    throw new UsageError('--arn-column needs the change to make: --key (with --action and --value)');
  }
  return jobLineOf({ ...opts, output: 'job' });
}

/**
 * The CSV job a list of resources makes: each record's ARN cell with `line`, each on the line where its record
 * starts in the list (blank lines between), so that a message about a job line names the list's own line.
 */
export async function jobFromList(text: string, column: string, line: JobLine): Promise<string> {
  const { parse } = (await import('csv-parse/sync')) as typeof import('csv-parse/sync');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    throw new UsageError(`the list of resources is not CSV: ${(error as Error).message}`);
  }
  const header = records.shift();
  const at = columnOf(header?.record ?? [], column);
  const out = [jobHeader()];
  for (const { record, info } of records) {
    const start = info.lines - record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    while (out.length < start - 1) out.push('');
    out.push(jobRow((record[at] ?? '').trim(), line));
  }
  return `${out.join('\n')}\n`;
}

/** Where the column is: its name as written, else its name in another case (one column only). */
function columnOf(names: string[], column: string): number {
  const exact = names.indexOf(column);
  if (exact !== -1) return exact;
  const folded = names.flatMap((name, i) => (name.toLowerCase() === column.toLowerCase() ? [i] : []));
  if (folded.length === 1) return folded[0] as number;
  const listed = names.length > 0 ? names.map((name) => JSON.stringify(name)).join(', ') : 'none';
  throw new UsageError(
    `--arn-column "${column}": the list has ${folded.length > 1 ? 'several such columns' : 'no such column'}; its columns: ${listed}`,
  );
}
