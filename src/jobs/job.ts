import { createRequire } from 'node:module';
import type { Options } from 'csv-parse/sync';
import { parseArn } from '../core/arn.js';
import { newTags } from '../core/shapes.js';
import type { Change } from './plan-change.js';

/**
 * Checks one line's change against its resource's rules, with no AWS call (the tagger's `check`): what is wrong,
 * or undefined. A line it refuses is a bad line, reported with its number (`line`, as in `JobError`), and never
 * merged with the others.
 */
export type CheckChange = (change: Change, line: number) => string | undefined;

/** Formats of a job file. */
export type JobFormat = 'json' | 'ndjson' | 'csv';

/** A line of a job file that cannot be carried out, and why. */
export interface JobError {
  /** 1-based line number (NDJSON, CSV), or the entry's position for a JSON array. */
  line: number;
  message: string;
}

/** A parsed job: the valid changes, and the bad lines left out of it. */
export interface Job {
  changes: Change[];
  errors: JobError[];
}

/** The format a file name implies: `.json`, `.ndjson`/`.jsonl`, `.csv`. */
export function jobFormat(path: string): JobFormat | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.csv')) return 'csv';
  return undefined;
}

/** Parses a job. A bad line is reported in `errors` and left out; it never stops the valid lines. */
export function parseJob(input: string, format: JobFormat, check?: CheckChange): Job {
  // A byte-order mark (as some editors write one) is not part of the job.
  const text = withoutBom(input);
  if (format === 'csv') return parseCsvJob(text, check);
  const changes: Change[] = [];
  const errors: JobError[] = [];
  const take = (value: unknown, line: number) => {
    // With a check, the check resolves each ARN (once, for the plan too): the parser only sees one is there.
    const result = toChange(value, check !== undefined);
    const problem = typeof result === 'string' ? result : check?.(result, line);
    if (problem !== undefined) errors.push({ line, message: problem });
    else changes.push(result as Change);
  };
  if (format === 'ndjson') {
    for (const [i, raw] of text.split(/\r?\n/).entries()) {
      if (raw.trim() === '' || raw.trimStart().startsWith('//')) continue;
      if (raw.length > MAX_LINE) {
        errors.push({
          line: i + 1,
          message: `longer than ${MAX_LINE} characters: no job line needs that many`,
        });
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (error) {
        errors.push({ line: i + 1, message: `not JSON: ${(error as Error).message}` });
        continue;
      }
      take(value, i + 1);
    }
    return { changes, errors };
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return {
      changes,
      errors: [{ line: jsonErrorLine(text, error as Error), message: (error as Error).message }],
    };
  }
  const list = Array.isArray(document) ? document : (document as { changes?: unknown })?.changes;
  if (!Array.isArray(list)) {
    return {
      changes,
      errors: [{ line: 1, message: 'a JSON job is an array of changes, or { "changes": [...] }' }],
    };
  }
  for (const [i, value] of list.entries()) take(value, i + 1);
  return { changes, errors };
}

const FIELDS = new Set(['arn', 'versionId', 'set', 'remove', 'rename', 'setIfAbsent', 'copyFrom']);
const OPERATIONS = ['set', 'remove', 'rename', 'setIfAbsent', 'copyFrom'];

/** Checks one change object; returns it, or what is wrong with it. */
export function toChange(value: unknown, arnsChecked = false): Change | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'a change must be a JSON object';
  const change = value as Record<string, unknown>;
  const unknown = Object.keys(change).filter((k) => !FIELDS.has(k));
  if (unknown.length > 0) return `unknown field(s) ${unknown.join(', ')} (known: ${[...FIELDS].join(', ')})`;
  const arnProblem = checkArn(change.arn, !arnsChecked);
  if (arnProblem) return arnProblem;
  if (change.versionId !== undefined && typeof change.versionId !== 'string')
    return '"versionId" must be a string';
  for (const field of ['set', 'setIfAbsent', 'rename']) {
    const map = change[field];
    if (map === undefined) continue;
    if (typeof map !== 'object' || map === null || Array.isArray(map)) return `"${field}" must be an object`;
    for (const [k, v] of Object.entries(map)) {
      if (typeof v !== 'string') return `"${field}.${k}" must be a string (write "" for an empty value)`;
    }
  }
  if (change.remove !== undefined && !isStringArray(change.remove))
    return '"remove" must be an array of keys';
  const copy = change.copyFrom;
  if (copy !== undefined) {
    const source = typeof copy === 'string' ? copy : (copy as { arn?: unknown })?.arn;
    const problem = checkArn(source, !arnsChecked);
    if (problem) return `"copyFrom": ${problem}`;
    const keys = typeof copy === 'object' ? (copy as { keys?: unknown }).keys : undefined;
    if (keys !== undefined && !isStringArray(keys)) return '"copyFrom.keys" must be an array of keys';
  }
  if (!OPERATIONS.some((op) => change[op] !== undefined))
    return `nothing to do: give one of ${OPERATIONS.join(', ')}`;
  return change as unknown as Change;
}

