// In-memory DynamoDB tagging for unit tests (LocalStack here serves no DynamoDB): TagResource adds or
// overwrites, UntagResource removes the keys it names (absent keys are fine), ListTagsOfResource pages its
// answer with an opaque NextToken and always carries the Tags list, and every call on a table or stream that
// was never created fails with ResourceNotFoundException, as DynamoDB documents them.
import {
  DynamoDBClient,
  ListTagsOfResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { mockAccounts, OWN_ACCOUNT } from './accounts.js';

/** The fake's page size: small, so that a resource with a few tags is read over several pages. */
export const FAKE_PAGE_SIZE = 2;

const notFound = (arn: string) =>
  Object.assign(new Error(`Requested resource not found: ResourcArn: ${arn} not found`), {
    name: 'ResourceNotFoundException',
    $metadata: { httpStatusCode: 400 },
  });

/**
 * Mocks the DynamoDB client (and STS) with in-memory tagging; returns factories of fresh tables and streams.
 * Call it in `beforeAll`, or at the top of a test file that uses no other DynamoDB mock.
 */
export function fakeDynamoDB(region = 'us-east-1', account = OWN_ACCOUNT) {
  const resources = new Map<string, Map<string, string>>();
  let serial = 0;
  const tagsOf = (arn: string) => {
    const tags = resources.get(arn);
    if (!tags) throw notFound(arn);
    return tags;
  };
  mockAccounts();
  const client = mockClient(DynamoDBClient);
  client.on(TagResourceCommand).callsFake((input) => {
    const tags = tagsOf(input.ResourceArn);
    for (const { Key, Value } of input.Tags ?? []) tags.set(Key, Value);
    return {};
  });
  client.on(UntagResourceCommand).callsFake((input) => {
    const tags = tagsOf(input.ResourceArn);
    for (const key of input.TagKeys ?? []) tags.delete(key);
    return {};
  });
  client.on(ListTagsOfResourceCommand).callsFake((input) => {
    const all = [...tagsOf(input.ResourceArn)].map(([Key, Value]) => ({ Key, Value }));
    const start = input.NextToken ? Number(Buffer.from(input.NextToken, 'base64').toString()) : 0;
    const end = start + FAKE_PAGE_SIZE;
    const NextToken = end < all.length ? Buffer.from(String(end)).toString('base64') : undefined;
    return { Tags: all.slice(start, end), ...(NextToken ? { NextToken } : {}) };
  });
  const create = (resource: string) => {
    const arn = `arn:aws:dynamodb:${region}:${account}:${resource}`;
    resources.set(arn, new Map());
    return Promise.resolve(arn);
  };
  return {
    client,
    table: () => create(`table/orders-${++serial}`),
    stream: () => create(`table/orders-${++serial}/stream/2024-01-31T12:00:00.000`),
  };
}
