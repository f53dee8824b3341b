// Properties every infrastructure-as-code state reader keeps (test/unit/iac-terraform.test.ts, iac-pulumi.test.ts):
// any text is read or refused with InvalidIacState, never another error, and tag keys that are also JavaScript
// property names are declared as keys like any other.
import fc from 'fast-check';
import { expect } from 'vitest';
import { parseArn } from '../src/core/arn.js';
import { InvalidIacStateError } from '../src/core/errors.js';
import type { IacRead } from '../src/iac/terraform.js';

/**
 * Reads each generated text with `read` (naming the file `name`): a refusal is InvalidIacState naming the file;
 * a read gives parsable ARNs and prototype-free declared tags whose values have one of `valueTypes`. The texts must
 * reach both ends: more than ten refused, more than ten with resources.
 */
export function readsOrRefuses(
  texts: fc.Arbitrary<string>,
  read: (text: string, name: string) => IacRead,
  name: string,
  valueTypes: readonly string[] = ['string'],
): void {
  const outcomes = { refused: 0, kept: 0 };
  fc.assert(
    fc.property(texts, (text) => {
      let result: IacRead;
      try {
        result = read(text, name);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidIacStateError);
        expect((error as Error).message).toContain(name);
        outcomes.refused++;
        return;
      }
      if (result.resources.length > 0) outcomes.kept++;
      for (const resource of result.resources) {
        expect(() => parseArn(resource.arn)).not.toThrow();
        expect(Object.getPrototypeOf(resource.declared)).toBeNull();
        for (const value of Object.values(resource.declared)) expect(valueTypes).toContain(typeof value);
      }
    }),
    { numRuns: 1000 },
  );
  expect(outcomes.refused).toBeGreaterThan(10);
  expect(outcomes.kept).toBeGreaterThan(10);
}

/** Tag entries with unique keys, among them keys that are also JavaScript property names (and `extra`). */
export function tagEntries(extra: readonly string[] = []): fc.Arbitrary<[string, string][]> {
  const key = fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', ...extra),
    fc.string({ minLength: 1, maxLength: 12 }),
  );
  return fc.uniqueArray(fc.tuple(key, fc.string({ maxLength: 8 })), { selector: ([k]) => k, maxLength: 8 });
}

/** A JSON object of these entries, written as text: `__proto__` stays a key like any other. */
export function objectText(entries: [string, string][]): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}`;
}

/** `declared` holds exactly the entries, each as an own key with its value, without a prototype. */
export function expectDeclared(
  declared: Record<string, string | undefined>,
  entries: [string, string][],
): void {
  expect(Object.getPrototypeOf(declared)).toBeNull();
  expect(Object.keys(declared).sort()).toEqual(entries.map(([key]) => key).sort());
  for (const [key, value] of entries) {
    expect(Object.hasOwn(declared, key), key).toBe(true);
    expect(declared[key]).toBe(value);
  }
}
