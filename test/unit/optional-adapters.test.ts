// Adapters whose SDK client is an optional peer dependency: without the package, the tagging API serves their
// resources, and the tagger says once which package would give the native path.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  ResourceGroupsTaggingAPIClient,
  TagResourcesCommand,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { describe, expect, it, vi } from 'vitest';
import cloudwatch from '../../adapters/cloudwatch.js';
import { optionalSdk } from '../../src/core/kit.js';
import type { Adapter } from '../../src/index.js';
import { mockClients, mockedTagger } from '../mocks/sdk.js';

const { rgta, cw } = mockClients({ rgta: ResourceGroupsTaggingAPIClient, cw: CloudWatchClient });
const alarm = (name: string) => `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`;

/** The CloudWatch adapter as it is where `@aws-sdk/client-cloudwatch` is not installed. */
function withoutPackage(): Adapter {
  const adapter = cloudwatch();
  return { ...adapter, optionalPackage: { name: '@aws-sdk/client-cloudwatch', installed: () => false } };
}

describe('optional SDK client packages', () => {
  it('tell whether they resolve: an installed client does, a package that does not exist does not', () => {
    expect(optionalSdk('@aws-sdk/client-cloudwatch', async () => ({})).installed()).toBe(true);
    expect(optionalSdk('@aws-sdk/client-does-not-exist', async () => ({})).installed()).toBe(false);
  });

  it('without the package, writes go through the tagging API and the notice is given once per tagger', async () => {
    rgta.on(TagResourcesCommand).resolves({ FailedResourcesMap: {} });
    const onNotice = vi.fn();
    const tagger = mockedTagger({ adapters: [withoutPackage()], onNotice });
    await tagger.tag(alarm('a'), { team: 'x' });
    await tagger.tagMany([alarm('b'), alarm('c')], { team: 'x' });
    expect(rgta.commandCalls(TagResourcesCommand).map((c) => c.args[0].input.ResourceARNList)).toEqual([
      [alarm('a')],
      [alarm('b'), alarm('c')],
    ]);
    expect(cw.calls()).toHaveLength(0);
    expect(onNotice).toHaveBeenCalledTimes(1);
    expect(onNotice.mock.calls[0]?.[0]).toMatch(
      /@aws-sdk\/client-cloudwatch is not installed.*Resource Groups Tagging API.*npm install @aws-sdk\/client-cloudwatch/,
    );
    const explained = await tagger.explain(alarm('a'));
    expect(explained.adapter).toBe('tagging-api');
  });

  it('with the package, its own adapter serves the type and nothing is said', async () => {
    const onNotice = vi.fn();
    const explained = await mockedTagger({ onNotice }).explain(alarm('a'));
    expect(explained.adapter).toBe('cloudwatch');
    expect(onNotice).not.toHaveBeenCalled();
  });

  it('an error about a resource the tagging API served in its place names the missing package', async () => {
    rgta.on(TagResourcesCommand).resolves({
      FailedResourcesMap: { [alarm('e')]: { StatusCode: 400, ErrorCode: 'InvalidParameterException' } },
    });
    const tagger = mockedTagger({ adapters: [withoutPackage()], onNotice: () => {} });
    await expect(tagger.tag(alarm('e'), { team: 'x' })).rejects.toMatchObject({
      arn: alarm('e'),
      message: expect.stringMatching(
        /@aws-sdk\/client-cloudwatch is not installed, so this went through the Resource Groups Tagging API/,
      ),
    });
  });

  it('the default notice is a process warning of type UnitagNotice, once per process', async () => {
    rgta.on(TagResourcesCommand).resolves({ FailedResourcesMap: {} });
    const warnings: Error[] = [];
    const listen = (warning: Error) => warnings.push(warning);
    process.on('warning', listen);
    try {
      await mockedTagger({ adapters: [withoutPackage()] }).tag(alarm('d'), { team: 'x' });
      await mockedTagger({ adapters: [withoutPackage()] }).tag(alarm('d'), { team: 'y' });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listen);
    }
    expect(warnings.map((w) => [w.name, (w as { code?: string }).code])).toEqual([
      ['UnitagNotice', 'UNITAG_OPTIONAL_CLIENT'],
    ]);
  });
});
