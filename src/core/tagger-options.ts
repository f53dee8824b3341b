// The options of `createTagger`, checked member by member before any client exists (see arguments.ts).

import { adaptersArgument, isPlainObject, optional, optionsArgument, refuse } from './arguments.js';
import { PARTITIONS } from './arn.js';
import { ConfigurationError } from './errors.js';

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
    ...ROLE_OPTIONS,
    onConflict: conflictChoice,
    retryFor: (v, at) => {
      // A number that is not one (NaN, a string) would retry for ever, or never run.
      if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
        refuse(ConfigurationError, at, 'a finite number of milliseconds, 0 or more (0 retries nothing)', v);
      }
    },
  });
}

/** The members of `RoleOptions`: the roles assumed in other accounts. */
const ROLE_OPTIONS: Readonly<Record<string, (value: unknown, field: string) => void>> = {
  roleName: (v, at) =>
    pattern(v, at, ROLE_NAME, 'a role name such as "unitag" (or "path/unitag"), or a role ARN'),
  externalId: (v, at) => pattern(v, at, EXTERNAL_ID, '2 to 1,224 of letters, digits and _+=,.@:/-'),
  roleSessionName: (v, at) => pattern(v, at, SESSION_NAME, '2 to 64 of letters, digits and _+=,.@-'),
  roleDuration: (v, at) => {
    // AssumeRole's DurationSeconds: 900 to 43,200, and no more than the role's own maximum.
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 900 && (v as number) <= 43_200)) {
      refuse(ConfigurationError, at, 'a whole number of seconds from 900 to 43200', v);
    }
  },
  accounts: (v, at) => {
    const valid = (a: unknown) =>
      isPlainObject(a) && typeof a.id === 'string' && /^\d{12}$/.test(a.id) && Array.isArray(a.tags);
    if (v !== undefined && !(Array.isArray(v) && v.every(valid))) {
      refuse(ConfigurationError, at, 'the accounts of an accounts file (parseAccounts)', v);
    }
  },
};

// IAM's and STS's patterns: role names (a path before them allowed), external ids and session names.
const ROLE_NAME = /^(arn:[\w-]+:iam::\d{12}:role\/)?([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

function pattern(value: unknown, field: string, wanted: RegExp, what: string): void {
  if (value !== undefined && !(typeof value === 'string' && wanted.test(value))) {
    refuse(ConfigurationError, field, what, value);
  }
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

/** `onConflict`: what a rename or copy does onto a key already carried with another value. */
export function conflictChoice(value: unknown, at: string): void {
  if (value !== undefined && !['fail', 'overwrite', 'keep'].includes(value as string)) {
    refuse(ConfigurationError, at, 'one of "fail", "overwrite" and "keep"', value);
  }
}
