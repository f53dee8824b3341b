import { newTags } from '../core/shapes.js';
import type { Tags } from '../core/types.js';
import { isReservedKey } from '../core/validate.js';
import type { MatcherContext } from './context.js';

/** A comparison's verdict as the runner reads it, and the text after the matcher hint that explains it. */
export interface Verdict {
  pass: boolean;
  explain: () => string;
}

/**
 * At least the expected tags, values equal. Under `.not`, none of them: the assertion fails as soon as the
 * resource carries one of the pairs, so a pair left behind is never hidden by another that was removed.
 */
export function compareTags(ctx: MatcherContext, arn: string, actual: Tags, expected: Tags): Verdict {
  const keys = Object.keys(expected);
  const found = keys.filter((key) => Object.hasOwn(actual, key) && actual[key] === expected[key]);
  if (ctx.isNot) {
    return {
      pass: found.length > 0,
      explain: () =>
        lines(
          `Resource: ${arn}`,
          `Expected: none of ${wanted(ctx, expected)}`,
          `Found:    ${seen(ctx, pick(actual, found))}`,
          `All tags: ${seen(ctx, actual)}`,
        ),
    };
  }
  const present = keys.filter((key) => Object.hasOwn(actual, key));
  return {
    pass: found.length === keys.length,
    explain: () =>
      lines(
        `Resource: ${arn}`,
        `Missing or with another value: ${keys.length - found.length} of ${keys.length} expected tags`,
        '',
        diffOf(ctx, expected, pick(actual, present)),
        '',
        `All tags: ${seen(ctx, actual)}`,
      ),
  };
}

/**
 * Exactly the expected user tags. `aws:` tags are AWS's own (CloudFormation, Elastic Beanstalk, ...): users can
 * neither set nor remove them, so they are left out of the comparison. `.not` negates the whole comparison.
 */
export function compareExactTags(ctx: MatcherContext, arn: string, actual: Tags, expected: Tags): Verdict {
  const user = Object.keys(actual).filter((key) => !isReservedKey(key));
  const system = Object.keys(actual).filter(isReservedKey);
  const expectedKeys = Object.keys(expected);
  const pass =
    user.length === expectedKeys.length &&
    expectedKeys.every((key) => Object.hasOwn(actual, key) && actual[key] === expected[key]);
  const ignored = system.length === 0 ? [] : ['', `Ignored aws: tags: ${seen(ctx, pick(actual, system))}`];
  if (ctx.isNot) {
    return {
      pass,
      explain: () =>
        lines(
          `Resource: ${arn}`,
          `Expected: user tags other than ${wanted(ctx, expected)}`,
          'Received: exactly those',
          ...ignored,
        ),
    };
  }
  return {
    pass,
    explain: () =>
      lines(
        `Resource: ${arn}`,
        'User tags differ from the expected ones (aws: tags are not compared):',
        '',
        diffOf(ctx, expected, pick(actual, user)),
        ...ignored,
      ),
  };
}

/** The expected keys, any value. Under `.not`, none of them. */
export function compareTagKeys(ctx: MatcherContext, arn: string, actual: Tags, keys: string[]): Verdict {
  const present = keys.filter((key) => Object.hasOwn(actual, key));
  if (ctx.isNot) {
    return {
      pass: present.length > 0,
      explain: () =>
        lines(
          `Resource: ${arn}`,
          `Expected: none of the keys ${wanted(ctx, keys)}`,
          `Found:    ${seen(ctx, present)}`,
          `All tags: ${seen(ctx, actual)}`,
        ),
    };
  }
  return {
    pass: present.length === keys.length,
    explain: () =>
      lines(
        `Resource: ${arn}`,
        `Missing keys: ${keys.length - present.length} of ${keys.length}`,
        '',
        diffOf(ctx, keys, present),
        '',
        `All tags: ${seen(ctx, actual)}`,
      ),
  };
}

// One line, keys sorted, whichever runner prints: Vitest's printers spread an object over several lines.
function wanted(ctx: MatcherContext, value: Tags | string[]): string {
  return ctx.utils.EXPECTED_COLOR(inline(value));
}

function seen(ctx: MatcherContext, value: Tags | string[]): string {
  return ctx.utils.RECEIVED_COLOR(inline(value));
}

function inline(value: Tags | string[]): string {
  if (Array.isArray(value)) return `[${value.map((key) => JSON.stringify(key)).join(', ')}]`;
  const pairs = Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}: ${JSON.stringify(value[key])}`);
  return `{${pairs.join(', ')}}`;
}

function diffOf(ctx: MatcherContext, expected: Tags | string[], received: Tags | string[]): string {
  return ctx.utils.diff(expected, received) ?? `Received: ${seen(ctx, received)}`;
}

// Tags read by a tagger have no prototype: the diff is given an ordinary object.
function pick(tags: Tags, keys: string[]): Tags {
  return Object.fromEntries([...keys].sort().map((key) => [key, tags[key] as string]));
}

function lines(...text: string[]): string {
  return text.join('\n');
}

/**
 * The tags with each key that differs from an expected key only by case renamed to the expected spelling, for a
 * resource whose keys ignore case (on IAM, `Team` and `team` are one key); `renamed` lists the pairs.
 */
export function alignKeyCase(actual: Tags, expected: readonly string[]): { tags: Tags; renamed: string[][] } {
  const spelling = new Map(expected.map((key) => [key.toLowerCase(), key]));
  const tags = newTags();
  const renamed: string[][] = [];
  for (const [key, value] of Object.entries(actual)) {
    const wantedKey = spelling.get(key.toLowerCase());
    const rename = wantedKey !== undefined && wantedKey !== key && !Object.hasOwn(actual, wantedKey);
    if (rename) renamed.push([key, wantedKey]);
    tags[rename ? wantedKey : key] = value;
  }
  return { tags, renamed };
}

/** The message's last lines where keys were matched without regard to case. */
export function caseNote(renamed: string[][]): string {
  if (renamed.length === 0) return '';
  const pairs = renamed.map(([from, to]) => `${JSON.stringify(from)} as ${JSON.stringify(to)}`).join(', ');
  return `\n\nThis resource's tag keys ignore case (IAM), so the resource's ${pairs} counted.`;
}
