import type {
  BulkReport,
  Command,
  JobIdentity,
  OutputJson,
  ReadResult,
  WriteResult,
} from '../jobs/report.js';
import { arnAccount, reportToJson, withAccounts } from '../jobs/report.js';
import { EXIT, exitCodeOf, type GlobalOptions, print, UsageError } from './common.js';
import { search } from './jmespath.js';
import { type OutputFormat, printable, renderReport, summary } from './render.js';

// Loaded by the commands when they run (never at start-up): it brings the renderer and the report shapes.

/** One failed resource, on standard error. */
export function errorLine(r: WriteResult | ReadResult): void {
  // An ARN or a key from the input may hold control characters: shown escaped, never sent to the terminal.
  process.stderr.write(
    `unitag: ${printable(r.arn)}: ${r.error?.code}: ${printable(r.error?.message ?? '')}\n`,
  );
}

/**
 * Prints a command's JSON: the envelope of the commands that read or write tags (schema/output.schema.json), the
 * document of the others, or what `--query` (JMESPath, as the AWS CLI takes it) selects from it.
 */
export function printJson(json: OutputJson | object, global: GlobalOptions): void {
  let value: unknown = acrossAccounts(json, global) ? withAccounts(json, json.job?.account) : json;
  if (global.query) {
    try {
      value = search(json, global.query);
    } catch (error) {
      throw new UsageError(`--query could not be applied: ${(error as Error).message}`);
    }
  }
  print(JSON.stringify(value, null, 2));
}

/**
 * True for the envelope of a run across accounts (`--accounts`, `--role-name`, or lines of several accounts): its
 * lines then carry their account, and the envelope the totals of each.
 */
function acrossAccounts(json: OutputJson | object, global: GlobalOptions): json is OutputJson {
  if (!('resources' in json && 'totals' in json) || 'accounts' in json) return false;
  if (global.accounts !== undefined || global.roleName !== undefined) return true;
  const accounts = new Set(json.resources.map((line) => line.account ?? arnAccount(line.arn)));
  accounts.delete('');
  return accounts.size > 1;
}

/** True when the command prints JSON: `--output json`, or any `--query`. */
export function wantsJson(format: string, global: GlobalOptions): boolean {
  return format === 'json' || global.query !== undefined;
}

/** Prints a write report in `format` on standard output, its summary and its failures on standard error. */
export function printReport(
  report: BulkReport,
  format: OutputFormat,
  global: GlobalOptions,
  command: Command,
  job?: JobIdentity,
): number {
  // The summary and the failures are said even when --query cannot be applied: the writes were made.
  let failedQuery: Error | undefined;
  try {
    if (wantsJson(format, global)) printJson(reportToJson(report, command, job), global);
    else print(renderReport(report, format));
  } catch (error) {
    failedQuery = error as Error;
  }
  process.stderr.write(`${summary(report)}\n`);
  for (const r of report.results) if (r.error) errorLine(r);
  if (failedQuery) {
    process.stderr.write(`unitag: ${failedQuery.message}\n`);
    return EXIT.usage;
  }
  return exitCodeOf(report.results);
}
