import {
  ResourceGroupsTaggingAPIClient,
  TagResourcesCommand,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { describe, expect, it } from 'vitest';
import { createLogGroup, createTopic } from '../../fixtures/aws-resources.js';
import { Engine } from '../../src/engine.js';
import { testAdapter } from '../conformance.js';
import { awsConfig, localTagger, onLocalStack, uniqueName } from '../helpers.js';

describe('Resource Groups Tagging API fallback on LocalStack', () => {
  testAdapter(
    {
      name: 'logs log group (tagging API)',
      create: () => createLogGroup(awsConfig(), uniqueName('/unitag/group')),
      untagUnsupportedOnLocalStack: true,
    },
    onLocalStack,
  );

  it('dispatches a log group to the tagging-API adapter', () => {
    const tagger = localTagger();
    expect(() => tagger.list('arn:aws:logs:us-east-1:000000000000:log-group:x')).not.toThrow();
    const engine = new Engine(awsConfig());
    expect(engine.resolve('arn:aws:logs:us-east-1:000000000000:log-group:x').adapter.name).toBe(
      'tagging-api',
    );
  });

  it('turns the per-ARN "Service not yet supported" answer into a typed error', async () => {
    // Prepare: an SNS topic, which LocalStack's tagging API cannot reach.
    const topic = await createTopic(awsConfig(), uniqueName('rgta-topic'));
    const engine = new Engine(awsConfig());
    const target = engine.resolve(topic);
    // Act: through the fallback adapter, as bulk writes do.
    const result = await engine.writeBatch(engine.registry.fallback, [target], {
      set: { a: 'b' },
      remove: [],
    });
    // Assess
    expect(result.get(topic)).toMatchObject({ code: 'UnsupportedResource', arn: topic, service: 'sns' });
    // And the raw answer really is a per-ARN failure inside a 200.
    const raw = await new ResourceGroupsTaggingAPIClient(awsConfig()).send(
      new TagResourcesCommand({ ResourceARNList: [topic], Tags: { a: 'b' } }),
    );
    expect(raw.FailedResourcesMap?.[topic]).toMatchObject({ StatusCode: 404 });
  });
});