/** One CSV row's operation as a change of its own. */
function rowChange(
  arn: string,
  versionId: string | undefined,
  action: string,
  key: string,
  value: string,
): Change {
  const change: Change = versionId === undefined ? { arn } : { arn, versionId };
  if (action === 'remove') change.remove = [key];
  else if (action === 'copy-from')
    change.copyFrom = key === '' ? { arn: value.trim() } : { arn: value.trim(), keys: [key] };
  else {
    const one = newTags();
    one[key] = value;
    change[action === 'set-if-absent' ? 'setIfAbsent' : (action as 'set' | 'rename')] = one;
  }
  return change;
}

/** What is wrong with an ARN field: missing, or (with `parse`) not an ARN. */
function checkArn(arn: unknown, parse: boolean): string | undefined {
  if (typeof arn !== 'string' || arn === '') return '"arn" is missing';
  if (!parse) return undefined;
  try {
    parseArn(arn);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function jsonErrorLine(text: string, error: Error): number {
  const position = /position (\d+)/.exec(error.message)?.[1];
  return position === undefined ? 1 : text.slice(0, Number(position)).split('\n').length;
}

/**
 * A CSV record: the line it starts on, its cells' text and, when a cell was quoted, which were (so `""` differs
 * from an empty cell); or why it cannot be read.
 */
type CsvRecord = { line: number; cells: string[]; quoted?: boolean[] } | { line: number; error: string };

/**
 * The most characters one job line can need: an ARN (2,048), a key (128 characters, 4 bytes each at most), a
 * value (256), a version id and the commas and quotes around them. A longer line is refused before it is parsed.
 */
export const MAX_LINE = 16_384;

/**
 * Splits CSV text into records with csv-parse, one line a record: a quoted value may hold commas and doubled
 * quotes, but no line break (a value with one needs a JSON job), so a quote left open can never join lines, and
 * one bad line never swallows or changes another. A line that cannot be read (a quote never closed, a stray
 * quote, more than {@link MAX_LINE} characters) is reported with its line number.
 */
export function parseCsv(text: string): CsvRecord[] {
  const lines = withoutBom(text).split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const records: CsvRecord[] = [];
  for (const [i, record] of lines.entries()) {
    const line = i + 1;
    if (record.length > MAX_LINE) {
      records.push({ line, error: `longer than ${MAX_LINE} characters: no job line needs that many` });
    } else if (quotes(record) % 2 === 1) {
      records.push({
        line,
        error: 'a quote is opened and not closed on this line (a value with a line break needs a JSON job)',
      });
    } else if (record.trim() !== '') records.push(parseRecord(record, line));
  }
  return records;
}

function quotes(text: string): number {
  let n = 0;
  for (let at = text.indexOf('"'); at !== -1; at = text.indexOf('"', at + 1)) n++;
  return n;
}

// csv-parse is loaded on the first CSV job, not when the CLI starts.
type Parse = (input: string, options: Options) => unknown;
let csvParse: Parse | undefined;
function parse(input: string, options: Options): unknown {
  csvParse ??= (createRequire(import.meta.url)('csv-parse/sync') as { parse: Parse }).parse;
  return csvParse(input, options);
}

function parseRecord(record: string, line: number): CsvRecord {
  // A line without quotes is its cells split at the commas, as csv-parse reads it (no trimming), only faster:
  // a million-line job is mostly such lines.
  if (!record.includes('"')) return { line, cells: record.split(',') };
  try {
    const rows = parse(record, {
      cast: (text, context) => ({ text, quoted: context.quoting }) as unknown as string,
      relax_column_count: true,
    }) as unknown as { text: string; quoted: boolean }[][];
    const cells = rows[0] ?? [];
    return { line, cells: cells.map((c) => c.text), quoted: cells.map((c) => c.quoted) };
  } catch (error) {
    return { line, error: (error as Error).message.replace(/ at line \d+.*$/s, '') };
  }
}

function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const ACTIONS = ['set', 'set-if-absent', 'remove', 'rename', 'copy-from'];
/** The ARN columns of the console's and AWS Config's exports (any case). */
const LIST_COLUMNS = ['arn', 'identifier', 'resource_arn', 'resourcearn'];

/**
 * CSV jobs: a header with `arn` and `key`, and optionally `action` (default `set`), `value`, `version_id`; one
 * operation per row; rows naming the same ARN (and version) form one change.
 * - `set`, `set-if-absent`: `key` = `value`. An empty `value` cell is a bad line; `""` (quoted) sets an empty value.
 * - `remove`: removes `key`; `value` must be empty.
 * - `rename`: renames `key` to `value`.
 * - `copy-from`: copies from the ARN in `value`: the tag `key`, or every tag when `key` is empty.
 */
function parseCsvJob(text: string, check: CheckChange | undefined): Job {
  const records = parseCsv(text);
  const errors: JobError[] = [];
  const header = records.shift();
  if (header && 'error' in header)
    return { changes: [], errors: [{ line: header.line, message: header.error }] };
  const columns = header?.cells.map((c) => c.trim().toLowerCase()) ?? [];
  if (!header || !columns.includes('arn') || !columns.includes('key')) {
    // A console export lists resources, in a column of its own name, and no change.
    const listed = header?.cells.find((c) => LIST_COLUMNS.includes(c.trim().toLowerCase()))?.trim();
    const hint = listed
      ? `; this looks like a list of resources (column "${listed}"): the CLI reads one as a job with --arn-column ${JSON.stringify(listed)} and the change to make with --action, --key and --value`
      : '';
    return {
      changes: [],
      errors: [{ line: header?.line ?? 1, message: `the header must name the columns arn and key${hint}` }],
    };
  }
  const unknown = columns.filter((c) => !['arn', 'action', 'key', 'value', 'version_id'].includes(c));
  if (unknown.length > 0) {
    return {
      changes: [],
      errors: [{ line: header.line, message: `unknown column(s): ${unknown.join(', ')}` }],
    };
  }
  const byTarget = new Map<string, Change>();
  const at: Columns = {
    arn: columns.indexOf('arn'),
    action: columns.indexOf('action'),
    key: columns.indexOf('key'),
    value: columns.indexOf('value'),
    versionId: columns.indexOf('version_id'),
  };
  for (const record of records) {
    if ('error' in record) {
      errors.push({ line: record.line, message: record.error });
      continue;
    }
    const { line, cells, quoted } = record;
    if (cells.length !== columns.length) {
      errors.push({
        line,
        message: `${cells.length} fields where the header has ${columns.length} (quote a value that holds a comma)`,
      });
      continue;
    }
    const problem = csvRow({ cells, quoted }, at, line, byTarget, check);
    if (problem) errors.push({ line, message: problem });
  }
  return { changes: [...byTarget.values()], errors };
}

/** Where each column of a CSV job is (-1 when the header has none). */
interface Columns {
  arn: number;
  action: number;
  key: number;
  value: number;
  versionId: number;
}

function csvRow(
  { cells, quoted }: { cells: string[]; quoted?: boolean[] | undefined },
  at: Columns,
  line: number,
  byTarget: Map<string, Change>,
  check: CheckChange | undefined,
): string | undefined {
  // A column the header does not name (-1) reads as an empty cell.
  const get = (column: number): string => cells[column] ?? '';
  const arn = get(at.arn).trim();
  const arnProblem = checkArn(arn, check === undefined);
  if (arnProblem) return arnProblem;
  const action = get(at.action).trim().toLowerCase() || 'set';
  if (!ACTIONS.includes(action)) return `unknown action "${action}" (known: ${ACTIONS.join(', ')})`;
  const key = get(at.key);
  const value = { text: get(at.value), quoted: quoted?.[at.value] === true };
  const versionId = get(at.versionId).trim() || undefined;
  const hasValue = value.text !== '' || value.quoted;
  if (key === '' && action !== 'copy-from') return `action "${action}" needs a key`;
  if ((action === 'set' || action === 'set-if-absent') && !hasValue) {
    return `empty value for "${key}": write "" to set an empty value, or use the action remove`;
  }
  // A writer that quotes every field writes an empty value as "": that is no value too.
  if (action === 'remove' && value.text !== '') return `action remove takes no value (got "${value.text}")`;
  if (action === 'rename' && value.text === '') return `action rename needs the new key in value`;
  if (action === 'copy-from') {
    const problem = checkArn(value.text.trim(), check === undefined);
    if (problem) return `copy-from needs the source ARN in value: ${problem}`;
  }
  // The row's own change is checked before it joins the others of its resource.
  const own = rowChange(arn, versionId, action, key, value.text);
  const problem = check?.(own, line);
  if (problem !== undefined) return problem;
  // NUL apart: no ARN holds it, while an S3 key may hold `?`.
  const id = `${arn}\u0000${versionId ?? ''}`;
  const change = byTarget.get(id);
  // The resource's first row: its own change is the resource's, until a later row joins it.
  if (change === undefined) {
    byTarget.set(id, own);
    return undefined;
  }
  // Prototype-free maps, so that a key named `__proto__` is a key like any other (see newTags).
  const name = action === 'set-if-absent' ? 'setIfAbsent' : action;
  if (name === 'set' || name === 'setIfAbsent' || name === 'rename') {
    const tags = change[name] ?? newTags();
    tags[key] = value.text;
    change[name] = tags;
  }
  if (action === 'remove') change.remove = [...(change.remove ?? []), key];
  if (action === 'copy-from') {
    const source = value.text.trim();
    const previous = typeof change.copyFrom === 'object' ? change.copyFrom : undefined;
    if (previous && previous.arn !== source) return 'one change copies from one source ARN';
    const keys = key === '' ? undefined : [...(previous?.keys ?? []), key];
    change.copyFrom = { arn: source, ...(keys ? { keys } : {}) };
  }
  return undefined;
}
