import { GetUserCommand, IAMClient, TagUserCommand, UntagUserCommand } from '@aws-sdk/client-iam';
import { GetObjectTaggingCommand, PutObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import {
  ListTagsForResourceCommand,
  SNSClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createTagger, reportToJson } from '../../src/index.js';
import { mockAccounts } from '../mocks/accounts.js';

const sns = mockClient(SNSClient);
const iam = mockClient(IAMClient);
const tagger = () =>
  createTagger({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    preferTaggingApi: false,
    // Failures here are what the tests look at: none is retried beyond the SDK.
    retryFor: 0,
  });
const T1 = 'arn:aws:sns:us-east-1:123456789012:t1';
const T2 = 'arn:aws:sns:us-east-1:123456789012:t2';
const list = (tags: Record<string, string>) => ({
  Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
});

beforeEach(() => {
  mockAccounts();
  sns.reset();
  iam.reset();
});

describe('plan', () => {
  it('applies copy, rename, set, set-if-absent and remove in that order', async () => {
    sns
      .on(ListTagsForResourceCommand, { ResourceArn: T1 })
      .resolves(list({ Team: 'a', owner: 'x', old: '1' }));
    sns.on(ListTagsForResourceCommand, { ResourceArn: T2 }).resolves(list({ cost: 'cc', env: 'prod' }));
    const planned = await tagger().plan([
      {
        arn: T1,
        copyFrom: T2,
        rename: { Team: 'team', missing: 'never' },
        set: { env: 'dev' },
        setIfAbsent: { owner: 'y', tier: 'gold' },
        remove: ['old'],
      },
    ]);
    expect(planned.entries).toHaveLength(1);
    expect(planned.entries[0]).toMatchObject({
      status: 'change',
      type: 'sns:topic',
      before: { Team: 'a', owner: 'x', old: '1' },
      after: { owner: 'x', cost: 'cc', env: 'dev', team: 'a', tier: 'gold' },
      set: { cost: 'cc', env: 'dev', team: 'a', tier: 'gold' },
      remove: ['Team', 'old'],
    });
    expect(sns.commandCalls(TagResourceCommand)).toHaveLength(0);
  });

  it('merges several changes to one ARN and marks resources with nothing to do', async () => {
    sns.on(ListTagsForResourceCommand).resolves(list({ a: '1' }));
    const planned = await tagger().plan([
      { arn: T1, set: { b: '2' } },
      { arn: T1, remove: ['a'] },
      { arn: T2, set: { a: '1' } },
    ]);
    expect(planned.entries.map((e) => [e.arn, e.status, e.set, e.remove])).toEqual([
      [T1, 'change', { b: '2' }, ['a']],
      [T2, 'noop', {}, []],
    ]);
    expect(planned.totals).toEqual({ total: 2, change: 1, noop: 1, failed: 0, conflicts: 0 });
  });

  it('a failed read fails the entry, never reads as no tags, and apply writes nothing for it', async () => {
    sns
      .on(ListTagsForResourceCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AuthorizationError' }));
    const planned = await tagger().plan([{ arn: T1, set: { a: '1' } }]);
    expect(planned.entries[0]).toMatchObject({ status: 'failed', error: { code: 'AccessDenied' } });
    const report = await tagger().apply(planned);
    expect(report.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'AccessDenied' } });
    expect(sns.commandCalls(TagResourceCommand)).toHaveLength(0);
  });

  it('onRead is called once per resource read, as each read ends, failed reads included', async () => {
    sns.on(ListTagsForResourceCommand, { ResourceArn: T1 }).resolves(list({ a: '1' }));
    sns
      .on(ListTagsForResourceCommand, { ResourceArn: T2 })
      .rejects(Object.assign(new Error('denied'), { name: 'AuthorizationError' }));
    const reads: { arn: string; outcome: string }[] = [];
    const planned = await tagger().plan(
      [
        { arn: T1, set: { b: '2' } },
        { arn: T2, set: { b: '2' } },
        { arn: T1, remove: ['a'] },
      ],
      { onRead: ({ arn, outcome }) => reads.push({ arn, outcome }) },
    );
    expect(planned.totals).toMatchObject({ total: 2, change: 1, failed: 1 });
    expect(reads.sort((x, y) => x.arn.localeCompare(y.arn))).toEqual([
      { arn: T1, outcome: 'read' },
      { arn: T2, outcome: 'failed' },
    ]);
    await expect(tagger().plan([], { onRead: 'x' as never })).rejects.toMatchObject({
      code: 'ConfigurationError',
    });
  });

  it('a failed copy source fails the entry', async () => {
    sns.on(ListTagsForResourceCommand, { ResourceArn: T1 }).resolves(list({}));
    sns
      .on(ListTagsForResourceCommand, { ResourceArn: T2 })
      .rejects(Object.assign(new Error('x'), { name: 'Throttled' }));
    const planned = await tagger().plan([{ arn: T1, copyFrom: T2 }]);
    expect(planned.entries[0]).toMatchObject({ status: 'failed', error: { code: 'Throttled' } });
  });

  it.each([
    [{ rename: { 'aws:x': 'y' } }, 'ReservedKey'],
    [{ rename: { x: 'aws:y' } }, 'ReservedKey'],
    [{ remove: ['aws:cloudformation:stack-name'] }, 'ReservedKey'],
    [{ setIfAbsent: { k: 'v'.repeat(257) } }, 'InvalidTag'],
    [{ set: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, 'TagLimitExceeded'],
    [{ set: { 'bad#key': 'v' } }, 'InvalidTag'],
    [{ set: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])) }, 'TagLimitExceeded'],
  ])('refuses %j in the plan with %s', async (change, code) => {
    sns.on(ListTagsForResourceCommand).resolves(list({ existing: '1' }));
    const planned = await tagger().plan([{ arn: T1, ...change }]);
    expect(planned.entries[0]).toMatchObject({ status: 'failed', error: { code } });
  });

  it('checks every change before any call: a bad one is never read, the good ones are', async () => {
    sns.on(ListTagsForResourceCommand).resolves(list({}));
    const planned = await tagger().plan([
      { arn: T1, set: { 'aws:reserved': 'v' } },
      { arn: T2, set: { ok: '1' } },
      { arn: T1, set: { fine: '1' } },
    ]);
    expect(planned.entries.map((e) => [e.arn, e.status, e.error?.code])).toEqual([
      [T1, 'failed', 'ReservedKey'],
      [T2, 'change', undefined],
    ]);
    expect(sns.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input.ResourceArn)).toEqual([
      T2,
    ]);
  });

  it('copies no aws: tags, and only the keys named', async () => {
    sns.on(ListTagsForResourceCommand, { ResourceArn: T1 }).resolves(list({}));
    sns
      .on(ListTagsForResourceCommand, { ResourceArn: T2 })
      .resolves(list({ 'aws:cloudformation:stack-id': 's', a: '1', b: '2' }));
    const planned = await tagger().plan([
      { arn: T1, copyFrom: { arn: T2, keys: ['a', 'aws:cloudformation:stack-id'] } },
    ]);
    expect(planned.entries[0]?.after).toEqual({ a: '1' });
  });

  it('on IAM users, refuses a rename that only changes case (it would remove the tag)', async () => {
    iam
      .on(GetUserCommand)
      .resolves({ User: { Path: '/', UserName: 'alice', ...list({ Team: 'a' }) } as never });
    const user = 'arn:aws:iam::123456789012:user/alice';
    const planned = await tagger().plan([{ arn: user, rename: { Team: 'team' } }]);
    expect(planned.entries[0]).toMatchObject({ status: 'failed', error: { code: 'InvalidTag' } });
    await tagger().apply(planned);
    expect(iam.commandCalls(TagUserCommand)).toHaveLength(0);
    expect(iam.commandCalls(UntagUserCommand)).toHaveLength(0);
  });
});

