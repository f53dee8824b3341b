// A rename or copy onto a key the resource already carries with another value: refused for that resource by
// default (TagConflict, both values shown, nothing written), overwritten or kept when asked, counted either way.
import {
  ListTagsForResourceCommand,
  SNSClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createTagger, type TaggerOptions } from '../../src/index.js';
import { mockAccounts } from '../mocks/accounts.js';

const sns = mockClient(SNSClient);
const tagger = (options: TaggerOptions = {}) =>
  createTagger({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    preferTaggingApi: false,
    retryFor: 0,
    ...options,
  });
const CLASH = 'arn:aws:sns:us-east-1:123456789012:clash';
const SAME = 'arn:aws:sns:us-east-1:123456789012:same';
const FREE = 'arn:aws:sns:us-east-1:123456789012:free';
const SOURCE = 'arn:aws:sns:us-east-1:123456789012:source';
const list = (tags: Record<string, string>) => ({
  Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
});

beforeEach(() => {
  mockAccounts();
  sns.reset();
  sns
    .on(ListTagsForResourceCommand, { ResourceArn: CLASH })
    .resolves(list({ CostCenter: 'CC-1008', 'cost-center': 'CC-9999' }));
  sns
    .on(ListTagsForResourceCommand, { ResourceArn: SAME })
    .resolves(list({ CostCenter: 'CC-1', 'cost-center': 'CC-1' }));
  sns.on(ListTagsForResourceCommand, { ResourceArn: FREE }).resolves(list({ CostCenter: 'CC-2' }));
  sns.on(ListTagsForResourceCommand, { ResourceArn: SOURCE }).resolves(list({ owner: 'team-b' }));
  sns.on(TagResourceCommand).resolves({});
  sns.on(UntagResourceCommand).resolves({});
});

const renames = [CLASH, SAME, FREE].map((arn) => ({ arn, rename: { CostCenter: 'cost-center' } }));

describe('rename onto a key already carried with another value', () => {
  it('is refused for that resource by default: TagConflict with both values, counted, nothing written', async () => {
    const t = tagger();
    const plan = await t.plan(renames);
    const [clash, same, free] = plan.entries;
    expect(clash).toMatchObject({ status: 'failed', conflicts: 1 });
    expect(clash?.error?.code).toBe('TagConflict');
    expect(clash?.error?.message).toContain(
      'renaming CostCenter to cost-center would replace cost-center="CC-9999" with "CC-1008"',
    );
    expect(clash?.error?.message).toContain('--on-conflict');
    // The same value under both keys is no conflict; neither is a key the resource does not carry.
    expect(same).toMatchObject({ status: 'change', remove: ['CostCenter'] });
    expect(same).not.toHaveProperty('conflicts');
    expect(free).toMatchObject({ status: 'change', set: { 'cost-center': 'CC-2' }, remove: ['CostCenter'] });
    expect(plan.totals).toEqual({ total: 3, change: 2, noop: 0, failed: 1, conflicts: 1 });
    const report = await t.apply(plan);
    expect(report.totals).toMatchObject({ changed: 2, failed: 1 });
    const written = sns.commandCalls(TagResourceCommand).map((c) => c.args[0].input.ResourceArn);
    expect(written).not.toContain(CLASH);
    expect(sns.commandCalls(UntagResourceCommand).map((c) => c.args[0].input.ResourceArn)).not.toContain(
      CLASH,
    );
  });

  it('onConflict overwrite replaces the value, as a plain rename did', async () => {
    const plan = await tagger().plan(renames, { onConflict: 'overwrite' });
    expect(plan.entries[0]).toMatchObject({
      status: 'change',
      set: { 'cost-center': 'CC-1008' },
      remove: ['CostCenter'],
      conflicts: 1,
    });
    expect(plan.totals).toMatchObject({ change: 3, failed: 0, conflicts: 1 });
  });

  it('onConflict keep leaves both keys as they are (nothing lost), and the tagger option does as the plan option', async () => {
    const plan = await tagger({ onConflict: 'keep' }).plan(renames);
    expect(plan.entries[0]).toMatchObject({ status: 'noop', conflicts: 1 });
    expect(plan.entries[0]?.after).toEqual({ CostCenter: 'CC-1008', 'cost-center': 'CC-9999' });
    // The plan's own option wins over the tagger's.
    const overwritten = await tagger({ onConflict: 'keep' }).plan(renames, { onConflict: 'fail' });
    expect(overwritten.entries[0]?.error?.code).toBe('TagConflict');
  });

  it('a copy onto a carried key with another value is a conflict alike', async () => {
    sns.on(ListTagsForResourceCommand, { ResourceArn: FREE }).resolves(list({ owner: 'team-a' }));
    const plan = await tagger().plan([{ arn: FREE, copyFrom: SOURCE }]);
    expect(plan.entries[0]?.error?.code).toBe('TagConflict');
    expect(plan.entries[0]?.error?.message).toContain(
      `copying owner from ${SOURCE} would replace owner="team-a" with "team-b"`,
    );
    const kept = await tagger().plan([{ arn: FREE, copyFrom: SOURCE }], { onConflict: 'keep' });
    expect(kept.entries[0]).toMatchObject({ status: 'noop', conflicts: 1 });
  });

  it('refuses an onConflict that is not a choice, before any call', async () => {
    expect(() => tagger({ onConflict: 'replace' as never })).toThrow(
      /onConflict must be one of "fail", "overwrite" and "keep"/,
    );
    await expect(tagger().plan(renames, { onConflict: 'yes' as never })).rejects.toThrow(
      /plan: options\.onConflict must be one of/,
    );
    expect(sns.calls()).toHaveLength(0);
  });
});
