import { CreateTagsCommand, DescribeTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ListTagsForResourceCommand, SNSClient, TagResourceCommand } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createTagger } from '../../src/index.js';
import { parseJob } from '../../src/jobs/job.js';
import { mockAccounts } from '../mocks/accounts.js';

// Counts every ARN parse and every tag validation, wherever in the library they happen.
const counts = vi.hoisted(() => ({ parses: 0, validations: 0 }));
vi.mock('../../src/core/arn.js', async (original) => {
  const actual = await original<typeof import('../../src/core/arn.js')>();
  return {
    ...actual,
    parseArn: (arn: string) => {
      counts.parses++;
      return actual.parseArn(arn);
    },
  };
});
vi.mock('../../src/core/validate.js', async (original) => {
  const actual = await original<typeof import('../../src/core/validate.js')>();
  return {
    ...actual,
    validateTags: (...args: Parameters<typeof actual.validateTags>) => {
      counts.validations++;
      return actual.validateTags(...args);
    },
  };
});

const sns = mockClient(SNSClient);
const ec2 = mockClient(EC2Client);

beforeEach(() => {
  mockAccounts();
  sns.reset();
  ec2.reset();
  counts.parses = 0;
  counts.validations = 0;
});

describe('one resolved target per ARN', () => {
  it('parses each resource once, and validates each input and each write once, in a plan and apply', async () => {
    // Prepare: 100 topics and 100 volumes, each named by two changes of the job.
    sns.on(ListTagsForResourceCommand).resolves({ Tags: [] });
    sns.on(TagResourceCommand).resolves({});
    ec2.on(DescribeTagsCommand).resolves({ Tags: [] });
    ec2.on(CreateTagsCommand).resolves({});
    const topics = Array.from({ length: 100 }, (_, i) => `arn:aws:sns:us-east-1:123456789012:t${i}`);
    const volumes = Array.from(
      { length: 100 },
      (_, i) => `arn:aws:ec2:us-east-1:123456789012:volume/vol-${i.toString(16).padStart(17, '0')}`,
    );
    const arns = [...topics, ...volumes];
    const changes = arns.flatMap((arn) => [
      { arn, set: { owner: 'platform' } },
      { arn, setIfAbsent: { team: 'a' } },
    ]);
    const tagger = createTagger({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      preferTaggingApi: false,
    });
    // Act
    const planned = await tagger.plan(changes);
    const report = await tagger.apply(planned);
    // Assess
    expect(report.totals).toMatchObject({ total: 200, changed: 200, failed: 0 });
    expect(counts.parses).toBe(arns.length);
    // Each change's input is checked once, before any call (two changes a resource), and each resource's write
    // once, in the plan; apply checks nothing again.
    expect(counts.validations).toBe(3 * arns.length);
  });

  it("a job's line checks and its plan parse each ARN once (the engine keeps what it resolved)", async () => {
    sns.on(ListTagsForResourceCommand).resolves({ Tags: [] });
    const arns = Array.from({ length: 50 }, (_, i) => `arn:aws:sns:us-east-1:123456789012:c${i}`);
    const tagger = createTagger({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      preferTaggingApi: false,
    });
    // The job file's lines, parsed with the tagger's check as the CLI parses them, then planned.
    const text = arns.map((arn) => JSON.stringify({ arn, set: { k: 'v' } })).join('\n');
    const job = parseJob(text, 'ndjson', (change) => tagger.check(change)?.message);
    expect(job.errors).toEqual([]);
    await tagger.plan(job.changes);
    expect(counts.parses).toBe(arns.length);
  });
});
