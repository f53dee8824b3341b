import type { Plan } from '../plan.js';
import { type OutputFormat, renderReport, summary } from '../render.js';
import { type BulkReport, reportToJson } from '../report.js';
import { errorLine, exitCodeOf, print } from './common.js';

/** Prints a write report in `format` on standard output, its summary and its failures on standard error. */
export function printReport(report: BulkReport, format: OutputFormat): number {
  print(format === 'json' ? JSON.stringify(reportToJson(report), null, 2) : renderReport(report, format));
  process.stderr.write(`${summary(report)}\n`);
  for (const r of report.results) if (r.error) errorLine(r);
  return exitCodeOf(report.results);
}

/** A plan as JSON: entries with their errors as `toJSON()`. */
export function planToJson(plan: Plan) {
  return {
    totals: plan.totals,
    calls: plan.calls,
    entries: plan.entries.map(({ error, ...e }) => ({ ...e, ...(error ? { error: error.toJSON() } : {}) })),
  };
}
