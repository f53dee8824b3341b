// Argument shapes of the job entries (plans, changes, reports), checked as src/core/arguments.ts checks the
// single-call ones: before any AWS call, with the typed error that names the field.
import {
  allIndexes,
  arnArgument,
  isPlainObject,
  keysArgument,
  optional,
  refuse,
  tagMapArgument,
  tagsArgument,
} from '../core/arguments.js';
import {
  ConfigurationError,
  createError,
  InvalidArnError,
  isErrorCode,
  isUnitagError,
} from '../core/errors.js';
import { conflictChoice } from '../core/tagger-options.js';
import { iacOptions } from '../iac/plan-iac.js';
import type { Plan, PlanEntry } from './plan.js';
import type { Change } from './plan-change.js';
import type { BulkReport, ReportJson } from './report.js';

/** A report option (`resume`): undefined, or a report as `reportArgument` takes it. */
function reportOption(value: unknown, field: string): void {
  if (value !== undefined) reportArgument(value, field);
}

/** The options of `tagMany`, `untagMany`, `listMany` and `apply`. */
export const BULK_OPTIONS = {
  signal: optional.signal,
  onProgress: optional.callback,
  resume: reportOption,
};

/** The options of `plan`. */
export const PLAN_OPTIONS = {
  signal: optional.signal,
  resume: reportOption,
  current: currentTags,
  onConflict: conflictChoice,
  onRead: optional.callback,
  iac: (value: unknown) => {
    iacOptions(value);
  },
};

/** The options of `find`. */
export const FIND_OPTIONS = {
  signal: optional.signal,
  onProgress: optional.callback,
  onFailure: optional.callback,
  global: optional.boolean,
};

/** A report to resume from or to print: a `BulkReport` (`results`) or its JSON (`resources`), a line per object. */
export function reportArgument(value: unknown, field: string): BulkReport | ReportJson {
  const lines = isPlainObject(value) ? (value.results ?? value.resources) : undefined;
  if (!Array.isArray(lines) || !allIndexes(lines, (line) => isPlainObject(line))) {
    refuse(
      ConfigurationError,
      field,
      'a report of tagMany, untagMany or apply, or its JSON (reportToJson)',
      value,
    );
  }
  return value as unknown as BulkReport | ReportJson;
}

/** A `BulkReport` as `reportToJson` writes it: lines with their errors as unitag's errors. */
export function bulkReportArgument(value: unknown, field: string): BulkReport {
  const lines = isPlainObject(value) ? value.results : undefined;
  const valid =
    Array.isArray(lines) &&
    isPlainObject((value as Record<string, unknown>).totals) &&
    allIndexes(
      lines,
      (line) => isPlainObject(line) && (line.error === undefined || isUnitagError(line.error)),
    );
  if (!valid) refuse(ConfigurationError, field, 'a report of tagMany, untagMany or apply', value);
  return value as unknown as BulkReport;
}

// A plan's `current` tags, by ARN: what a streamed plan passes on.
function currentTags(value: unknown, field: string): void {
  if (value === undefined) return;
  const map = value as Partial<ReadonlyMap<unknown, unknown>> | null;
  const mapLike =
    typeof value === 'object' &&
    map !== null &&
    typeof map.get === 'function' &&
    typeof map.has === 'function' &&
    typeof map[Symbol.iterator] === 'function';
  if (!mapLike) refuse(ConfigurationError, field, 'a Map of ARN to the tags to take as current', value);
  for (const entry of value as Iterable<unknown>) {
    const [arn, tags] = Array.isArray(entry) ? entry : [];
    if (typeof arn !== 'string') refuse(InvalidArnError, `${field}'s keys`, 'ARN strings', arn);
    tagMapArgument(tags, `${field}.get(${JSON.stringify(arn)})`);
  }
}

const CHANGE_FIELDS = ['arn', 'versionId', 'set', 'remove', 'rename', 'setIfAbsent', 'copyFrom'];
const CHANGE_FIELD_SET = new Set(CHANGE_FIELDS);
const TAG_MAPS = ['set', 'setIfAbsent', 'rename'];

/**
 * One change of a plan or job, its shape checked: its ARN (and its copy source's) a string, its maps objects, its
 * lists arrays, no unknown field. Its keys and values are checked later, against the resource's rules. A job checks
 * each of its lines this way: a field's name is spelled out only when the field is refused.
 */
