import { stripVTControlCharacters } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import kms from '../../adapters/kms.js';
import { createQueue, createTopic } from '../../fixtures/aws-resources.js';
import { createKey } from '../../fixtures/optional-resources.js';
import { createTagger } from '../../src/index.js';
import { type TagMatchers, tagMatchers, useTagger } from '../../src/testing.js';
import {
  ACCOUNT,
  awsConfig,
  endpoint,
  localTagger,
  pretendNotInstalled,
  REGION,
  uniqueName,
} from '../helpers.js';

declare module 'vitest' {
  interface Assertion<T> extends TagMatchers<Promise<void>> {}
}

expect.extend(tagMatchers);

/** The error an assertion that should fail failed with. */
async function failure(assertion: Promise<unknown>): Promise<Error & { code?: string }> {
  const outcome = await assertion.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error('the assertion passed where it should have failed');
  return outcome;
}

const text = (error: Error) => stripVTControlCharacters(error.message);

// Nothing listens on port 9: a read through this tagger fails, so a matcher that refuses its input before
// reading leaves its call count at 0.
const unreachable = () =>
  createTagger({ ...awsConfig(), endpoint: 'http://127.0.0.1:9', retryFor: 0, connectTimeout: 2000 });

describe('tag matchers on LocalStack', () => {
  const tagger = localTagger();
  let topic: string;
  let untagged: string;

  beforeAll(async () => {
    useTagger(tagger);
    [topic, untagged] = await Promise.all([
      createTopic(awsConfig(), uniqueName('matchers')),
      createQueue(awsConfig(), uniqueName('matchers-bare')),
    ]);
    await tagger.tag(topic, { team: 'payments', stage: 'beta' });
  });

  afterAll(async () => {
    useTagger(undefined);
    await tagger.destroy();
  });

  describe('toHaveTags', () => {
    it('passes when the resource carries at least the expected pairs', async () => {
      await expect(topic).toHaveTags({ team: 'payments' });
      await expect(topic).toHaveTags({ team: 'payments', stage: 'beta' });
    });

    it('fails with a diff of the expected pairs against the actual ones, naming the ARN', async () => {
      const error = await failure(expect(topic).toHaveTags({ team: 'payments', stage: 'prod', owner: 'x' }));
      const message = text(error);
      expect(message).toContain('expect(arn).toHaveTags(tags)');
      expect(message).toContain(`Resource: ${topic}`);
      expect(message).toContain('Missing or with another value: 2 of 3 expected tags');
      expect(message).toMatch(/^- {3}"owner": "x",$/m);
      expect(message).toMatch(/^- {3}"stage": "prod",$/m);
      expect(message).toMatch(/^\+ {3}"stage": "beta",$/m);
      expect(message).toMatch(/^ {4}"team": "payments",$/m);
      expect(message).toContain('All tags: {"stage": "beta", "team": "payments"}');
    });

    it('.not passes when none of the pairs is there, and fails when any one is', async () => {
      await expect(topic).not.toHaveTags({ team: 'billing', stage: 'prod' });
      const error = await failure(expect(topic).not.toHaveTags({ team: 'payments', stage: 'prod' }));
      const message = text(error);
      expect(message).toContain('expect(arn).not.toHaveTags(tags)');
      expect(message).toContain(`Resource: ${topic}`);
      expect(message).toContain('Expected: none of {"stage": "prod", "team": "payments"}');
      expect(message).toContain('Found:    {"team": "payments"}');
    });
  });

  describe('toHaveExactTags', () => {
    it('passes for exactly the user tags, and for {} on an untagged resource', async () => {
      await expect(topic).toHaveExactTags({ stage: 'beta', team: 'payments' });
      await expect(untagged).toHaveExactTags({});
    });

    it('fails with a diff that shows the extra and the missing tags', async () => {
      const error = await failure(expect(topic).toHaveExactTags({ team: 'payments', owner: 'x' }));
      const message = text(error);
      expect(message).toContain('expect(arn).toHaveExactTags(tags)');
      expect(message).toContain(`Resource: ${topic}`);
      expect(message).toMatch(/^- {3}"owner": "x",$/m);
      expect(message).toMatch(/^\+ {3}"stage": "beta",$/m);
    });

    it('.not passes for any other set, and fails for the same one', async () => {
      await expect(topic).not.toHaveExactTags({ team: 'payments' });
      const error = await failure(expect(topic).not.toHaveExactTags({ team: 'payments', stage: 'beta' }));
      expect(text(error)).toContain('Expected: user tags other than {"stage": "beta", "team": "payments"}');
      expect(text(error)).toContain('Received: exactly those');
    });
  });

  describe('toHaveTagKeys', () => {
    it('passes when the keys are there, whatever their values', async () => {
      await expect(topic).toHaveTagKeys(['team', 'stage']);
    });

    it('fails naming the missing keys', async () => {
      const error = await failure(expect(topic).toHaveTagKeys(['team', 'owner']));
      const message = text(error);
      expect(message).toContain('Missing keys: 1 of 2');
      expect(message).toMatch(/^- {3}"owner",$/m);
      expect(message).toContain(`Resource: ${topic}`);
    });

    it('.not passes when none of the keys is there, and fails when one is', async () => {
      await expect(untagged).not.toHaveTagKeys(['team']);
      await expect(topic).not.toHaveTagKeys(['owner', 'temporary']);
      const error = await failure(expect(topic).not.toHaveTagKeys(['owner', 'stage']));
      expect(text(error)).toContain('Expected: none of the keys ["owner", "stage"]');
      expect(text(error)).toContain('Found:    ["stage"]');
    });
  });

  describe('a read that fails', () => {
    // LocalStack's SNS answers a missing topic's tag read with no tags (real SNS says NotFound), so the
    // missing resource here is a queue.
    const missing = () => `arn:aws:sqs:${REGION}:${ACCOUNT}:${uniqueName('missing')}`;

    it('fails the assertion with its typed error, with or without .not', async () => {
      const arn = missing();
      for (const assertion of [
        () => expect(arn).toHaveTags({ team: 'payments' }),
        () => expect(arn).not.toHaveTags({ team: 'payments' }),
        () => expect(arn).not.toHaveTagKeys(['team']),
        () => expect(arn).not.toHaveExactTags({ team: 'payments' }),
      ]) {
        const error = await failure(assertion());
        expect(error).toMatchObject({ code: 'ResourceNotFound', arn });
        expect(text(error)).toContain(`Could not read the tags of ${arn} (ResourceNotFound)`);
      }
    });

    it('fails, never passes .not, for a KMS key read through the tagging API for want of its client', async () => {
      // Prepare: a key tagged through KMS's own API; then KMS's client counts as not installed, so reads go
      // through LocalStack's tagging API, which does not index KMS keys and leaves the key out of its answer.
      const key = await createKey(awsConfig());
      await tagger.tag(key, { team: 'payments' });
      const restore = pretendNotInstalled(kms());
      try {
        for (const assertion of [
          () => expect(key).not.toHaveTagKeys(['team'], { tagger: localTagger({ onNotice: () => {} }) }),
          () => expect(key).toHaveExactTags({}, { tagger: localTagger({ onNotice: () => {} }) }),
        ]) {
          const error = await failure(assertion());
          expect(error).toMatchObject({ code: 'ClientMissing', arn: key });
          expect(text(error)).toContain('npm install @aws-sdk/client-kms');
        }
      } finally {
        restore();
      }
    });

    it('fails with the network error when the endpoint does not answer', async () => {
      const dead = unreachable();
      const error = await failure(expect(topic).not.toHaveTagKeys(['team'], { tagger: dead }));
      expect(error).toMatchObject({ code: 'NetworkError', arn: topic });
      expect(dead.calls).toBeGreaterThan(0);
      await dead.destroy();
    });
  });

  describe('bad input', () => {
    const dead = unreachable();
    afterAll(() => dead.destroy());

    it.each([
      ['a number for the ARN', () => expect(42).toHaveTags({ team: 'a' }, { tagger: dead }), 'InvalidArn'],
      [
        'a string that is no ARN',
        () => expect('orders').not.toHaveTags({ team: 'a' }, { tagger: dead }),
        'InvalidArn',
      ],
      [
        'a tag value that is no string',
        () => expect(topic).toHaveTags({ team: 1 } as never, { tagger: dead }),
        'InvalidTag',
      ],
      [
        'tags that are an array',
        () => expect(topic).not.toHaveExactTags([] as never, { tagger: dead }),
        'InvalidTag',
      ],
      ['no tag at all', () => expect(topic).not.toHaveTags({}, { tagger: dead }), 'InvalidTag'],
      [
        'an aws: key to compare exactly',
        () => expect(topic).toHaveExactTags({ 'aws:x': 'y' }, { tagger: dead }),
        'ReservedKey',
      ],
      [
        'keys that are a string',
        () => expect(topic).not.toHaveTagKeys('team' as never, { tagger: dead }),
        'InvalidTag',
      ],
      [
        'keys that hold a number',
        () => expect(topic).toHaveTagKeys(['team', 2] as never, { tagger: dead }),
        'InvalidTag',
      ],
      [
        'a tagger that is not one',
        () => expect(topic).toHaveTags({ team: 'a' }, { tagger: {} as never }),
        'ConfigurationError',
      ],
    ])('%s fails with a matcher error and no AWS call', async (_name, assertion, code) => {
      useTagger(dead);
      try {
        const error = await failure(assertion());
        expect(error.code).toBe(code);
        expect(text(error)).toContain('Matcher error: ');
        expect(text(error)).toContain('Received: ');
      } finally {
        useTagger(tagger);
      }
      expect(dead.calls).toBe(0);
    });
  });

  describe('the tagger', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
      useTagger(tagger);
    });

    it('a per-call tagger wins over the one set with useTagger', async () => {
      const dead = unreachable();
      useTagger(dead);
      await expect(topic).toHaveTags({ team: 'payments' }, { tagger });
      expect(dead.calls).toBe(0);
      await dead.destroy();
    });

    it('without useTagger, one is created from the environment on first use', async () => {
      vi.stubEnv('AWS_ENDPOINT_URL', endpoint());
      vi.stubEnv('AWS_REGION', REGION);
      vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
      useTagger(undefined);
      const before = tagger.calls;
      await expect(topic).toHaveTags({ team: 'payments' });
      expect(tagger.calls).toBe(before);
    });

    it('expect.poll reads again until the tags arrive', async () => {
      const arn = await createTopic(awsConfig(), uniqueName('matchers-late'));
      const before = tagger.calls;
      // The tags arrive once the poll has read twice without them (counted, not timed: however slow the reads).
      const tagged = (async () => {
        while (tagger.calls - before < 2) await new Promise((resolve) => setTimeout(resolve, 10));
        await tagger.tag(arn, { team: 'late' });
      })();
      // The poll's timeout only bounds a hang.
      await expect.poll(() => arn, { timeout: 30_000, interval: 100 }).toHaveTags({ team: 'late' });
      await tagged;
      expect(tagger.calls - before).toBeGreaterThan(2);
    });

    it('useTagger refuses what is not a tagger', () => {
      expect(() => useTagger({} as never)).toThrow(expect.objectContaining({ code: 'ConfigurationError' }));
    });
  });
});
