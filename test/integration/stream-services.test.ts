// The CloudWatch Logs, Kinesis, Step Functions and EventBridge adapters (their SDK clients optional peer
// dependencies) through the shared conformance suite on LocalStack, plus what LocalStack can show of each
// service's own quirks. Where LocalStack does not behave as AWS, the case is covered on mocked clients instead:
// - Logs: LocalStack's TagResource and ListTagsForResource do not check that the log group exists, so `missing`
//   is left out here (test/unit/adapters/logs.test.ts).
// - Step Functions: LocalStack answers ResourceNotFound to every tagging call on an activity, so activities run
//   the suite on an in-memory fake (test/unit/adapters/states.test.ts).
import { CloudWatchLogsClient, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import {
  createEventBus,
  createLogGroupForLogsApi,
  createRule,
  createStateMachine,
  createStream,
} from '../../fixtures/optional-resources.js';
import { testAdapter } from '../conformance.js';
import { ACCOUNT, awsConfig, localTagger, onLocalStack, REGION, uniqueName } from '../helpers.js';

const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;

describe('CloudWatch Logs on LocalStack', () => {
  testAdapter(
    {
      name: 'logs log group',
      create: () => createLogGroupForLogsApi(awsConfig(), uniqueName('/unitag/logs')),
    },
    onLocalStack,
  );

  it("writes where the Logs API reads (LocalStack's tagging API keeps log-group tags apart)", async () => {
    // Prepare
    const group = await createLogGroupForLogsApi(awsConfig(), uniqueName('/unitag/visible'));
    const tagger = localTagger();
    // Act
    await tagger.tag(group, { team: 'logs' });
    // Assess: the service's own read, without unitag, sees the tag.
    const client = new CloudWatchLogsClient(awsConfig());
    const out = await client.send(new ListTagsForResourceCommand({ resourceArn: group }));
    client.destroy();
    expect(out.tags).toEqual({ team: 'logs' });
    await tagger.destroy();
  });

  it('takes the ARN with a trailing :* for the same log group', async () => {
    const group = await createLogGroupForLogsApi(awsConfig(), uniqueName('/unitag/star'));
    const tagger = localTagger();
    await tagger.tag(`${group}:*`, { star: 'yes' });
    expect(await tagger.list(group)).toEqual({ star: 'yes' });
    await tagger.untag(`${group}:*`, ['star']);
    expect(await tagger.list(`${group}:*`)).toEqual({});
    await tagger.destroy();
  });
});

describe('Kinesis on LocalStack', () => {
  testAdapter(
    {
      name: 'kinesis stream',
      create: () => createStream(awsConfig(), uniqueName('unitag-stream')),
      missing: () => arn('kinesis', `stream/${uniqueName('missing')}`),
    },
    onLocalStack,
  );

  it('writes 50 tags, 10 a call, and reads them back', async () => {
    // Prepare: LocalStack refuses an AddTagsToStream of more than 10 tags, as AWS's reference once said.
    const stream = await createStream(awsConfig(), uniqueName('unitag-many'));
    const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`key-${i}`, `value-${i}`]));
    const tagger = localTagger();
    // Act
    const report = await tagger.tagMany([stream], tags);
    // Assess
    expect(report.totals).toMatchObject({ changed: 1, failed: 0 });
    expect(report.calls).toBe(5);
    expect(await tagger.list(stream)).toEqual(tags);
    // Removing 23 keys: LocalStack refuses more than 10 in one RemoveTagsFromStream, so 10 a call.
    const removed = Object.keys(tags).slice(0, 23);
    await tagger.untag(stream, removed);
    expect(Object.keys(await tagger.list(stream)).sort()).toEqual(Object.keys(tags).slice(23).sort());
    await tagger.destroy();
  });
});

describe('Step Functions on LocalStack', () => {
  testAdapter(
    {
      name: 'states state machine',
      create: () => createStateMachine(awsConfig(), uniqueName('unitag-machine')),
      missing: () => arn('states', `stateMachine:${uniqueName('missing')}`),
    },
    onLocalStack,
  );
});

describe('EventBridge on LocalStack', () => {
  testAdapter(
    {
      name: 'events rule on the default bus',
      create: () => createRule(awsConfig(), uniqueName('unitag-rule')),
      missing: () => arn('events', `rule/${uniqueName('missing')}`),
    },
    onLocalStack,
  );
  testAdapter(
    {
      name: 'events rule on a custom bus',
      create: async () => {
        const bus = uniqueName('unitag-bus');
        await createEventBus(awsConfig(), bus);
        return createRule(awsConfig(), uniqueName('unitag-rule'), bus);
      },
      missing: () => arn('events', `rule/${uniqueName('bus')}/${uniqueName('missing')}`),
    },
    onLocalStack,
  );
  testAdapter(
    {
      name: 'events event bus',
      create: () => createEventBus(awsConfig(), uniqueName('unitag-bus')),
      missing: () => arn('events', `event-bus/${uniqueName('missing')}`),
    },
    onLocalStack,
  );

  it('names a rule on a custom bus rule/BUS/NAME', async () => {
    const bus = uniqueName('unitag-bus');
    await createEventBus(awsConfig(), bus);
    const rule = await createRule(awsConfig(), 'nightly', bus);
    expect(rule).toBe(arn('events', `rule/${bus}/nightly`));
  });
});