export function changeArgument(value: unknown, field: string): Change {
  if (!isPlainObject(value))
    refuse(ConfigurationError, field, 'a change object, e.g. { arn, set: { team: "payments" } }', value);
  for (const name of Object.keys(value)) if (!CHANGE_FIELD_SET.has(name)) unknownFields(value, field);
  if (value.arn === undefined) {
    throw new InvalidArnError(`${field}.arn is missing: give each change the ARN of the resource.`);
  }
  if (typeof value.arn !== 'string') arnArgument(value.arn, `${field}.arn`);
  if (value.versionId !== undefined) optional.string(value.versionId, `${field}.versionId`);
  for (const name of TAG_MAPS) {
    const map = value[name];
    if (map !== undefined && !isPlainObject(map)) tagsArgument(map, `${field}.${name}`);
  }
  if (value.remove !== undefined) keysArgument(value.remove, `${field}.remove`);
  if (value.copyFrom !== undefined) copySource(value.copyFrom, `${field}.copyFrom`);
  return value as unknown as Change;
}

function unknownFields(value: Record<string, unknown>, field: string): never {
  const unknown = Object.keys(value).filter((name) => !CHANGE_FIELD_SET.has(name));
  throw new ConfigurationError(
    `${field} has the unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => JSON.stringify(name)).join(', ')}: a change holds ${CHANGE_FIELDS.join(', ')}.`,
  );
}

// `copyFrom`: the source's ARN, or `{ arn, keys? }`.
function copySource(value: unknown, field: string): void {
  if (typeof value === 'string') return;
  const wanted = 'the ARN of the resource to copy tags from, or { arn, keys: ["team"] }';
  if (!isPlainObject(value)) refuse(InvalidArnError, field, wanted, value);
  const unknown = Object.keys(value).filter((name) => name !== 'arn' && name !== 'keys');
  if (unknown.length > 0)
    refuse(ConfigurationError, field, `${wanted}, without ${unknown.join(', ')}`, value);
  if (value.arn === undefined)
    throw new InvalidArnError(`${field}.arn is missing: give the ARN of the resource to copy tags from.`);
  arnArgument(value.arn, `${field}.arn`);
  if (value.keys !== undefined) keysArgument(value.keys, `${field}.keys`);
}

/** The changes of a plan: an array of changes. */
export function changesArgument(value: unknown, field: string): Change[] {
  if (!Array.isArray(value))
    refuse(
      ConfigurationError,
      field,
      'an array of changes, e.g. [{ arn, set: { team: "payments" } }]',
      value,
    );
  for (let i = 0; i < value.length; i++) changeArgument(value[i], `${field}[${i}]`);
  return value;
}

const STATUSES = new Set(['change', 'noop', 'failed']);

/**
 * A plan to apply: one from `plan`, or one read back from its JSON (`JSON.stringify(plan)`), whose entries' errors
 * are plain `{ code, message }` objects: those become unitag's errors again. Entries that need nothing are
 * passed on as they are (a plan made here keeps what `plan` worked out for them).
 */
export function planArgument(value: unknown, field: string): Plan {
  if (!isPlainObject(value) || !Array.isArray(value.entries)) {
    refuse(ConfigurationError, field, 'a plan from tagger.plan() (an object with its entries)', value);
  }
  const entries: PlanEntry[] = [];
  let revived = false;
  value.entries.forEach((entry: unknown, i: number) => {
    const at = `${field}.entries[${i}]`;
    const checked = planEntry(entry, at);
    revived ||= checked !== entry;
    entries.push(checked);
  });
  if (value.entries.length !== entries.length)
    refuse(ConfigurationError, `${field}.entries`, 'an array without holes', value.entries);
  return (revived ? { ...value, entries } : value) as unknown as Plan;
}

function planEntry(entry: unknown, at: string): PlanEntry {
  if (!isPlainObject(entry)) refuse(ConfigurationError, at, 'a plan entry (an object)', entry);
  arnArgument(entry.arn, `${at}.arn`);
  optional.string(entry.versionId, `${at}.versionId`);
  if (!STATUSES.has(entry.status as string))
    refuse(ConfigurationError, `${at}.status`, 'one of change, noop and failed', entry.status);
  for (const name of ['before', 'after']) {
    if (entry[name] !== undefined) tagMapArgument(entry[name], `${at}.${name}`);
  }
  if (entry.status === 'change') {
    tagsArgument(entry.set, `${at}.set`);
    keysArgument(entry.remove, `${at}.remove`);
  }
  const { error } = entry;
  if (error === undefined || isUnitagError(error)) return entry as unknown as PlanEntry;
  // A plan read back from JSON carries each error as its toJSON(): { code, message, arn?, service? }.
  if (!isPlainObject(error) || !isErrorCode(error.code) || typeof error.message !== 'string') {
    refuse(
      ConfigurationError,
      `${at}.error`,
      "the entry's error: a unitag error, or its JSON { code, message }",
      error,
    );
  }
  const context = {
    arn: typeof error.arn === 'string' ? error.arn : (entry.arn as string),
    service: typeof error.service === 'string' ? error.service : undefined,
  };
  return { ...(entry as unknown as PlanEntry), error: createError(error.code, error.message, context) };
}
