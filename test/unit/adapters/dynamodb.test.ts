import {
  DynamoDBClient,
  ListTagsOfResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { familyOf } from '../../../src/core/rates.js';
import { actionInfo } from '../../../src/governance/iam-data.js';
import { awsError, mockClients, mockedTagger } from '../../mocks/sdk.js';

const { dynamodb } = mockClients({ dynamodb: DynamoDBClient });
const tagger = () => mockedTagger();
const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
const STREAM = `${TABLE}/stream/2024-01-31T12:00:00.000`;

describe('DynamoDB', () => {
  it('tags a table with one TagResource by ARN, in Key/Value pairs', async () => {
    dynamodb.on(TagResourceCommand).resolves({});
    await tagger().tag(TABLE, { team: 'a', stage: 'prod' });
    expect(dynamodb.calls()).toHaveLength(1);
    expect(dynamodb.commandCalls(TagResourceCommand)[0]?.args[0].input).toEqual({
      ResourceArn: TABLE,
      Tags: [
        { Key: 'team', Value: 'a' },
        { Key: 'stage', Value: 'prod' },
      ],
    });
  });

  it('untags a stream by its ARN, naming only the keys', async () => {
    dynamodb.on(UntagResourceCommand).resolves({});
    await tagger().untag(STREAM, ['stage']);
    expect(dynamodb.commandCalls(UntagResourceCommand)[0]?.args[0].input).toEqual({
      ResourceArn: STREAM,
      TagKeys: ['stage'],
    });
  });

  it('follows NextToken to the last page and merges the pages', async () => {
    // Prepare
    dynamodb
      .on(ListTagsOfResourceCommand, { ResourceArn: TABLE, NextToken: undefined })
      .resolves({ Tags: [{ Key: 'a', Value: '1' }], NextToken: 'p2' })
      .on(ListTagsOfResourceCommand, { ResourceArn: TABLE, NextToken: 'p2' })
      .resolves({ Tags: [{ Key: 'b', Value: '2' }], NextToken: 'p3' })
      .on(ListTagsOfResourceCommand, { ResourceArn: TABLE, NextToken: 'p3' })
      .resolves({ Tags: [] });
    // Act
    const tags = await tagger().list(TABLE);
    // Assess
    expect(tags).toEqual({ a: '1', b: '2' });
    const inputs = dynamodb.commandCalls(ListTagsOfResourceCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      { ResourceArn: TABLE, NextToken: undefined },
      { ResourceArn: TABLE, NextToken: 'p2' },
      { ResourceArn: TABLE, NextToken: 'p3' },
    ]);
  });

  it('reads a page without its Tags list, or a token that repeats, as MalformedResponse, never "no tags"', async () => {
    dynamodb.on(ListTagsOfResourceCommand).resolves({});
    await expect(tagger().list(TABLE)).rejects.toMatchObject({ code: 'MalformedResponse', arn: TABLE });
    dynamodb.on(ListTagsOfResourceCommand).resolves({ Tags: [], NextToken: 'same' });
    await expect(tagger().list(TABLE)).rejects.toMatchObject({ code: 'MalformedResponse' });
  });

  it.each([
    ['ResourceNotFoundException', 'ResourceNotFound'],
    ['ResourceInUseException', 'ServiceError'],
    // Too many table operations at once: to be tried again later, as the SDK does for this name.
    ['LimitExceededException', 'Throttled'],
    ['ThrottlingException', 'Throttled'],
  ])("maps DynamoDB's %s to %s", async (error, code) => {
    dynamodb.on(TagResourceCommand).rejects(awsError(error, 400));
    await expect(tagger().tag(TABLE, { a: '1' })).rejects.toMatchObject({ code, arn: TABLE });
  });

  it('keeps to DynamoDB\'s own tag rules before any call: no "@", at most 50 tags', async () => {
    await expect(tagger().tag(TABLE, { owner: 'a@example.com' })).rejects.toMatchObject({
      code: 'InvalidTag',
    });
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    await expect(tagger().tag(TABLE, many)).rejects.toMatchObject({ code: 'TagLimitExceeded' });
    expect(dynamodb.calls()).toHaveLength(0);
  });

  it.each([
    [`${TABLE}/index/byDate`, 'UnsupportedResource'],
    [`${TABLE}/backup/01700000000000-abcdef12`, 'UnsupportedResource'],
    [`${TABLE}/export/01700000000000-abcdef12`, 'UnsupportedResource'],
    ['arn:aws:dynamodb::123456789012:global-table/orders', 'UnsupportedResource'],
    ['arn:aws:dynamodb:us-east-1:123456789012:table:orders', 'UnsupportedResource'],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/ab', 'InvalidArn'],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/orders?x', 'InvalidArn'],
    [`${TABLE}/stream/yesterday`, 'InvalidArn'],
    [`${STREAM}/more`, 'InvalidArn'],
    ['arn:aws:dynamodb::123456789012:table/orders', 'InvalidArn'],
  ])('refuses %s before any call (%s)', async (arn, code) => {
    await expect(tagger().tag(arn, { a: '1' })).rejects.toMatchObject({ code });
    await expect(tagger().list(arn)).rejects.toMatchObject({ code });
    expect(dynamodb.calls()).toHaveLength(0);
  });

  it("names IAM actions that exist, and meters the calls in DynamoDB's documented families", async () => {
    const { actions } = await tagger().explain(STREAM);
    for (const action of [...actions.tag, ...actions.untag, ...actions.list]) {
      expect(await actionInfo(action), action).toBeDefined();
    }
    expect(actions).toEqual({
      tag: ['dynamodb:TagResource'],
      untag: ['dynamodb:UntagResource'],
      list: ['dynamodb:ListTagsOfResource'],
    });
    expect(
      ['TagResource', 'UntagResource', 'ListTagsOfResource', 'Query'].map((o) => familyOf('dynamodb', o)),
    ).toEqual(['dynamodb:tag-write', 'dynamodb:tag-write', 'dynamodb:tag-read', undefined]);
  });
});
