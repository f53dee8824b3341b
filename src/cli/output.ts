import { search } from '../jmespath.js';
import { type OutputFormat, renderReport, summary } from '../render.js';
import type { BulkReport, Command, JobIdentity, OutputJson } from '../report.js';
import { reportToJson } from '../report.js';
import { errorLine, exitCodeOf, type GlobalOptions, print } from './common.js';

/**
 * Prints a command's JSON: the one envelope of every command (schema/output.schema.json), or what `--query`
 * (JMESPath, as the AWS CLI takes it) selects from it.
 */
export function printJson(json: OutputJson, global: GlobalOptions): void {
  const value = global.query ? search(json, global.query) : json;
  print(JSON.stringify(value, null, 2));
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
  if (wantsJson(format, global)) printJson(reportToJson(report, command, job), global);
  else print(renderReport(report, format));
  process.stderr.write(`${summary(report)}\n`);
  for (const r of report.results) if (r.error) errorLine(r);
  return exitCodeOf(report.results);
}
