import { describe, expect, it } from 'vitest';
import logs from '../../adapters/logs.js';
import {
  createBucket,
  createEc2,
  createIam,
  createLogGroup,
  createQueue,
  createTopic,
  deleteVolume,
} from '../../fixtures/aws-resources.js';
import { createLogGroupForLogsApi } from '../../fixtures/optional-resources.js';
import { reportToJson } from '../../src/index.js';
import { ACCOUNT, awsConfig, localTagger, pretendNotInstalled, REGION, uniqueName } from '../helpers.js';

const config = () => awsConfig();

async function mixedResources(n = 2): Promise<string[]> {
  const arns = await Promise.all(
    Array.from({ length: n }, () => [
      createTopic(config(), uniqueName('bulk-topic')),
      createQueue(config(), uniqueName('bulk-queue')),
      createBucket(config(), uniqueName('bulk-bucket')),
      createEc2(config(), 'volume'),
      createIam(config(), 'role', uniqueName('bulk-role')),
      createLogGroupForLogsApi(config(), uniqueName('/bulk/group')),
    ]).flat(),
  );
  return arns;
}

describe('bulk operations on LocalStack', () => {
  it('tags, lists and untags a mix of services, one report line each', async () => {
    const arns = await mixedResources();
    const tagger = localTagger({ concurrency: 8 });
    const tagged = await tagger.tagMany(arns, { project: 'QuarkEagle', stage: 'beta' });
    expect(tagged.totals).toMatchObject({ total: 12, changed: 12, failed: 0 });
    expect(tagged.results.map((r) => r.arn)).toEqual(arns);
    const listed = await tagger.listMany(arns);
    for (const r of listed.results) expect(r.tags, r.arn).toEqual({ project: 'QuarkEagle', stage: 'beta' });

    const untagged = await tagger.untagMany(arns, ['stage']);
    for (const r of untagged.results) expect(r.outcome, r.arn).toBe('changed');
    const after = await tagger.listMany(arns);
    for (const r of after.results) expect(r.tags, r.arn).toEqual({ project: 'QuarkEagle' });
  });

  it('probes the tagging API once per service and region, then remembers its refusal', async () => {
    const tagger = localTagger();
    const topics = await Promise.all(
      Array.from({ length: 3 }, () => createTopic(config(), uniqueName('probe'))),
    );
    const first = await tagger.tagMany(topics, { a: '1' });
    const second = await tagger.tagMany(topics, { a: '2' });
    expect(first.totals.changed).toBe(3);
    expect(second.totals.changed).toBe(3);
    expect(first.calls).toBe(4); // one TagResources probe, refused, then three SNS TagResource
    expect(second.calls).toBe(3); // no probe
  });

  it('isolates a deleted volume in an EC2 batch: the others are tagged', async () => {
    const volumes = await Promise.all(Array.from({ length: 4 }, () => createEc2(config(), 'volume')));
    const gone = volumes[1] as string;
    await deleteVolume(config(), gone);
    const tagger = localTagger();
    const report = await tagger.tagMany(volumes, { batch: 'yes' });
    expect(report.results.map((r) => r.outcome)).toEqual(['changed', 'failed', 'changed', 'changed']);
    expect(report.results[1]?.error?.code).toBe('ResourceNotFound');
    expect(report.calls).toBe(3); // STS GetCallerIdentity (the account check, once per tagger), the batch, then the batch without the named id
    const listed = await tagger.listMany(volumes.filter((v) => v !== gone));
    for (const r of listed.results) expect(r.tags).toEqual({ batch: 'yes' });
  });

  it('plans renames, set-if-absent and copies, applies exactly them, and reads back the result', async () => {
    const tagger = localTagger();
    const [topic, queue, volume, source] = await Promise.all([
      createTopic(config(), uniqueName('plan')),
      createQueue(config(), uniqueName('plan')),
      createEc2(config(), 'volume'),
      createBucket(config(), uniqueName('plan-source')),
    ]);
    await tagger.tagMany([topic, queue, volume] as string[], { Team: 'payments', owner: 'alice' });
    await tagger.tag(source as string, { costCenter: 'cc-42', env: 'prod' });
    const planned = await tagger.plan([
      { arn: topic as string, rename: { Team: 'team' }, setIfAbsent: { owner: 'bob', tier: 'gold' } },
      { arn: queue as string, copyFrom: { arn: source as string, keys: ['costCenter'] }, remove: ['owner'] },
      { arn: volume as string, setIfAbsent: { owner: 'bob' } },
    ]);
    expect(planned.entries.map((e) => [e.status, e.before, e.after])).toEqual([
      ['change', { Team: 'payments', owner: 'alice' }, { team: 'payments', owner: 'alice', tier: 'gold' }],
      ['change', { Team: 'payments', owner: 'alice' }, { Team: 'payments', costCenter: 'cc-42' }],
      ['noop', { Team: 'payments', owner: 'alice' }, { Team: 'payments', owner: 'alice' }],
    ]);
    expect(planned.entries[0]).toMatchObject({ set: { team: 'payments', tier: 'gold' }, remove: ['Team'] });
    const report = await tagger.apply(planned);
    expect(report.results.map((r) => r.outcome)).toEqual(['changed', 'changed', 'unchanged']);
    const read = await tagger.listMany([topic, queue, volume] as string[]);
    expect(read.results.map((r) => r.tags)).toEqual(planned.entries.map((e) => e.after));
  });

  it('a dry run (a plan not applied) makes no write', async () => {
    const tagger = localTagger();
    const arns = await mixedResources(1);
    const before = tagger.calls;
    const planned = await tagger.plan(arns.map((arn) => ({ arn, set: { dry: 'run' } })));
    expect(planned.totals.change).toBe(arns.length);
    expect(tagger.calls - before).toBe(planned.calls); // reads only
    const read = await tagger.listMany(arns);
    for (const r of read.results) expect(r.tags).toEqual({});
  });

  it('a report fed back into a second run makes no write', async () => {
    const tagger = localTagger();
    const arns = await mixedResources(1);
    const planned = await tagger.plan(arns.map((arn) => ({ arn, set: { resumed: 'yes' } })));
    const first = await tagger.apply(planned);
    expect(first.totals.changed).toBe(arns.length);
    const saved = JSON.parse(JSON.stringify(reportToJson(first)));
    const second = await tagger.apply(planned, { resume: saved });
    // Every line is the earlier one, marked resumed; nothing is sent.
    expect(second.totals).toMatchObject({ skipped: 0, changed: arns.length });
    expect(second.results.every((r) => r.resumed === true)).toBe(true);
    expect(second.calls).toBe(0);
  });

  it('half done already: the plan skips those writes', async () => {
    const tagger = localTagger();
    const arns = await mixedResources(1);
    await tagger.tagMany(arns.slice(0, 3), { owner: 'platform' });
    const planned = await tagger.plan(arns.map((arn) => ({ arn, set: { owner: 'platform' } })));
    expect(planned.totals).toMatchObject({ change: 3, noop: 3 });
    const report = await tagger.apply(planned);
    expect(report.totals).toMatchObject({ changed: 3, unchanged: 3 });
  });

  it('finds resources by tag through GetResources, across pages', async () => {
    const marker = uniqueName('find');
    const volumes = await Promise.all(Array.from({ length: 3 }, () => createEc2(config(), 'volume')));
    const group = await createLogGroup(config(), uniqueName('/find/group'));
    // LocalStack's GetResources sees only the log-group tags its own TagResources set (AWS's sees them all): the
    // group is tagged as where the Logs client is not installed.
    const restore = pretendNotInstalled(logs());
    const tagger = localTagger({ onNotice: () => {} });
    await tagger.tagMany([...volumes, group], { finder: marker }).finally(restore);
    const found: string[] = [];
    for await (const { arn, tags } of tagger.find({ tags: { finder: marker }, regions: [REGION] })) {
      expect(tags.finder).toBe(marker);
      found.push(arn);
    }
    expect(found.sort()).toEqual([...volumes, group].sort());
  });

  it('uses per-account credentials for every ARN of that account', async () => {
    // LocalStack takes a 12-digit access key id as the account id.
    const other = '111111111111';
    const otherConfig = { ...config(), credentials: { accessKeyId: other, secretAccessKey: 'test' } };
    const theirs = await createTopic(otherConfig, uniqueName('acct'));
    const ours = await createTopic(config(), uniqueName('acct'));
    expect(theirs).toContain(`:${other}:`);
    const tagger = localTagger({
      credentialsForAccount: (id) => (id === other ? otherConfig.credentials : undefined),
    });
    const report = await tagger.tagMany([theirs, ours], { account: 'tagged' });
    expect(report.totals.changed).toBe(2);
    expect(await tagger.list(theirs)).toEqual({ account: 'tagged' });
    expect(await tagger.list(ours)).toEqual({ account: 'tagged' });
    expect(ours).toContain(`:${ACCOUNT}:`);
  });

  it('reports invalid input per resource, without a call, and goes on with the rest', async () => {
    const tagger = localTagger();
    const topic = await createTopic(config(), uniqueName('mixed'));
    const report = await tagger.tagMany(['not-an-arn', topic, 'arn:aws:sts::000000000000:assumed-role/r/s'], {
      ok: 'yes',
    });
    expect(report.results.map((r) => [r.outcome, r.error?.code])).toEqual([
      ['failed', 'InvalidArn'],
      ['changed', undefined],
      ['failed', 'UnsupportedResource'],
    ]);
  });

  it('stops starting work when cancelled, reporting the rest as skipped', async () => {
    const tagger = localTagger({ concurrency: 1, preferTaggingApi: false });
    const topics = await Promise.all(
      Array.from({ length: 5 }, () => createTopic(config(), uniqueName('abort'))),
    );
    const controller = new AbortController();
    const report = await tagger.tagMany(
      topics,
      { a: '1' },
      {
        signal: controller.signal,
        onProgress: ({ done }) => done === 2 && controller.abort(),
      },
    );
    expect(report.totals).toMatchObject({ changed: 2, skipped: 3 });
  });
});
