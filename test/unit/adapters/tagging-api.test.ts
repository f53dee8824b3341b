import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
  TagResourcesCommand,
  UntagResourcesCommand,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { describe, expect, it, vi } from 'vitest';
import logs from '../../../adapters/logs.js';
import { Engine } from '../../../src/core/engine.js';
import { withoutOptionalPackage } from '../../helpers.js';
import { mockClients, mockedTagger } from '../../mocks/sdk.js';

const { rgta } = mockClients({ rgta: ResourceGroupsTaggingAPIClient });
const tagger = () => mockedTagger({ onNotice: () => {} });
// Log groups stand for the resources only the tagging API serves: as where the Logs client is not installed.
withoutOptionalPackage(logs());

describe('tagging-API fallback', () => {
  const group = (n: number, region = 'us-east-1') => `arn:aws:logs:${region}:123456789012:log-group:g${n}`;

  it('maps per-ARN failures inside a 200 answer to typed errors', async () => {
    rgta.on(TagResourcesCommand).resolves({
      FailedResourcesMap: {
        [group(1)]: {
          StatusCode: 403,
          ErrorCode: 'InvalidParameterException',
          ErrorMessage: 'AccessDenied for tag:TagResources',
        },
      },
    });
    await expect(tagger().tag(group(1), { a: 'b' })).rejects.toMatchObject({
      code: 'AccessDenied',
      arn: group(1),
    });
    expect(rgta.calls()).toHaveLength(1);
  });

  it('retries only the throttled ARNs, never the others', async () => {
    const e = new Engine({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    rgta
      .on(TagResourcesCommand)
      .resolvesOnce({
        FailedResourcesMap: {
          [group(1)]: {
            StatusCode: 429,
            ErrorCode: 'ThrottlingException' as never,
            ErrorMessage: 'Rate exceeded',
          },
          [group(2)]: { StatusCode: 404, ErrorCode: 'InvalidParameterException', ErrorMessage: 'not found' },
        },
      })
      .resolves({ FailedResourcesMap: {} });
    const result = await e.writeBatch(
      e.registry.fallback,
      [group(1), group(2), group(3)].map((a) => e.resolve(a)),
      { set: { a: 'b' }, remove: [] },
    );
    const calls = rgta.commandCalls(TagResourcesCommand).map((c) => c.args[0].input.ResourceARNList);
    expect(calls).toEqual([[group(1), group(2), group(3)], [group(1)]]);
    expect(result?.get(group(1))).toBe('changed');
    expect(result?.get(group(2))).toMatchObject({ code: 'ResourceNotFound' });
    expect(result?.get(group(3))).toBe('changed');
  });

  it('gives up on an ARN that stays throttled, with a Throttled error', async () => {
    rgta.on(UntagResourcesCommand).resolves({
      FailedResourcesMap: {
        [group(1)]: { StatusCode: 429, ErrorCode: 'ThrottlingException' as never, ErrorMessage: 'slow down' },
      },
    });
    // The backoffs between the 5 attempts (up to 3 s in all) pass in fake time: no real wait, whatever the load.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const untagged = tagger()
        .untag(group(1), ['a'])
        .catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(await untagged).toMatchObject({ code: 'Throttled' });
    } finally {
      vi.useRealTimers();
    }
    expect(rgta.commandCalls(UntagResourcesCommand)).toHaveLength(5);
  });

  it('sends at most 20 ARNs a call, one region per client', async () => {
    const e = new Engine({ credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    rgta.on(TagResourcesCommand).resolves({ FailedResourcesMap: {} });
    const arns = [
      ...Array.from({ length: 21 }, (_, i) => group(i)),
      ...Array.from({ length: 20 }, (_, i) => group(i, 'eu-west-1')),
    ];
    const result = await e.writeBatch(
      e.registry.fallback,
      arns.map((a) => e.resolve(a)),
      { set: { a: 'b' }, remove: [] },
    );
    const sizes = rgta.commandCalls(TagResourcesCommand).map((c) => c.args[0].input.ResourceARNList?.length);
    expect(sizes).toEqual([20, 1, 20]);
    expect([...(result?.values() ?? [])].every((o) => o === 'changed')).toBe(true);
    expect(result?.size).toBe(41);
  });

  it('lists from GetResources, filtering to the ARN asked for', async () => {
    rgta.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [
        { ResourceARN: group(2), Tags: [{ Key: 'x', Value: 'y' }] },
        { ResourceARN: group(1), Tags: [{ Key: 'a', Value: '1' }] },
      ],
    });
    expect(await tagger().list(group(1))).toEqual({ a: '1' });
    expect(rgta.commandCalls(GetResourcesCommand)[0]?.args[0].input).toEqual({ ResourceARNList: [group(1)] });
  });
});
