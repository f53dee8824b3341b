import { isRegion, PARTITIONS } from './arn.js';
import {
  ConfigurationError,
  createError,
  type ErrorContext,
  InvalidArnError,
  InvalidTagError,
  isErrorCode,
  isUnitagError,
  ReservedKeyError,
  TagLimitExceededError,
  type UnitagError,
} from './errors.js';
import type { Change, Plan, PlanEntry } from './plan.js';
import type { BulkReport, ReportJson } from './report.js';
import { copyTags } from './shapes.js';
import type { Adapter, FindQuery, TagRules, Tags, Target, WriteRequest } from './types.js';

/** Letters, digits, white space and `_ . : / = + - @`: the set every service accepts (docs/aws-facts.md, tags in general). */
export const SAFE_CHARSET = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** The rules of most services: 50 tags, the safe character set, case-sensitive keys. */
export const DEFAULT_RULES: TagRules = { maxTags: 50, charset: SAFE_CHARSET, caseInsensitiveKeys: false };

const MAX_KEY = 128;
const MAX_VALUE = 256;

/** True for keys in the reserved `aws:` namespace, in any case. */
export function isReservedKey(key: string): boolean {
  return key.toLowerCase().startsWith('aws:');
}

// Lengths count Unicode code points, as AWS does, not UTF-16 units.
function length(text: string): number {
  return [...text].length;
}

/** Checks a tag map against the rules; throws the typed error that says what is wrong. */
export function validateTags(tags: Tags, rules: TagRules, arn?: string): void {
  rulesArgument(rules, 'validateTags: rules');
  const context = { arn };
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) {
    throw new InvalidTagError('Tags must be an object of key to string value, e.g. { team: "a" }.', context);
  }
  const entries = Object.entries(tags);
  for (const [key, value] of entries) {
    validateKey(key, rules, arn);
    if (typeof value !== 'string') {
      throw new InvalidTagError(`The value of tag "${key}" must be a string, not ${typeof value}.`, context);
    }
    if (length(value) > MAX_VALUE) {
      throw new InvalidTagError(`The value of tag "${key}" is longer than ${MAX_VALUE} characters.`, context);
    }
    if (rules.charset && !rules.charset.test(value)) {
      throw new InvalidTagError(
        `The value of tag "${key}" has characters this service refuses; use letters, digits, spaces and _ . : / = + - @.`,
        context,
      );
    }
  }
  rejectCaseDuplicates(
    entries.map(([key]) => key),
    rules,
    arn,
  );
  if (entries.length > rules.maxTags) {
    throw new TagLimitExceededError(
      `${entries.length} tags in one request; this resource holds at most ${rules.maxTags}. Split the request or drop tags.`,
      context,
    );
  }
}

/** Checks a list of keys to remove; returns it without repeats. */
export function validateKeys(keys: string[], rules: TagRules, arn?: string): string[] {
  rulesArgument(rules, 'validateKeys: rules');
  if (!Array.isArray(keys)) {
    throw new InvalidTagError('Keys must be an array of strings, e.g. ["team"].', { arn });
  }
  for (const key of keys) validateKey(key, rules, arn);
  rejectCaseDuplicates(keys, rules, arn);
  return [...new Set(keys)];
}

/**
 * Checks a write against its target's rules, once, before any AWS call: the tags to set and the keys to
 * remove. Returns the request every later layer passes on (prototype-free tags, keys without repeats).
 */
export function validateWrite(target: Target, set: Tags, remove: string[]): WriteRequest {
  validateTags(set, target.info.rules, target.arn);
  return { set: copyTags(set), remove: validateKeys(remove, target.info.rules, target.arn) };
}

/** Checks a whole tag set, as it will stand after a write, against the resource's limit. */
export function checkTagCount(tags: Tags, rules: TagRules, arn?: string): void {
  const user = Object.keys(tags).filter((key) => !isReservedKey(key));
  if (user.length > rules.maxTags) {
    throw new TagLimitExceededError(
      `The resource would hold ${user.length} tags; it holds at most ${rules.maxTags}. Remove some tags first.`,
      { arn },
    );
  }
}

