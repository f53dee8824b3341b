import { rulesArgument } from './arguments.js';
import { InvalidTagError, ReservedKeyError, TagLimitExceededError } from './errors.js';
import { copyTags } from './shapes.js';
import type { TagRules, Tags, Target, WriteRequest } from './types.js';

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

// Lengths count Unicode code points, as AWS does, not UTF-16 units. A text of at most `max` units has at most `max`
// code points, so only a longer one is counted.
function longerThan(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let points = 0;
  for (const _ of text) if (++points > max) return true;
  return false;
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
    if (longerThan(value, MAX_VALUE)) {
      throw new InvalidTagError(`The value of tag "${key}" is longer than ${MAX_VALUE} characters.`, context);
    }
    if (rules.charset && !rules.charset.test(value)) {
      throw new InvalidTagError(
        `The value of tag "${key}" has characters this service refuses; use letters, digits, spaces and _ . : / = + - @.`,
        context,
      );
    }
  }
  if (rules.caseInsensitiveKeys) rejectCaseDuplicates(Object.keys(tags), rules, arn);
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
  if (longerThan(key, MAX_KEY)) {
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
