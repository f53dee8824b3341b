// `unitag/testing`: tag assertions for a project's tests (Vitest and Jest matchers, and plain functions), read
// through a tagger. testing/ holds the comparisons (compare.ts), the matcher context (context.ts) and the
// expectations' input checks (input.ts); it imports the core, jobs and the tagger, and nothing imports it but this.
import type { ParsedArn } from './core/arn.js';
import { ConfigurationError, createError, isUnitagError } from './core/errors.js';
import type { Tags } from './core/types.js';
import { createTagger, type Tagger } from './tagger.js';
import {
  alignKeyCase,
  caseNote,
  compareExactTags,
  compareTagKeys,
  compareTags,
  type Verdict,
} from './testing/compare.js';
import type { MatcherContext, MatcherResult } from './testing/context.js';
import {
  expectedKeys,
  expectedTags,
  isTagger,
  optionsTagger,
  type Refuse,
  receivedArn,
} from './testing/input.js';

/** Options of every tag matcher. */
export interface TagMatcherOptions {
  /** The tagger that reads the tags. Default: the one given to {@link useTagger}, else one from the environment. */
  tagger?: Tagger | undefined;
}

/**
 * The tag matchers' signatures, for the runner's type augmentation (docs/testing.md). `R` is what a matcher
 * call returns: `Promise<void>`, as every one of them reads AWS and must be awaited.
 */
export interface TagMatchers<R = unknown> {
  /**
   * The resource carries at least these tags, with equal values (`aws:` tags can be named). Under `.not`: it
   * carries none of these pairs.
   *
   * @example
   * await expect(arn).toHaveTags({ team: 'payments' });
   */
  toHaveTags(expected: Tags, options?: TagMatcherOptions): R;
  /**
   * The resource's user tags are exactly these; `aws:` tags, which AWS sets and users cannot change, are not
   * compared. Under `.not`: its user tags are anything else.
   *
   * @example
   * await expect(arn).toHaveExactTags({ team: 'payments', stage: 'prod' });
   */
  toHaveExactTags(expected: Tags, options?: TagMatcherOptions): R;
  /**
   * The resource carries these keys, whatever their values. Under `.not`: none of them.
   *
   * @example
   * await expect(arn).not.toHaveTagKeys(['temporary']);
   */
  toHaveTagKeys(keys: readonly string[], options?: TagMatcherOptions): R;
}

/** A matcher as `expect.extend` takes it, in Jest and in Vitest. */
export type TagMatcher = (
  this: MatcherContext,
  received: unknown,
  expected?: unknown,
  options?: unknown,
) => Promise<MatcherResult>;

let chosen: Tagger | undefined;
let fromEnvironment: Tagger | undefined;

/**
 * Sets the tagger the matchers read tags with when a call names none; `undefined` goes back to the default: a
 * tagger created from the environment (AWS_REGION, AWS_ENDPOINT_URL, credentials, as the SDK reads them) on
 * first use. The caller keeps the tagger it gives, and destroys it when done.
 *
 * @example
 * useTagger(createTagger({ endpoint: 'http://127.0.0.1:4566', region: 'us-east-1' }));
 */
export function useTagger(tagger: Tagger | undefined): void {
  if (tagger !== undefined && !isTagger(tagger)) {
    throw new ConfigurationError(
      'useTagger takes a tagger from createTagger(), or undefined for the default.',
    );
  }
  chosen = tagger;
}

/**
 * The matchers to install with `expect.extend(tagMatchers)`, in Vitest or Jest. Each reads the resource's tags
 * with one call and must be awaited. Bad input throws before any call; a read that fails throws its typed
 * error (`ResourceNotFound`, `AccessDenied`, ...), with or without `.not`.
 *
 * @example
 * expect.extend(tagMatchers);
 * await expect(topicArn).toHaveTags({ team: 'payments' });
 */
export const tagMatchers: Record<keyof TagMatchers, TagMatcher> = {
  toHaveTags: matcher(
    'toHaveTags',
    'tags',
    (value, refuse) => expectedTags(value, refuse, false),
    compareTags,
  ),
  toHaveExactTags: matcher(
    'toHaveExactTags',
    'tags',
    (value, refuse) => expectedTags(value, refuse, true),
    compareExactTags,
  ),
  toHaveTagKeys: matcher('toHaveTagKeys', 'keys', expectedKeys, compareTagKeys),
};

function matcher<E>(
  name: keyof TagMatchers,
  expectedLabel: string,
  readExpected: (value: unknown, refuse: Refuse) => E,
  compare: (ctx: MatcherContext, arn: string, actual: Tags, expected: E) => Verdict,
): TagMatcher {
  return async function (this: MatcherContext, received, expected, options) {
    const hint = this.utils.matcherHint(name, 'arn', expectedLabel, {
      isNot: this.isNot,
      promise: this.promise,
      secondArgument: options === undefined ? undefined : 'options',
    });
    const refuse: Refuse = (make, problem, value) => {
      throw make(`${hint}\n\nMatcher error: ${problem}\n\nReceived: ${this.utils.printReceived(value)}`);
    };
    const arn = receivedArn(received, refuse);
    const want = readExpected(expected, refuse);
    const tagger = optionsTagger(options, refuse) ?? defaultTagger();
    const read = await readTags(tagger, arn, hint);
    const { tags, renamed } = (await keysIgnoreCase(tagger, arn.arn))
      ? alignKeyCase(read, Array.isArray(want) ? want : Object.keys(want as Tags))
      : { tags: read, renamed: [] };
    const verdict = compare(this, arn.arn, tags, want);
    return { pass: verdict.pass, message: () => `${hint}\n\n${verdict.explain()}${caseNote(renamed)}` };
  };
}

function defaultTagger(): Tagger {
  if (chosen !== undefined) return chosen;
  fromEnvironment ??= createTagger();
  return fromEnvironment;
}

/** True where the resource's keys ignore case (IAM users and roles); false where unitag cannot tell. */
async function keysIgnoreCase(tagger: Tagger, arn: string): Promise<boolean> {
  try {
    return (await tagger.explain(arn)).caseInsensitiveKeys;
  } catch {
    return false;
  }
}

async function readTags(tagger: Tagger, arn: ParsedArn, hint: string): Promise<Tags> {
  try {
    return await tagger.list(arn.arn);
  } catch (error) {
    const code = isUnitagError(error) ? error.code : 'ServiceError';
    const reason = error instanceof Error ? error.message : String(error);
    // The tagger's error is restated rather than chained as `cause`: runners print a cause chain in full, down
    // to the SDK's raw HTTP response.
    throw createError(
      code,
      `${hint}\n\nCould not read the tags of ${arn.arn} (${code}): ${reason}\n` +
        'A failed read is not "no tags": the assertion fails, with or without .not.',
      { arn: arn.arn, service: arn.service },
    );
  }
}