function validateKey(key: unknown, rules: TagRules, arn: string | undefined): void {
  const context = { arn };
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidTagError('A tag key must be a non-empty string.', context);
  }
  if (length(key) > MAX_KEY) {
    throw new InvalidTagError(
      `The tag key "${key.slice(0, 20)}..." is longer than ${MAX_KEY} characters.`,
      context,
    );
  }
  if (isReservedKey(key)) {
    throw new ReservedKeyError(
      `The tag key "${key}" uses the reserved "aws:" prefix; AWS sets those itself.`,
      context,
    );
  }
  if (rules.charset && !rules.charset.test(key)) {
    throw new InvalidTagError(
      `The tag key "${key}" has characters this service refuses; use letters, digits, spaces and _ . : / = + - @.`,
      context,
    );
  }
}

// On IAM users and roles `Team` and `team` are one key, so a request naming both is ambiguous (docs/aws-facts.md, IAM).
function rejectCaseDuplicates(keys: string[], rules: TagRules, arn: string | undefined): void {
  if (!rules.caseInsensitiveKeys) return;
  const seen = new Map<string, string>();
  for (const key of keys) {
    const folded = key.toLowerCase();
    const other = seen.get(folded);
    if (other !== undefined && other !== key) {
      throw new InvalidTagError(
        `The keys "${other}" and "${key}" differ only in case; this resource treats them as one key. Keep one.`,
        { arn },
      );
    }
    seen.set(folded, key);
  }
}

// Argument shapes. TypeScript's types reach neither JavaScript callers nor JSON jobs, so every public entry checks
// what it is given here, before any AWS call, and throws the typed error that names the field and says what to
// give: `InvalidArn` for an ARN field, `InvalidTag` for tags and keys, `ConfigurationError` for everything else
// (lists, options, callbacks). Options objects may carry members of other calls (one object shared by `tag` and
// `tagMany`): only the members a call reads are checked. Changes and queries are data, where a misspelt field
// would silently do nothing (or search everything): an unknown field is refused.

type ErrorClass = new (message: string, context?: ErrorContext) => UnitagError;
type Check = (value: unknown, field: string) => void;

