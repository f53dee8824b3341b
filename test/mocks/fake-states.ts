// An in-memory Step Functions for unit tests: TagResource, UntagResource and ListTagsForResource with AWS's
// tagging semantics (lowercase key/value pairs, 50 tags a resource, ResourceNotFound for what does not exist),
// where LocalStack does not keep them (it tags no activity).
import { ListTagsForResourceCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-sfn';
import type { mockClient } from 'aws-sdk-client-mock';
import { beforeEach } from 'vitest';
import { awsError } from './sdk.js';

const MAX_TAGS = 50;

/**
 * Answers the tagging calls of `sfn` (a mock that `mockClients` resets before each test) from one store kept
 * for the whole calling `describe`; `create` makes an untagged state machine or activity and returns its ARN.
 */
export function fakeStepFunctions(sfn: ReturnType<typeof mockClient>) {
  const store = new Map<string, Map<string, string>>();
  let serial = 0;
  const tagsOf = (arn: string) => {
    const tags = store.get(arn);
    if (!tags) throw awsError('ResourceNotFound', 400);
    return tags;
  };
  beforeEach(() => {
    sfn.on(ListTagsForResourceCommand).callsFake((input: { resourceArn: string }) => ({
      tags: [...tagsOf(input.resourceArn)].map(([key, value]) => ({ key, value })),
    }));
    sfn
      .on(TagResourceCommand)
      .callsFake((input: { resourceArn: string; tags: { key: string; value: string }[] }) => {
        const next = new Map(tagsOf(input.resourceArn));
        for (const { key, value } of input.tags) next.set(key, value);
        if (next.size > MAX_TAGS) throw awsError('TooManyTags', 400);
        store.set(input.resourceArn, next);
        return {};
      });
    sfn.on(UntagResourceCommand).callsFake((input: { resourceArn: string; tagKeys: string[] }) => {
      const tags = tagsOf(input.resourceArn);
      for (const key of input.tagKeys) tags.delete(key);
      return {};
    });
  });
  return {
    create(type: 'stateMachine' | 'activity'): string {
      const arn = `arn:aws:states:us-east-1:123456789012:${type}:fake-${++serial}`;
      store.set(arn, new Map());
      return arn;
    },
  };
}
