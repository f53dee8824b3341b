import {
  ListTagsForResourceCommand,
  SFNClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { testAdapter } from '../../conformance.js';
import { fakeStepFunctions } from '../../mocks/fake-states.js';
import { awsError, mockClients, mockedTagger } from '../../mocks/sdk.js';

const { sfn } = mockClients({ sfn: SFNClient });
const tagger = () => mockedTagger();
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:order-flow';
const ACTIVITY = 'arn:aws:states:us-east-1:123456789012:activity:approve';

describe('Step Functions', () => {
  it('tags a state machine with one TagResource by ARN, tags as lowercase key/value pairs', async () => {
    sfn.on(TagResourceCommand).resolves({});
    await tagger().tag(MACHINE, { team: 'a', stage: 'prod' });
    expect(sfn.calls()).toHaveLength(1);
    expect(sfn.commandCalls(TagResourceCommand)[0]?.args[0].input).toEqual({
      resourceArn: MACHINE,
      tags: [
        { key: 'team', value: 'a' },
        { key: 'stage', value: 'prod' },
      ],
    });
  });

  it('untags the named keys of an activity', async () => {
    sfn.on(UntagResourceCommand).resolves({});
    await tagger().untag(ACTIVITY, ['stage']);
    expect(sfn.commandCalls(UntagResourceCommand)[0]?.args[0].input).toEqual({
      resourceArn: ACTIVITY,
      tagKeys: ['stage'],
    });
  });

  it('lists lowercase pairs as tags; an empty list is {}', async () => {
    sfn.on(ListTagsForResourceCommand).resolves({ tags: [{ key: 'a', value: '1' }, { key: 'b' }] });
    expect(await tagger().list(MACHINE)).toEqual({ a: '1', b: '' });
    sfn.on(ListTagsForResourceCommand).resolves({ tags: [] });
    expect(await tagger().list(MACHINE)).toEqual({});
  });

  it.each([
    ['no tags list', {}],
    ['pairs in the Key/Value shape', { tags: [{ Key: 'a', Value: '1' }] }],
    ['a value that is not a string', { tags: [{ key: 'a', value: 1 }] }],
  ])('an answer with %s is MalformedResponse, never "no tags"', async (_, answer) => {
    sfn.on(ListTagsForResourceCommand).resolves(answer as never);
    await expect(tagger().list(MACHINE)).rejects.toMatchObject({ code: 'MalformedResponse', arn: MACHINE });
  });

  it("maps Step Functions' errors: ResourceNotFound, TooManyTags", async () => {
    sfn.on(ListTagsForResourceCommand).rejects(awsError('ResourceNotFound', 400));
    await expect(tagger().list(MACHINE)).rejects.toMatchObject({ code: 'ResourceNotFound', arn: MACHINE });
    sfn.on(TagResourceCommand).rejects(awsError('TooManyTags', 400));
    await expect(tagger().tag(MACHINE, { a: '1' })).rejects.toMatchObject({ code: 'TagLimitExceeded' });
  });

  it.each([
    [`${MACHINE}:3`, 'UnsupportedResource'],
    [`${MACHINE}:prod`, 'UnsupportedResource'],
    ['arn:aws:states:us-east-1:123456789012:execution:order-flow:run-1', 'UnsupportedResource'],
    ['arn:aws:states:us-east-1:123456789012:stateMachine/order-flow', 'UnsupportedResource'],
    ['arn:aws:states:us-east-1:123456789012:statemachine:order-flow', 'InvalidArn'],
    ['arn:aws:states:us-east-1:123456789012:stateMachine:', 'InvalidArn'],
    ['arn:aws:states:us-east-1:123456789012:stateMachine:has space', 'InvalidArn'],
    ['arn:aws:states:us-east-1:123456789012:activity:a#b', 'InvalidArn'],
    [`arn:aws:states:us-east-1:123456789012:activity:${'a'.repeat(81)}`, 'InvalidArn'],
    ['arn:aws:states::123456789012:stateMachine:order-flow', 'InvalidArn'],
    ['arn:aws:states:us-east-1::stateMachine:order-flow', 'InvalidArn'],
  ])('refuses %s before any call (%s)', async (arn, code) => {
    await expect(tagger().tag(arn, { a: '1' })).rejects.toMatchObject({ code });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('names the machine to tag instead of one of its versions', async () => {
    await expect(tagger().list(`${MACHINE}:3`)).rejects.toThrow(`tag the state machine itself: ${MACHINE}.`);
  });
});

// LocalStack answers ResourceNotFound to every tagging call on an activity: activities run the shared suite here,
// on an in-memory Step Functions with AWS's tagging semantics.
describe('Step Functions on an in-memory fake', () => {
  const fake = fakeStepFunctions(sfn);
  const onFake = { tagger };
  testAdapter(
    {
      name: 'states activity',
      create: async () => fake.create('activity'),
      missing: () => 'arn:aws:states:us-east-1:123456789012:activity:nope',
    },
    onFake,
  );
  testAdapter(
    {
      name: 'states state machine',
      create: async () => fake.create('stateMachine'),
      missing: () => 'arn:aws:states:us-east-1:123456789012:stateMachine:nope',
    },
    onFake,
  );
});