describe('apply', () => {
  it('makes exactly the writes the plan lists: tag first, then untag', async () => {
    sns.on(ListTagsForResourceCommand, { ResourceArn: T1 }).resolves(list({ Team: 'a' }));
    sns.on(ListTagsForResourceCommand, { ResourceArn: T2 }).resolves(list({ team: 'a' }));
    sns.on(TagResourceCommand).resolves({});
    sns.on(UntagResourceCommand).resolves({});
    const t = tagger();
    const planned = await t.plan([
      { arn: T1, rename: { Team: 'team' } },
      { arn: T2, rename: { Team: 'team' } },
    ]);
    sns.resetHistory();
    const report = await t.apply(planned);
    expect(sns.calls().map((c) => [c.args[0].constructor.name, c.args[0].input])).toEqual([
      ['TagResourceCommand', { ResourceArn: T1, Tags: [{ Key: 'team', Value: 'a' }] }],
      ['UntagResourceCommand', { ResourceArn: T1, TagKeys: ['Team'] }],
    ]);
    expect(report.results.map((r) => [r.outcome, r.before, r.after])).toEqual([
      ['changed', { Team: 'a' }, { team: 'a' }],
      ['unchanged', { team: 'a' }, { team: 'a' }],
    ]);
  });

  it('writes a JSON report that a second run takes to skip what is done', async () => {
    sns.on(ListTagsForResourceCommand).resolves(list({}));
    sns
      .on(TagResourceCommand, { ResourceArn: T2 })
      .rejects(Object.assign(new Error('gone'), { name: 'NotFound' }));
    sns.on(TagResourceCommand, { ResourceArn: T1 }).resolves({});
    const t = tagger();
    const planned = await t.plan([
      { arn: T1, set: { a: '1' } },
      { arn: T2, set: { a: '1' } },
    ]);
    const first = await t.apply(planned);
    const json = JSON.parse(JSON.stringify(reportToJson(first)));
    expect(json).toMatchObject({
      version: 2,
      command: 'apply',
      totals: { total: 2, changed: 1, failed: 1 },
      resources: [
        { arn: T1, outcome: 'changed', before: {}, after: { a: '1' } },
        {
          arn: T2,
          outcome: 'failed',
          error: { code: 'ResourceNotFound', message: expect.stringContaining('gone') },
        },
      ],
    });
    sns.resetHistory();
    const second = await t.apply(planned, { resume: json });
    // The line done before comes back as it was, marked resumed, and is not written again.
    expect(second.results[0]).toMatchObject({
      arn: T1,
      outcome: 'changed',
      before: {},
      after: { a: '1' },
      resumed: true,
    });
    expect(second.results[1]).toMatchObject({ arn: T2, outcome: 'failed' });
    expect(second.totals).toMatchObject({ changed: 1, failed: 1, skipped: 0 });
    expect(sns.commandCalls(TagResourceCommand).map((c) => c.args[0].input.ResourceArn)).toEqual([T2]);
  });
});

