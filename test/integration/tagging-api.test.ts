import {
  ResourceGroupsTaggingAPIClient,
  TagResourcesCommand,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { describe, expect, it } from 'vitest';
import taggingApi, { failureToError } from '../../adapters/tagging-api.js';
import { Engine } from '../../src/engine.js';
import { parseArn } from '../../src/index.js';
import { testAdapter } from '../conformance.js';
import { awsConfig, localTagger, uniqueName } from '../helpers.js';
import { createLogGroup, createTopic } from '../resources.js';

describe('Resource Groups Tagging API fallback on LocalStack', () => {
  testAdapter({
    name: 'logs log group (tagging API)',
    create: () => createLogGroup(awsConfig(), uniqueName('/unitag/group')),
    untagUnsupportedOnLocalStack: true,
  });

  it('dispatches a log group to the tagging-API adapter', () => {
    const tagger = localTagger();
    expect(() => tagger.list('arn:aws:logs:us-east-1:000000000000:log-group:x')).not.toThrow();
    const engine = new Engine(awsConfig());
    expect(engine.resolve('arn:aws:logs:us-east-1:000000000000:log-group:x').adapter.name).toBe(
      'tagging-api',
    );
  });

  it('turns the per-ARN "Service not yet supported" answer into a typed error', async () => {
    // Prepare: an SNS topic, which LocalStack's tagging API cannot reach (AWS-FACTS.md).
    const topic = await createTopic(awsConfig(), uniqueName('rgta-topic'));
    const engine = new Engine(awsConfig());
    const adapter = taggingApi();
    // Act: through the fallback adapter directly, as bulk writes do.
    const result = await adapter.tagBatch?.(engine.context, [parseArn(topic)], { a: 'b' });
    // Assess
    const error = result?.get(topic);
    expect(error).toMatchObject({ code: 'UnsupportedResource', arn: topic, service: 'sns' });
    // And the raw answer really is a per-ARN failure inside a 200.
    const raw = await new ResourceGroupsTaggingAPIClient(awsConfig()).send(
      new TagResourcesCommand({ ResourceARNList: [topic], Tags: { a: 'b' } }),
    );
    const failure = raw.FailedResourcesMap?.[topic];
    expect(failure).toBeDefined();
    expect(failureToError(parseArn(topic), failure ?? {}).code).toBe('UnsupportedResource');
  });
});
