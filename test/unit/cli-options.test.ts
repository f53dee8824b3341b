// The CLI's option parsers: each bad value is a usage error that names the flag and what it takes.
import { describe, expect, it } from 'vitest';
import { maxRate, secondsFor, UsageError } from '../../src/cli/common.js';
import { loopbackRates } from '../../src/cli/rate-options.js';
import { createTagger } from '../../src/index.js';

describe('--max-rate', () => {
  it.each([
    ['sns=5', undefined, { sns: 5 }],
    ['ec2:mutating=5,sns=2', undefined, { 'ec2:mutating': 5, sns: 2 }],
    ['sns=off', undefined, { sns: Number.POSITIVE_INFINITY }],
    ['sns=1.5', { ec2: 3 }, { ec2: 3, sns: 1.5 }],
    ['off', undefined, false],
    ['aws', undefined, {}],
    ['aws', { sns: 2 }, { sns: 2 }],
  ])('takes %s', (value, earlier, expected) => {
    const rates = maxRate(value, earlier);
    expect(rates === false ? rates : { ...rates }).toEqual(expected);
  });

  it.each([
    ['sns=5=7', undefined],
    ['sns=5,sns=6', undefined],
    ['sns=0x10', undefined],
    ['sns=1e-9', undefined],
    ['sns=0', undefined],
    ['nosuch=1', undefined],
    ['sns=', undefined],
    ['sns=5', false],
    ['off', { sns: 5 }],
  ] as const)('refuses %s (after %j) with a usage error', (value, earlier) => {
    expect(() => maxRate(value, earlier as Record<string, number> | false | undefined)).toThrow(UsageError);
  });
});

describe('rates on an endpoint on this machine', () => {
  it.each(['http://127.0.0.1:4566', 'http://localhost:4566', 'http://127.1.2.3:80', 'http://[::1]:4566'])(
    '%s: none, said on standard error',
    (endpoint) => {
      const said: string[] = [];
      const write = process.stderr.write;
      process.stderr.write = ((text: string) => said.push(text) > 0) as typeof write;
      try {
        expect(loopbackRates(endpoint)).toBe(false);
      } finally {
        process.stderr.write = write;
      }
      expect(said.join('')).toContain("AWS's request rates are not applied (--max-rate aws applies them)");
    },
  );

  it.each([
    undefined,
    'https://sns.us-east-1.amazonaws.com',
    'http://10.0.0.5:4566',
    'not a url',
    'http://127.0.0.1.evil.example',
  ])('%s: AWS rates (undefined)', (endpoint) => {
    expect(loopbackRates(endpoint)).toBeUndefined();
  });
});

describe('seconds options', () => {
  it('name their flag and what 0 means', () => {
    const retryFor = secondsFor('--retry-for', 'no retry beyond the SDK');
    expect(retryFor('0')).toBe(0);
    expect(retryFor('2.5')).toBe(2.5);
    for (const bad of ['-1', 'abc', '', '1e12', 'Infinity', '0x10']) {
      expect(() => retryFor(bad)).toThrow(
        /--retry-for takes a number of seconds from 0 \(no retry beyond the SDK\)/,
      );
    }
  });
});

describe('createTagger', () => {
  it.each([Number.NaN, 'abc', -5, Number.POSITIVE_INFINITY])(
    'refuses retryFor %s with a ConfigurationError, before any call',
    (retryFor) => {
      expect(() => createTagger({ retryFor: retryFor as number })).toThrow(
        expect.objectContaining({ code: 'ConfigurationError' }),
      );
    },
  );
});
