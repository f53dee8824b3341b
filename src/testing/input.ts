import { type ParsedArn, parseArn } from '../core/arn.js';
import {
  ConfigurationError,
  InvalidArnError,
  InvalidTagError,
  ReservedKeyError,
  type UnitagError,
} from '../core/errors.js';
import type { Tags } from '../core/types.js';
import { isReservedKey } from '../core/validate.js';
import type { Tagger } from '../tagger.js';

/** Throws the error `make` builds, its message saying what is wrong with the value shown. */
export type Refuse = (make: (message: string) => UnitagError, problem: string, value: unknown) => never;

/** The matched value: a string that parses as an ARN. */
export function receivedArn(received: unknown, refuse: Refuse): ParsedArn {
  const invalid = (message: string) => new InvalidArnError(message);
  if (typeof received !== 'string') {
    return refuse(
      invalid,
      'the received value must be an ARN string, e.g. "arn:aws:sns:us-east-1:123456789012:orders".',
      received,
    );
  }
  try {
    return parseArn(received);
  } catch (error) {
    return refuse(invalid, error instanceof Error ? error.message : String(error), received);
  }
}

/**
 * Expected tags: an object of string values. `toHaveTags` needs one tag at least (it would pass for any
 * readable resource); `toHaveExactTags` refuses `aws:` keys, which it does not compare.
 */
export function expectedTags(value: unknown, refuse: Refuse, exact: boolean): Tags {
  const invalid = (message: string) => new InvalidTagError(message);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refuse(invalid, 'expected tags must be an object of key to string value.', value);
  }
  const entries = Object.entries(value);
  if (entries.some(([, tagValue]) => typeof tagValue !== 'string')) {
    return refuse(invalid, 'every expected tag value must be a string.', value);
  }
  if (!exact && entries.length === 0) {
    return refuse(invalid, 'name at least one tag (toHaveExactTags({}) asserts that there are none).', value);
  }
  const reserved = entries.find(([key]) => isReservedKey(key));
  if (exact && reserved) {
    return refuse(
      (message) => new ReservedKeyError(message),
      `toHaveExactTags compares user tags only, and "${reserved[0]}" is an aws: tag; check it with toHaveTags.`,
      value,
    );
  }
  return Object.fromEntries(entries) as Tags;
}

/** Expected keys: a non-empty array of strings, duplicates dropped. */
export function expectedKeys(value: unknown, refuse: Refuse): string[] {
  const invalid = (message: string) => new InvalidTagError(message);
  if (!Array.isArray(value) || value.some((key) => typeof key !== 'string')) {
    return refuse(invalid, 'expected keys must be an array of strings.', value);
  }
  if (value.length === 0) return refuse(invalid, 'name at least one key.', value);
  return [...new Set(value as string[])];
}

/** The tagger named by a matcher's options, or undefined when they name none. */
export function optionsTagger(options: unknown, refuse: Refuse): Tagger | undefined {
  const invalid = (message: string) => new ConfigurationError(message);
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    return refuse(invalid, 'options must be an object, e.g. { tagger }.', options);
  }
  const { tagger } = options as { tagger?: unknown };
  if (tagger === undefined || isTagger(tagger)) return tagger;
  return refuse(invalid, 'options.tagger must be a tagger from createTagger().', tagger);
}

/** True for a value that can read tags as a tagger does. */
export function isTagger(value: unknown): value is Tagger {
  return typeof (value as Partial<Tagger> | null | undefined)?.list === 'function';
}
