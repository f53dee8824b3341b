import {
  ResourceGroupsTaggingAPIClient,
  TagResourcesCommand,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { describe, expect, it } from 'vitest';
import logs from '../../adapters/logs.js';
import { createLogGroup, createTopic } from '../../fixtures/aws-resources.js';
import { Engine } from '../../src/core/engine.js';
import { testAdapter } from '../conformance.js';
import { awsConfig, localTagger, uniqueName, withoutOptionalPackage } from '../helpers.js';

const GROUP = 'arn:aws:logs:us-east-1:000000000000:log-group:x';

describe('Resource Groups Tagging API fallback on LocalStack', () => {
  // Log groups have an adapter of their own, whose SDK client is optional: where it is not installed, the tagging
  // API serves them, as it serves every service without an adapter.
  describe('log groups where the Logs client is not installed', () => {
    withoutOptionalPackage(logs());
    testAdapter(
      {
        name: 'logs log group (tagging API)',
        create: () => createLogGroup(awsConfig(), uniqueName('/unitag/group')),
        untagUnsupportedOnLocalStack: true,
        standIn: true,
      },
      { tagger: () => localTagger({ onNotice: () => {} }) },
    );

    it('dispatches a log group to the tagging-API adapter, and says once what to install', () => {
      const notices: string[] = [];
      const engine = new Engine({ ...awsConfig(), onNotice: (notice) => notices.push(notice) });
      expect(engine.resolve(GROUP).adapter.name).toBe('tagging-api');
      expect(engine.resolve(`${GROUP}-2`).adapter.name).toBe('tagging-api');
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain('npm install @aws-sdk/client-cloudwatch-logs');
    });
  });

  it('dispatches a log group to the Logs adapter where its client is installed', () => {
    expect(new Engine(awsConfig()).resolve(GROUP).adapter.name).toBe('logs');
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
