import { isRegion } from './arn.js';
import {
  ConfigurationError,
  type ErrorContext,
  InvalidArnError,
  InvalidTagError,
  type UnitagError,
} from './errors.js';
import type { Adapter, FindQuery, Tags } from './types.js';

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

/** An abort signal's reason for a message: its text when it has one, else what it is (never throws). */
export function reasonOf(reason: unknown): string {
  if (reason === undefined) return 'aborted';
  if (reason instanceof Error) return reason.message || reason.name;
  return typeof reason === 'string' ? reason : kindOf(reason);
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
export function rulesArgument(value: unknown, field: string): void {
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

export function allIndexes(list: unknown[], test: (item: unknown) => boolean): boolean {
  for (let i = 0; i < list.length; i++) if (!test(list[i])) return false;
  return true;
}

const QUERY_FIELDS = ['tags', 'resourceTypes', 'regions', 'missing', 'untagged', 'all', 'accounts'];

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
  const { tags, resourceTypes, regions, missing, untagged, all, accounts } = value;
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
  optional.boolean(all, `${field}.all`);
  if (all === true && (missing !== undefined || untagged === true)) {
    throw new ConfigurationError(
      `${field}: all lists every resource, missing and untagged only some of them: use one of the three.`,
    );
  }
  stringList(accounts, `${field}.accounts`, '12-digit account ids');
  (accounts as string[] | undefined)?.forEach((account, i) => {
    if (!/^\d{12}$/.test(account))
      refuse(ConfigurationError, `${field}.accounts[${i}]`, 'a 12-digit account id', account);
  });
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
        'an adapter: an object with a name and describe, list, tag and untag functions (docs/adapter-contract.md in the package)',
        adapter,
      );
    }
  }
  return value;
}

/** The tagger a governance function is given: an object with the tagger's methods it calls. */
export function taggerArgument<T>(value: unknown, field: string, methods: readonly string[]): T {
  const tagger = value as Record<string, unknown> | null;
  if (
    typeof value !== 'object' ||
    tagger === null ||
    Array.isArray(value) ||
    !methods.every((m) => typeof tagger[m] === 'function')
  ) {
    refuse(ConfigurationError, field, 'a tagger from createTagger()', value);
  }
  return value as T;
}
