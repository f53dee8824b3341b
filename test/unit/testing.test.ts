import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Tagger, Tags } from '../../src/index.js';
import { type TagMatchers, tagMatchers } from '../../src/testing.js';

declare module 'vitest' {
  interface Assertion<T> extends TagMatchers<Promise<void>> {}
}

expect.extend(tagMatchers);

// AWS adds `aws:` tags itself (CloudFormation's aws:cloudformation:stack-name, ...); LocalStack's services
// never do, so a tagger that answers with such a set stands in for one here.
function answering(tags: Tags | Error, caseInsensitiveKeys = false): Tagger {
  return {
    explain: async () => ({ caseInsensitiveKeys }),
    list: async () => {
      if (tags instanceof Error) throw tags;
      return Object.assign(Object.create(null) as Tags, tags);
    },
  } as unknown as Tagger;
}

const arn = 'arn:aws:sns:us-east-1:123456789012:orders';
const stack = { 'aws:cloudformation:stack-name': 'orders-stack' };

describe('unitag/testing', () => {
  it('toHaveExactTags leaves aws: tags out of the comparison and names them when it fails', async () => {
    const tagger = answering({ team: 'a', ...stack });
    await expect(arn).toHaveExactTags({ team: 'a' }, { tagger });
    await expect(arn).not.toHaveExactTags({ team: 'a', stage: 'b' }, { tagger });

    const error = await expect(arn)
      .toHaveExactTags({ team: 'b' }, { tagger })
      .then(
        () => undefined,
        (caught: Error) => caught,
      );
    const message = stripVTControlCharacters(error?.message ?? '');
    expect(message).toMatch(/^- {3}"team": "b",$/m);
    expect(message).toMatch(/^\+ {3}"team": "a",$/m);
    expect(message).not.toMatch(/^\+.*aws:cloudformation/m);
    expect(message).toContain('Ignored aws: tags: {"aws:cloudformation:stack-name": "orders-stack"}');
  });

  it('toHaveTags and toHaveTagKeys can name an aws: tag', async () => {
    const tagger = answering({ team: 'a', ...stack });
    await expect(arn).toHaveTags(stack, { tagger });
    await expect(arn).toHaveTagKeys(['aws:cloudformation:stack-name'], { tagger });
  });

  it('keys are compared as written, case included', async () => {
    const tagger = answering({ Team: 'a' });
    await expect(arn).not.toHaveTagKeys(['team'], { tagger });
    await expect(arn).not.toHaveTags({ team: 'a' }, { tagger });
  });

  it('on a resource whose keys ignore case (IAM), a key in another case is the same key, and the message says so', async () => {
    const role = 'arn:aws:iam::123456789012:role/app';
    const tagger = answering({ Team: 'a', Stage: 'b' }, true);
    await expect(role).toHaveTagKeys(['team'], { tagger });
    await expect(role).toHaveTags({ team: 'a', STAGE: 'b' }, { tagger });
    await expect(role).toHaveExactTags({ team: 'a', stage: 'b' }, { tagger });
    await expect(role).not.toHaveTags({ team: 'A' }, { tagger });
    const error = await expect(role)
      .not.toHaveTagKeys(['team'], { tagger })
      .then(
        () => undefined,
        (caught: Error) => caught,
      );
    const message = stripVTControlCharacters(error?.message ?? '');
    expect(message).toContain('Found:    ["team"]');
    expect(message).toContain(
      `This resource's tag keys ignore case (IAM), so the resource's "Team" as "team" counted.`,
    );
  });

  it('a tagger that throws something other than a unitag error fails the assertion as ServiceError', async () => {
    const tagger = answering(new Error('socket hang up'));
    await expect(expect(arn).not.toHaveTags({ team: 'a' }, { tagger })).rejects.toMatchObject({
      code: 'ServiceError',
      arn,
      service: 'sns',
      message: expect.stringContaining(`Could not read the tags of ${arn} (ServiceError): socket hang up`),
    });
  });
});