/** An object literal (or one without a prototype): not null, an array, a Map or a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  // Another realm's Object.prototype (a vm context, a test runner's sandbox) is a plain object's prototype too.
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** What a value is, for a message: `the number 5`, `null`, `an array`, `the string "x"`, `a Map`. */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value)}`;
    case 'number':
    case 'bigint':
      return `the number ${String(value)}`;
    case 'boolean':
      return String(value);
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default: {
      if (isPlainObject(value)) return 'an object';
      const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } }).constructor?.name;
      return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object with a prototype';
    }
  }
}

/** Throws `make`'s error: `${field} must be ${wanted}; got ${what value is}.` */
export function refuse(make: ErrorClass, field: string, wanted: string, value: unknown): never {
  throw new make(`${field} must be ${wanted}; got ${kindOf(value)}.`);
}

/** An ARN argument: a string, which the engine parses (once). */
export function arnArgument(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (value === undefined) {
    throw new InvalidArnError(
      `${field} is missing: give the ARN of the resource (arn:partition:service:region:account:resource).`,
    );
  }
  return refuse(
    InvalidArnError,
    field,
    'an ARN string (arn:partition:service:region:account:resource)',
    value,
  );
}

/** A list of ARNs: an array of strings (each ARN is parsed, and may fail, on its own report line). */
export function arnsArgument(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) refuse(InvalidArnError, field, 'an array of ARN strings', value);
  for (let i = 0; i < value.length; i++) arnArgument(value[i], `${field}[${i}]`);
  return value;
}

/** Tags to set: an object of key to value (the values and keys are checked against the resource's rules). */
export function tagsArgument(value: unknown, field: string): Tags {
  if (!isPlainObject(value)) {
    refuse(InvalidTagError, field, 'an object of tag key to string value, e.g. { team: "payments" }', value);
  }
  return value as Tags;
}

/** Tags as read (a plan's current tags, a checked resource's): an object of key to string value. */
export function tagMapArgument(value: unknown, field: string): Tags {
  tagsArgument(value, field);
  for (const [key, tag] of Object.entries(value as Tags)) {
    if (typeof tag !== 'string') refuse(InvalidTagError, `${field}[${JSON.stringify(key)}]`, 'a string', tag);
  }
  return value as Tags;
}

/** Keys to remove: an array of strings (checked against the resource's rules). */
export function keysArgument(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) refuse(InvalidTagError, field, 'an array of tag keys, e.g. ["team"]', value);
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string')
      refuse(InvalidTagError, `${field}[${i}]`, 'a tag key (a string)', value[i]);
  }
  return value;
}

/** `TagRules` as `validateTags` and `validateKeys` read them. */
function rulesArgument(value: unknown, field: string): void {
  const valid =
    isPlainObject(value) &&
    typeof value.maxTags === 'number' &&
    !Number.isNaN(value.maxTags) &&
    (value.charset === null || value.charset instanceof RegExp) &&
    typeof value.caseInsensitiveKeys === 'boolean';
  if (!valid) {
    refuse(
      ConfigurationError,
      field,
      'tag rules: { maxTags: number, charset: RegExp or null, caseInsensitiveKeys: boolean } (DEFAULT_RULES)',
      value,
    );
  }
}

/**
 * An options argument: undefined, or an object whose members named in `members` pass their checks (members it
 * does not name are left alone). Returns it as given.
 */
export function optionsArgument<T>(
  value: unknown,
  field: string,
  members: Readonly<Record<string, Check>>,
): T {
  if (value === undefined) return value as T;
  if (!isPlainObject(value)) refuse(ConfigurationError, field, 'an options object', value);
  for (const [name, check] of Object.entries(members)) check(value[name], `${field}.${name}`);
  return value as T;
}

/** Checks of option members; each accepts undefined (not given). */
export const optional = {
  string: (value: unknown, field: string) => {
    if (value !== undefined && typeof value !== 'string')
      refuse(ConfigurationError, field, 'a string', value);
  },
  boolean: (value: unknown, field: string) => {
    if (value !== undefined && typeof value !== 'boolean')
      refuse(ConfigurationError, field, 'true or false', value);
  },
  callback: (value: unknown, field: string) => {
    if (value !== undefined && typeof value !== 'function')
      refuse(ConfigurationError, field, 'a function', value);
  },
  signal: (value: unknown, field: string) => {
    if (value !== undefined && !isSignal(value)) {
      refuse(ConfigurationError, field, "an AbortSignal (an AbortController's signal)", value);
    }
  },
  report: (value: unknown, field: string) => {
    if (value !== undefined) reportArgument(value, field);
  },
  milliseconds: (value: unknown, field: string) => {
    if (value !== undefined && !(typeof value === 'number' && value >= 0)) {
      refuse(ConfigurationError, field, 'a number of milliseconds, 0 or more', value);
    }
  },
} satisfies Record<string, Check>;

// Signals from another realm, or a library's own AbortController, are not `instanceof AbortSignal`: what unitag
// calls on a signal is what is checked.
function isSignal(value: unknown): value is AbortSignal {
  const signal = value as Partial<AbortSignal> | null;
  return (
    typeof value === 'object' &&
    signal !== null &&
    typeof signal.aborted === 'boolean' &&
    typeof signal.addEventListener === 'function' &&
    typeof signal.removeEventListener === 'function' &&
    typeof signal.throwIfAborted === 'function'
  );
}

/** The options of `tag`, `untag`, `list` and `account`. */
export const CALL_OPTIONS = {
  versionId: optional.string,
  signal: optional.signal,
  onlyAnswered: optional.boolean,
};

/** The options of `tagMany`, `untagMany`, `listMany` and `apply`. */
export const BULK_OPTIONS = {
  signal: optional.signal,
  onProgress: optional.callback,
  resume: optional.report,
};

/** The options of `plan`. */
export const PLAN_OPTIONS = { signal: optional.signal, resume: optional.report, current: currentTags };

/** The options of `find`. */
export const FIND_OPTIONS = {
  signal: optional.signal,
  onProgress: optional.callback,
  onFailure: optional.callback,
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

function allIndexes(list: unknown[], test: (item: unknown) => boolean): boolean {
  for (let i = 0; i < list.length; i++) if (!test(list[i])) return false;
  return true;
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

/**
 * One change of a plan or job, its shape checked: its ARN (and its copy source's) a string, its maps objects, its
 * lists arrays, no unknown field. Its keys and values are checked later, against the resource's rules.
 */
export function changeArgument(value: unknown, field: string): Change {
  if (!isPlainObject(value))
    refuse(ConfigurationError, field, 'a change object, e.g. { arn, set: { team: "payments" } }', value);
  const unknown = Object.keys(value).filter((name) => !CHANGE_FIELDS.includes(name));
  if (unknown.length > 0) {
    throw new ConfigurationError(
      `${field} has the unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => JSON.stringify(name)).join(', ')}: a change holds ${CHANGE_FIELDS.join(', ')}.`,
    );
  }
  if (value.arn === undefined) {
    throw new InvalidArnError(`${field}.arn is missing: give each change the ARN of the resource.`);
  }
  arnArgument(value.arn, `${field}.arn`);
  optional.string(value.versionId, `${field}.versionId`);
  for (const name of ['set', 'setIfAbsent', 'rename']) {
    if (value[name] !== undefined) tagsArgument(value[name], `${field}.${name}`);
  }
  if (value.remove !== undefined) keysArgument(value.remove, `${field}.remove`);
  if (value.copyFrom !== undefined) copySource(value.copyFrom, `${field}.copyFrom`);
  return value as unknown as Change;
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

const QUERY_FIELDS = ['tags', 'resourceTypes', 'regions', 'missing', 'untagged'];

/** What `find` looks for, its shape checked (an unknown field would silently widen the search). */
export function queryArgument(value: unknown, field: string): FindQuery {
  if (value === undefined) return {};
  if (!isPlainObject(value))
    refuse(ConfigurationError, field, 'a query object, e.g. { tags: { team: "payments" } }', value);
  const unknown = Object.keys(value).filter((name) => !QUERY_FIELDS.includes(name));
  if (unknown.length > 0) {
    refuse(
      ConfigurationError,
      field,
      `a query of ${QUERY_FIELDS.join(', ')}, without ${unknown.join(', ')}`,
      value,
    );
  }
  const { tags, resourceTypes, regions, missing, untagged } = value;
  if (tags !== undefined) {
    if (!isPlainObject(tags))
      refuse(
        InvalidTagError,
        `${field}.tags`,
        'an object of tag key to a value, a list of values, or true',
        tags,
      );
    for (const [key, wanted] of Object.entries(tags)) {
      const valid =
        wanted === true ||
        typeof wanted === 'string' ||
        (Array.isArray(wanted) && allIndexes(wanted, (v) => typeof v === 'string'));
      if (!valid)
        refuse(
          InvalidTagError,
          `${field}.tags[${JSON.stringify(key)}]`,
          'a value, a list of values, or true (any value)',
          wanted,
        );
    }
  }
  stringList(resourceTypes, `${field}.resourceTypes`, 'resource types such as "ec2:volume"');
  stringList(regions, `${field}.regions`, 'regions such as "us-east-1"');
  (regions as string[] | undefined)?.forEach((region, i) => {
    if (!isRegion(region))
      refuse(ConfigurationError, `${field}.regions[${i}]`, 'a region such as "us-east-1"', region);
  });
  stringList(missing, `${field}.missing`, 'tag keys such as "owner"');
  optional.boolean(untagged, `${field}.untagged`);
  return value as FindQuery;
}

function stringList(value: unknown, field: string, what: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || !allIndexes(value, (item) => typeof item === 'string')) {
    refuse(ConfigurationError, field, `an array of ${what}`, value);
  }
}

/** What `permissions` is asked about: an array of `{ arn, versionId?, operations }`. */
export function permissionRequestsArgument(value: unknown, field: string): void {
  if (!Array.isArray(value))
    refuse(ConfigurationError, field, 'an array of { arn, operations: ["tag", "list"] }', value);
  for (let i = 0; i < value.length; i++) {
    const request: unknown = value[i];
    const at = `${field}[${i}]`;
    if (!isPlainObject(request))
      refuse(ConfigurationError, at, 'an object { arn, operations: ["tag", "list"] }', request);
    arnArgument(request.arn, `${at}.arn`);
    optional.string(request.versionId, `${at}.versionId`);
    const { operations } = request;
    if (!Array.isArray(operations) || !allIndexes(operations, (o) => typeof o === 'string')) {
      refuse(
        ConfigurationError,
        `${at}.operations`,
        'an array of some of "tag", "untag" and "list"',
        operations,
      );
    }
  }
}

/** Adapters to add: an array of objects with a name and the contract's describe, list, tag and untag. */
export function adaptersArgument(value: unknown, field: string): Adapter[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) refuse(ConfigurationError, field, 'an array of adapters', value);
  for (let i = 0; i < value.length; i++) {
    const adapter = value[i] as Record<string, unknown> | null;
    const valid =
      typeof adapter === 'object' &&
      adapter !== null &&
      typeof adapter.name === 'string' &&
      adapter.name !== '' &&
      ['describe', 'list', 'tag', 'untag'].every((member) => typeof adapter[member] === 'function');
    if (!valid) {
      refuse(
        ConfigurationError,
        `${field}[${i}]`,
        'an adapter: an object with a name and describe, list, tag and untag functions (see the README)',
        adapter,
      );
    }
  }
  return value;
}

/** The options of `createTagger`, each member's type checked before any client exists. */
export function taggerOptionsArgument(value: unknown): void {
  const field = 'createTagger: options';
  optionsArgument(value, field, {
    region: nonEmptyString,
    endpoint: endpointUrl,
    credentials: credentialsOption,
    credentialsForAccount: optional.callback,
    clientConfig: (v, at) => {
      if (v !== undefined && !isPlainObject(v))
        refuse(ConfigurationError, at, 'an object of SDK client configuration', v);
    },
    connectTimeout: optional.milliseconds,
    readTimeout: optional.milliseconds,
    onUnanswered: optional.callback,
    onNotice: optional.callback,
    adapters: adaptersArgument,
    maxRates: (v, at) => {
      if (v !== undefined && v !== false && !isPlainObject(v)) {
        refuse(
          ConfigurationError,
          at,
          'false, or an object of requests a second by family or service, e.g. { sns: 20 }',
          v,
        );
      }
    },
    concurrency: (v, at) => {
      // p-limit takes whole numbers from 1: 1.5 would throw a TypeError at the first bulk call.
      if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= 1)) {
        refuse(ConfigurationError, at, 'a whole number of calls at once, 1 or more', v);
      }
    },
    preferTaggingApi: optional.boolean,
    partition: (v, at) => {
      if (v !== undefined && !(typeof v === 'string' && Object.hasOwn(PARTITIONS, v))) {
        refuse(ConfigurationError, at, `one of the partitions ${Object.keys(PARTITIONS).join(', ')}`, v);
      }
    },
    retryFor: (v, at) => {
      // A number that is not one (NaN, a string) would retry for ever, or never run.
      if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
        refuse(ConfigurationError, at, 'a finite number of milliseconds, 0 or more (0 retries nothing)', v);
      }
    },
  });
}

function nonEmptyString(value: unknown, field: string): void {
  if (value !== undefined && !(typeof value === 'string' && value !== '')) {
    refuse(ConfigurationError, field, 'a non-empty string, e.g. "us-east-1"', value);
  }
}

function endpointUrl(value: unknown, field: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !/^https?:\/\/[^/]/.test(value) || !URL.canParse(value)) {
    refuse(ConfigurationError, field, 'an http:// or https:// URL, e.g. "http://127.0.0.1:4566"', value);
  }
}

function credentialsOption(value: unknown, field: string): void {
  if (value === undefined || typeof value === 'function') return;
  const valid =
    isPlainObject(value) &&
    typeof value.accessKeyId === 'string' &&
    typeof value.secretAccessKey === 'string' &&
    (value.sessionToken === undefined || typeof value.sessionToken === 'string');
  if (!valid) {
    refuse(
      ConfigurationError,
      field,
      '{ accessKeyId, secretAccessKey, sessionToken? } strings, or a function that resolves to them',
      value,
    );
  }
}

/** The tagger a governance function is given: an object with the tagger's methods it calls. */
export function taggerArgument<T>(value: unknown, field: string, methods: readonly string[]): T {
  const tagger = value as Record<string, unknown> | null;
  if (
    typeof value !== 'object' ||
    tagger === null ||
    !methods.every((m) => typeof tagger[m] === 'function')
  ) {
    refuse(ConfigurationError, field, 'a tagger from createTagger()', value);
  }
  return value as T;
}
