// startLocalStack's options are checked before anything is spawned or written: a wrong one is a
// ConfigurationError naming the option and what it accepts.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type LocalStackOptions, startLocalStack } from '../../src/localstack.js';
import { fakePython, removeTempDirs, tempDir } from '../localstack-fake.js';

afterAll(removeTempDirs);

/** Runs startLocalStack with `options` and a fake Python that logs every call; returns the error and the calls. */
async function refused(options: Record<string, unknown>) {
  const dir = tempDir();
  const calls = join(dir, 'calls.log');
  const cacheDir = join(dir, 'cache');
  process.env.FAKE_PYTHON_CALLS = calls;
  try {
    const given = { cacheDir, python: fakePython(dir), endpoint: undefined, log: () => {}, ...options };
    const error = await startLocalStack(given as LocalStackOptions).then(
      async (localstack) => {
        await localstack.stop();
        return undefined;
      },
      (e: unknown) => e as Error & { code?: string },
    );
    return {
      error,
      spawned: existsSync(calls),
      written: existsSync(cacheDir) && readdirSync(cacheDir).length > 0,
    };
  } finally {
    delete process.env.FAKE_PYTHON_CALLS;
  }
}

async function expectRefused(options: Record<string, unknown>, option: string, allowed: RegExp) {
  const { error, spawned, written } = await refused(options);
  expect(error).toMatchObject({ name: 'ConfigurationError', code: 'ConfigurationError' });
  expect(error?.message).toContain(option);
  expect(error?.message).toMatch(allowed);
  expect(spawned).toBe(false);
  expect(written).toBe(false);
}

describe('startLocalStack option checks', () => {
  it.each([-1, 70_000, 1.5, Number.NaN, '4566'])('port %s is refused', async (port) => {
    await expectRefused({ port }, 'port', /integer from 0 to 65535/);
  });

  it.each([
    ['a string', 'sqs'],
    ['an empty array', []],
    ['a number inside', ['sqs', 1]],
    ['an empty name', ['sqs', '']],
    ['a name with a comma', ['sqs,sns']],
  ])('services as %s is refused', async (_what, services) => {
    await expectRefused({ services }, 'services', /non-empty array of LocalStack service names/);
  });

  it.each([0, -5, Number.POSITIVE_INFINITY, Number.NaN, '1000'])(
    'startTimeout %s is refused',
    async (startTimeout) => {
      await expectRefused({ startTimeout }, 'startTimeout', /positive number of milliseconds/);
    },
  );

  it.each([
    ['endpoint', 'localhost:4566', /http:\/\/ or https:\/\/ URL/],
    ['keep', 'yes', /true or false/],
    ['python', '', /path or command name/],
    ['cacheDir', 42, /directory path/],
    ['log', 'stderr', /function/],
    ['service', ['sqs'], /unknown option.*services/],
  ])('%s %j is refused', async (option, value, allowed) => {
    await expectRefused({ [option]: value }, option, allowed);
  });

  it('LOCALSTACK_PORT is checked as the port is, and named', async () => {
    process.env.LOCALSTACK_PORT = 'abc';
    try {
      await expectRefused({ port: undefined }, 'LOCALSTACK_PORT', /integer from 0 to 65535/);
    } finally {
      delete process.env.LOCALSTACK_PORT;
    }
  });

  it('any port that is not an integer from 0 to 65535 is refused before anything runs', async () => {
    const bad = fc.oneof(
      fc.integer({ max: -1 }),
      fc.integer({ min: 65_536 }),
      fc.double({ noInteger: true }),
      fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
    );
    await fc.assert(
      fc.asyncProperty(bad, async (port) => {
        await expectRefused({ port }, 'port', /integer from 0 to 65535/);
      }),
      { numRuns: 40 },
    );
  });

  it('any services value that is not a non-empty array of names is refused before anything runs', async () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
    const bad = fc.oneof(
      fc.string(),
      fc.constant([]),
      fc.array(fc.oneof(fc.integer(), fc.boolean(), fc.constant(null)), { minLength: 1 }),
      fc.tuple(name, fc.constantFrom('', ' ', 'S Q S', 'a,b', 'sqs\n')),
    );
    await fc.assert(
      fc.asyncProperty(bad, async (services) => {
        await expectRefused({ services }, 'services', /non-empty array of LocalStack service names/);
      }),
      { numRuns: 40 },
    );
  });

  it('any startTimeout that is not a positive finite number is refused before anything runs', async () => {
    const bad = fc.oneof(
      fc.double({ max: 0 }),
      fc.constantFrom(Number.POSITIVE_INFINITY, Number.NaN),
      fc.string(),
      fc.constant(null),
    );
    await fc.assert(
      fc.asyncProperty(bad, async (startTimeout) => {
        await expectRefused({ startTimeout }, 'startTimeout', /positive number of milliseconds/);
      }),
      { numRuns: 40 },
    );
  });
});