describe('S3 object versions in plans and reports', () => {
  const s3 = mockClient(S3Client);
  const OBJECT = 'arn:aws:s3:::bkt/k';
  beforeEach(() => {
    s3.reset();
    s3.on(GetObjectTaggingCommand).resolves({ TagSet: [] });
  });

  it('keeps version V of b/k apart from the object named b/k?V', async () => {
    s3.on(PutObjectTaggingCommand).resolves({});
    const planned = await tagger().plan([
      { arn: OBJECT, versionId: 'V', set: { forK: '1' } },
      { arn: `${OBJECT}?V`, set: { forOther: '1' } },
    ]);
    expect(planned.entries.map((e) => [e.arn, e.versionId, Object.keys(e.set)])).toEqual([
      [OBJECT, 'V', ['forK']],
      [`${OBJECT}?V`, undefined, ['forOther']],
    ]);
    await tagger().apply(planned);
    const puts = s3.commandCalls(PutObjectTaggingCommand).map((c) => c.args[0].input);
    expect(puts).toEqual(
      expect.arrayContaining([
        { Bucket: 'bkt', Key: 'k', VersionId: 'V', Tagging: { TagSet: [{ Key: 'forK', Value: '1' }] } },
        { Bucket: 'bkt', Key: 'k?V', Tagging: { TagSet: [{ Key: 'forOther', Value: '1' }] } },
      ]),
    );
  });

  it('resumes per version: a version that failed is written again though another version was done', async () => {
    // Prepare: version A written, version B failed.
    let failuresLeft = 1;
    s3.on(PutObjectTaggingCommand).callsFake(async (input) => {
      if (input.VersionId === 'B' && failuresLeft-- > 0) {
        throw Object.assign(new Error('busy'), { name: 'SlowDown' });
      }
      return {};
    });
    const t = tagger();
    const planned = await t.plan([
      { arn: OBJECT, versionId: 'A', set: { a: '1' } },
      { arn: OBJECT, versionId: 'B', set: { a: '1' } },
    ]);
    const first = await t.apply(planned);
    expect(first.results.map((r) => [r.versionId, r.outcome])).toEqual([
      ['A', 'changed'],
      ['B', 'failed'],
    ]);
    s3.resetHistory();
    // Act
    const second = await t.apply(planned, { resume: JSON.parse(JSON.stringify(reportToJson(first))) });
    // Assess
    expect(second.results.map((r) => [r.versionId, r.outcome, r.resumed ?? false])).toEqual([
      ['A', 'changed', true],
      ['B', 'changed', false],
    ]);
    expect(s3.commandCalls(PutObjectTaggingCommand).map((c) => c.args[0].input.VersionId)).toEqual(['B']);
  });
});
