import { eastAsianWidth } from 'get-east-asian-width';
import { hasTag } from '../core/shapes.js';
import type { Tags } from '../core/types.js';
import { declaredAt, type IacNote } from '../iac/reverts.js';
import type { Plan, PlanEntry } from '../jobs/plan.js';
import type { BulkReport, ReadResult, WriteResult } from '../jobs/report.js';

/** Output formats of the CLI. */
export type OutputFormat = 'table' | 'json' | 'csv';

// C0 and C1 control characters, DEL included.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Text as a terminal may show it: a key or value holding a control character (EC2 allows any) is shown as a JSON
 * string, so that a newline in a key cannot add lines that look like unitag's own output.
 */
export function printable(text: string): string {
  return CONTROL.test(text) ? JSON.stringify(text) : text;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * The columns a terminal shows `text` in: East Asian wide and fullwidth characters take two, combining marks
 * none, every other character one.
 */
export function displayWidth(text: string): number {
  // Printable ASCII, what nearly every cell holds, is one column a character.
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let width = 0;
  for (const character of text) {
    const code = character.codePointAt(0) as number;
    if (/\p{Mn}|\p{Me}/u.test(character)) continue;
    width += eastAsianWidth(code, { ambiguousAsWide: false });
  }
  return width;
}

/** Aligned columns, header first; cells are made printable. */
export function table(header: string[], body: string[][]): string {
  const rows = body.map((row) => row.map(printable));
  // Columns align by the width a terminal shows (a CJK character takes two columns), not by string length;
  // widths are found with a loop, as a spread of many rows would overflow the stack.
  const widths = header.map((h) => displayWidth(h));
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell));
  }
  const pad = (cell: string, width: number) => cell + ' '.repeat(Math.max(0, width - displayWidth(cell)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : pad(cell, widths[i] as number)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** One CSV field: quoted when it must be, and always when empty, so `""` reads back as an empty value. */
export function csvField(value: string): string {
  return value === '' || /[",\r\n]/.test(value) || value !== value.trim()
    ? `"${value.replaceAll('"', '""')}"`
    : value;
}

/** CSV text, header first, one line per row. */
export function csv(header: string[], rows: string[][]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n');
}

/** `list` output: a row per tag. */
export function renderTags(results: ReadResult[], format: OutputFormat): string {
  const ok = results.filter((r) => r.tags);
  if (format === 'json')
    return JSON.stringify(
      ok.map((r) => ({ arn: r.arn, tags: r.tags })),
      null,
      2,
    );
  const rows = ok.flatMap((r) => Object.entries(r.tags as Tags).map(([k, v]) => [r.arn, k, v]));
  if (format === 'csv') return csv(['arn', 'key', 'value'], rows);
  // Nothing read (every ARN failed, each said on standard error): no table, not a header over no rows.
  if (ok.length === 0) return '';
  const untagged = ok
    .filter((r) => Object.keys(r.tags as Tags).length === 0)
    .map((r) => [r.arn, '(no tags)', '']);
  return table(['ARN', 'KEY', 'VALUE'], [...rows, ...untagged]);
}

/** A write report, one line per resource. */
export function renderReport(report: BulkReport, format: OutputFormat): string {
  const { results } = report;
  if (format === 'json') return '';
  const detail = (r: WriteResult) =>
    r.error ? `${r.error.code}: ${r.error.message}` : changes(r.before, r.after);
  if (format === 'csv') {
    const rows = results.map((r) => [r.arn, r.outcome, r.error?.code ?? '', r.error?.message ?? '']);
    return csv(['arn', 'outcome', 'error_code', 'error_message'], rows);
  }
  return table(
    ['ARN', 'OUTCOME', 'DETAIL'],
    results.map((r) => [r.arn, r.outcome, detail(r)]),
  );
}

/** What changed between two tag sets, in one line: `+a=1 ~b: x -> y -c`. */
export function changes(before: Tags | undefined, after: Tags | undefined): string {
  if (!before || !after) return '';
  return diffLines(before, after)
    .map((d) => d.trim())
    .join(' ');
}

/** The per-resource diff of a plan, and a summary line. */
export function renderPlan(plan: Plan): string {
  return `${renderPlanEntries(plan)}\n\n${planSummary(plan)}`;
}

/** The closing line of a plan. */
export function planSummary(plan: { totals: Plan['totals']; calls: number }): string {
  const t = plan.totals;
  // Conflicts: renames or copies onto a key the resource already carries with another value.
  const conflicts = t.conflicts > 0 ? `, ${t.conflicts} with conflicts (--on-conflict)` : '';
  return `Plan: ${t.change} to change, ${t.noop} unchanged, ${t.failed} failed${conflicts} (read calls: ${plan.calls}). Nothing was written.`;
}

/** The per-resource diff of a plan's entries. */
export function renderPlanEntries(plan: Plan): string {
  const blocks = plan.entries.map((e: PlanEntry) => {
    const title = `${e.arn}${e.versionId ? ` (version ${e.versionId})` : ''}`;
    if (e.status === 'failed')
      return `! ${title}\n    ${e.error?.code}: ${printable(e.error?.message ?? '')}`;
    if (e.status === 'noop') return `= ${title}\n    (no change)`;
    const undone = e.iac && e.iac.reverts.length > 0 ? `\n    [IaC] ${undoneBy(e.iac)}` : '';
    return `~ ${title}${e.iac ? ' [IaC]' : ''}\n${diffLines(e.before ?? {}, e.after ?? {}).join('\n')}${undone}`;
  });
  return blocks.join('\n');
}

/** What a tool's next run does to an entry's change, in words. */
export function undoneBy(note: IacNote): string {
  const run = (n: IacNote) =>
    n.tool === 'terraform' ? 'apply' : n.tool === 'pulumi' ? 'up' : 'stack update';
  const also = (note.also ?? []).map((n) =>
    n.reverts.length > 0
      ? `; ${declaredAt(n)} undoes ${n.reverts.join(', ')} too`
      : `; also declared by ${declaredAt(n)}`,
  );
  return `${declaredAt(note)} undoes ${note.reverts.join(', ')} at its next ${run(note)}${also.join('')}`;
}

/** The summary of the changes tools would undo, per tool: `3 changes will be undone by Terraform ...`. */
export function iacSummary(
  undone: ReadonlyMap<IacNote['tool'], { count: number; names: string[] }>,
): string[] {
  const tools = {
    terraform: 'Terraform at its next apply',
    pulumi: 'Pulumi at its next up',
    cloudformation: "CloudFormation at the stacks' next update",
  };
  return [...undone].map(([tool, { count, names }]) => {
    const more = count > names.length ? `, and ${count - names.length} more` : '';
    return `${count} change${count === 1 ? '' : 's'} will be undone by ${tools[tool]}: ${names.join(', ')}${more}. Change the tags in the code (docs/iac.md), or apply with --iac refuse to leave them out.`;
  });
}

/** A plan as CSV: a row per key it changes (`+` set, `~` changed, `-` removed), one per resource otherwise. */
export function renderPlanCsv(plan: Plan): string {
  const rows = plan.entries.flatMap((e: PlanEntry) => {
    const base = [e.arn, e.versionId ?? '', e.status];
    if (e.status !== 'change')
      return [[...base, '', '', '', '', e.error?.code ?? '', e.error?.message ?? '']];
    const before = e.before ?? {};
    const after = e.after ?? {};
    const changed = Object.keys(e.set).map((k) => [
      hasTag(before, k) ? '~' : '+',
      k,
      before[k] ?? '',
      after[k] ?? '',
    ]);
    const removed = e.remove.map((k) => ['-', k, before[k] ?? '', '']);
    return [...changed, ...removed].map((change) => [...base, ...change, '', '']);
  });
  return csv(
    ['arn', 'version_id', 'status', 'change', 'key', 'before', 'after', 'error_code', 'error_message'],
    rows,
  );
}

function diffLines(before: Tags, after: Tags): string[] {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(after)) {
    if (!hasTag(before, k)) lines.push(`    + ${printable(k)} = ${JSON.stringify(v)}`);
    else if (before[k] !== v)
      lines.push(`    ~ ${printable(k)}: ${JSON.stringify(before[k])} -> ${JSON.stringify(v)}`);
  }
  for (const k of Object.keys(before))
    if (!hasTag(after, k)) lines.push(`    - ${printable(k)} (was ${JSON.stringify(before[k])})`);
  return lines;
}

/** The closing summary of a run. */
export function summary(report: BulkReport): string {
  const t = report.totals;
  const seconds = (report.durationMs / 1000).toFixed(1);
  return `${t.changed} changed, ${t.unchanged} unchanged, ${t.failed} failed, ${t.skipped} skipped; ${report.calls} calls, ${seconds} s`;
}
