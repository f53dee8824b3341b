import {
  EventBridgeClient,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { awsError, mockClients, mockedTagger } from '../../mocks/sdk.js';

const { events } = mockClients({ events: EventBridgeClient });
const tagger = () => mockedTagger();
const ARN = 'arn:aws:events:us-east-1:123456789012';
const RULE = `${ARN}:rule/nightly`;
const BUS_RULE = `${ARN}:rule/orders/nightly`;
const PARTNER_RULE = `${ARN}:rule/aws.partner/example.com/123/orders/nightly`;
const BUS = `${ARN}:event-bus/orders`;

describe('EventBridge', () => {
  it.each([
    [RULE, 'events:rule'],
    [BUS_RULE, 'events:rule'],
    [PARTNER_RULE, 'events:rule'],
    [BUS, 'events:event-bus'],
    [`${ARN}:event-bus/default`, 'events:event-bus'],
  ])('tags %s (%s) with one TagResource by its ARN', async (arn, type) => {
    events.on(TagResourceCommand).resolves({});
    const t = tagger();
    await t.tag(arn, { team: 'a', stage: 'prod' });
    expect(events.calls()).toHaveLength(1);
    expect(events.commandCalls(TagResourceCommand)[0]?.args[0].input).toEqual({
      ResourceARN: arn,
      Tags: [
        { Key: 'team', Value: 'a' },
        { Key: 'stage', Value: 'prod' },
      ],
    });
    expect((await t.explain(arn)).type).toBe(type);
  });

  it('untags the named keys only', async () => {
    events.on(UntagResourceCommand).resolves({});
    await tagger().untag(BUS_RULE, ['stage']);
    expect(events.commandCalls(UntagResourceCommand)[0]?.args[0].input).toEqual({
      ResourceARN: BUS_RULE,
      TagKeys: ['stage'],
    });
  });

  it('lists the Tags list; [] is {}, an answer without it MalformedResponse', async () => {
    events.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'a', Value: '1' }] });
    expect(await tagger().list(BUS)).toEqual({ a: '1' });
    events.on(ListTagsForResourceCommand).resolves({ Tags: [] });
    expect(await tagger().list(BUS)).toEqual({});
    events.on(ListTagsForResourceCommand).resolves({});
    await expect(tagger().list(BUS)).rejects.toMatchObject({ code: 'MalformedResponse', arn: BUS });
  });

  it('a missing rule or bus is ResourceNotFound', async () => {
    events.on(ListTagsForResourceCommand).rejects(awsError('ResourceNotFoundException', 400));
    events.on(TagResourceCommand).rejects(awsError('ResourceNotFoundException', 400));
    await expect(tagger().list(RULE)).rejects.toMatchObject({ code: 'ResourceNotFound', arn: RULE });
    await expect(tagger().tag(BUS, { a: '1' })).rejects.toMatchObject({ code: 'ResourceNotFound', arn: BUS });
  });

  it.each([
    [`${ARN}:archive/orders`, 'UnsupportedResource'],
    [`${ARN}:connection/c/1`, 'UnsupportedResource'],
    [`${ARN}:rule:nightly`, 'UnsupportedResource'],
    [`${ARN}:Rule/nightly`, 'InvalidArn'],
    [`${ARN}:rule/`, 'InvalidArn'],
    [`${ARN}:rule/orders/`, 'InvalidArn'],
    [`${ARN}:rule//nightly`, 'InvalidArn'],
    [`${ARN}:rule/night:ly`, 'InvalidArn'],
    [`${ARN}:rule/${'r'.repeat(65)}`, 'InvalidArn'],
    [`${ARN}:event-bus/`, 'InvalidArn'],
    [`${ARN}:event-bus/bad name`, 'InvalidArn'],
    ['arn:aws:events::123456789012:rule/nightly', 'InvalidArn'],
    ['arn:aws:events:us-east-1::rule/nightly', 'InvalidArn'],
  ])('refuses %s before any call (%s)', async (arn, code) => {
    await expect(tagger().tag(arn, { a: '1' })).rejects.toMatchObject({ code });
    expect(events.calls()).toHaveLength(0);
  });
});
