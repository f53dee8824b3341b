import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TagRules } from '../../src/core/types.js';
import { DEFAULT_RULES, validateKeys, validateTags } from '../../src/index.js';

const iamRules: TagRules = { ...DEFAULT_RULES, caseInsensitiveKeys: true };
const anyChars: TagRules = { ...DEFAULT_RULES, charset: null };

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('validateTags', () => {
  it('accepts keys and values at their limits and the safe characters', () => {
    const tags = { ['k'.repeat(128)]: 'v'.repeat(256), 'a b_c.d:e/f=g+h-i@j': '', Ünïcödé: '日本語' };
    expect(codeOf(() => validateTags(tags, DEFAULT_RULES))).toBeUndefined();
  });

  it.each([
    [{ '': 'x' }, 'InvalidTag'],
    [{ ['k'.repeat(129)]: 'x' }, 'InvalidTag'],
    [{ k: 'v'.repeat(257) }, 'InvalidTag'],
    [{ 'k#': 'x' }, 'InvalidTag'],
    [{ k: 'x;y' }, 'InvalidTag'],
    [{ k: 5 as unknown as string }, 'InvalidTag'],
    [{ 'aws:x': 'y' }, 'ReservedKey'],
    [{ 'AWS:x': 'y' }, 'ReservedKey'],
    [{ 'Aws:cloudformation:stack': 'y' }, 'ReservedKey'],
  ])('refuses %j with %s', (tags, code) => {
    expect(codeOf(() => validateTags(tags, DEFAULT_RULES))).toBe(code);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(codeOf(() => validateTags({ ['😀'.repeat(128)]: '😀'.repeat(256) }, anyChars))).toBeUndefined();
    expect(codeOf(() => validateTags({ ['😀'.repeat(129)]: '' }, anyChars))).toBe('InvalidTag');
  });

  it('refuses a key or value by its count of code points exactly, whatever mix of units it has', () => {
    // Strings around the limits, of characters of one and of two UTF-16 units.
    const around = (limit: number) =>
      fc.array(fc.oneof(fc.constant('a'), fc.constant('é'), fc.constant('😀'), fc.constant('日')), {
        minLength: limit - 3,
        maxLength: limit + 3,
      });
    fc.assert(
      fc.property(around(128), around(256), (key, value) => {
        const [k, v] = [`k${key.join('')}`, value.join('')];
        const tooLong = [...k].length > 128 || [...v].length > 256;
        expect(codeOf(() => validateTags({ [k]: v }, anyChars))).toBe(tooLong ? 'InvalidTag' : undefined);
      }),
    );
  });

  it('allows any character where the service does (EC2)', () => {
    expect(codeOf(() => validateTags({ 'k#!': 'v;*' }, anyChars))).toBeUndefined();
  });

  it('allows 50 tags and refuses 51', () => {
    const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    expect(codeOf(() => validateTags(tags(50), DEFAULT_RULES))).toBeUndefined();
    expect(codeOf(() => validateTags(tags(51), DEFAULT_RULES))).toBe('TagLimitExceeded');
  });

  it('refuses keys that differ only in case where keys are case-insensitive', () => {
    expect(codeOf(() => validateTags({ Team: 'a', team: 'b' }, iamRules))).toBe('InvalidTag');
    expect(codeOf(() => validateTags({ Team: 'a', team: 'b' }, DEFAULT_RULES))).toBeUndefined();
  });

  it('refuses a value that is not a tag object', () => {
    expect(codeOf(() => validateTags(null as unknown as Record<string, string>, DEFAULT_RULES))).toBe(
      'InvalidTag',
    );
    expect(codeOf(() => validateTags([] as unknown as Record<string, string>, DEFAULT_RULES))).toBe(
      'InvalidTag',
    );
  });
});

describe('validateKeys', () => {
  it('returns the keys without repeats', () => {
    expect(validateKeys(['a', 'b', 'a'], DEFAULT_RULES)).toEqual(['a', 'b']);
  });

  it.each([
    [[''], 'InvalidTag'],
    [['aws:createdBy'], 'ReservedKey'],
    [['Team', 'TEAM'], 'InvalidTag'],
    ['team' as unknown as string[], 'InvalidTag'],
  ])('refuses %j with %s', (keys, code) => {
    expect(codeOf(() => validateKeys(keys, iamRules))).toBe(code);
  });
});
