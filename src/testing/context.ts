/**
 * The part of a matcher's `this` that Jest (30) and Vitest (4) both provide and the tag matchers use. Typed
 * here, not imported from either runner, so that `unitag/testing` depends on neither.
 */
export interface MatcherContext {
  /** True under `.not`. */
  isNot?: boolean | undefined;
  /** `'resolves'` or `'rejects'` when the matcher was chained after one of them, else `''`. */
  promise?: string | undefined;
  utils: {
    matcherHint(
      name: string,
      received?: string,
      expected?: string,
      options?: {
        isNot?: boolean | undefined;
        promise?: string | undefined;
        secondArgument?: string | undefined;
      },
    ): string;
    printReceived(value: unknown): string;
    EXPECTED_COLOR(text: string): string;
    RECEIVED_COLOR(text: string): string;
    diff(expected: unknown, received: unknown): string | null | undefined;
  };
}

/** What a matcher returns to the runner; the runner fails the assertion when `pass` is not what it expects. */
export interface MatcherResult {
  pass: boolean;
  message: () => string;
}
