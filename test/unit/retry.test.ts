// Job-level retry: a resource or batch that still ends throttled (or failed in passing) after the SDK's attempts
// goes back in the queue with backoff until its budget is spent; other failures end it at once.
import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ListTagsForResourceCommand, SNSClient, TagResourceCommand } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createError } from '../../src/core/errors.js';
import { isTransient, Retry } from '../../src/core/retry.js';
import { awsError, mockClients, mockedTagger } from '../mocks/sdk.js';

const { sns, ec2 } = mockClients({ sns: SNSClient, ec2: EC2Client });
const topic = (i: number) => `arn:aws:sns:us-east-1:123456789012:retry-${i}`;
const volume = (i: number) => `arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000000000000${i}`;

/** Runs `task` while fake time runs ahead, as far as `ms`. */
async function inFakeTime<T>(ms: number, task: () => Promise<T>): Promise<T> {
  const running = task();
  await vi.advanceTimersByTimeAsync(ms);
  return running;
}

/** Resolves once `check` holds, looking again on each turn of the event loop (setImmediate stays real). */
async function untilReal(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

describe('job-level retry', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a throttled resource again until it goes through', async () => {
    const throttledTwice = new Map<string, number>();
    sns.on(TagResourceCommand).callsFake((input: { ResourceArn: string }) => {
      const seen = throttledTwice.get(input.ResourceArn) ?? 0;
      throttledTwice.set(input.ResourceArn, seen + 1);
      if (seen < 2) throw awsError('Throttling', 400);
      return {};
    });
    const tagger = mockedTagger({ preferTaggingApi: false, retryFor: 60_000 });
    const report = await inFakeTime(60_000, () => tagger.tagMany([topic(1), topic(2), topic(3)], { a: '1' }));
    expect(report.totals).toMatchObject({ changed: 3, failed: 0 });
    expect(sns.commandCalls(TagResourceCommand)).toHaveLength(9);
  });

  it.each([
    ['Throttling', 400],
    ['InternalError', 500],
    ['ServiceUnavailable', 503],
  ])('retries %s (%i)', async (name, status) => {
    sns.on(TagResourceCommand).rejectsOnce(awsError(name, status)).resolves({});
    const tagger = mockedTagger({ preferTaggingApi: false });
    const report = await inFakeTime(10_000, () => tagger.tagMany([topic(1)], { a: '1' }));
    expect(report.totals).toMatchObject({ changed: 1, failed: 0 });
    expect(sns.commandCalls(TagResourceCommand)).toHaveLength(2);
  });

  it.each([
    ['AuthorizationError', 403, 'AccessDenied'],
    ['NotFound', 404, 'ResourceNotFound'],
    ['InvalidParameter', 400, 'ServiceError'],
  ])('ends a resource at once on %s: retrying cannot fix it', async (name, status, code) => {
    sns.on(TagResourceCommand).rejects(awsError(name, status));
    const tagger = mockedTagger({ preferTaggingApi: false });
    const report = await tagger.tagMany([topic(1)], { a: '1' });
    expect(report.results[0]).toMatchObject({ outcome: 'failed', error: { code } });
    expect(sns.commandCalls(TagResourceCommand)).toHaveLength(1);
  });

  it('retries a throttled EC2 batch as a batch', async () => {
    ec2.on(CreateTagsCommand).rejectsOnce(awsError('RequestLimitExceeded', 503)).resolves({});
    const arns = [1, 2, 3, 4, 5].map(volume);
    const tagger = mockedTagger();
    const report = await inFakeTime(10_000, () => tagger.tagMany(arns, { a: '1' }));
    expect(report.totals).toMatchObject({ changed: 5, failed: 0 });
    const calls = ec2.commandCalls(CreateTagsCommand);
    expect(calls).toHaveLength(2);
    for (const call of calls) expect(call.args[0].input.Resources).toHaveLength(5);
  });

  it('stops retrying when the budget is spent: the resource fails with its last error', async () => {
    sns.on(TagResourceCommand).rejects(awsError('Throttling', 400));
    const tagger = mockedTagger({ preferTaggingApi: false, retryFor: 5_000 });
    const report = await inFakeTime(60_000, () => tagger.tagMany([topic(1)], { a: '1' }));
    expect(report.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'Throttled' } });
    const calls = sns.commandCalls(TagResourceCommand).length;
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThan(8); // 1 s, 2 s, 4 s backoff (halved by jitter at most) fit in 5 s
  });

  it('retries reads too (list and plan)', async () => {
    sns
      .on(ListTagsForResourceCommand)
      .rejectsOnce(awsError('Throttling', 400))
      .resolves({ Tags: [{ Key: 'k', Value: 'v' }] });
    const tagger = mockedTagger({ preferTaggingApi: false });
    const report = await inFakeTime(10_000, () => tagger.listMany([topic(1)]));
    expect(report.results[0]).toMatchObject({ outcome: 'read', tags: { k: 'v' } });
  });

  it('a stop during a backoff ends the resource at once with its last error', async () => {
    // Fake time stands still: the report can only come if the stop ends the backoff, whatever the machine's speed.
    sns.on(TagResourceCommand).rejects(awsError('Throttling', 400));
    const controller = new AbortController();
    const tagger = mockedTagger({ preferTaggingApi: false });
    const startedAt = Date.now();
    const running = tagger.tagMany([topic(1)], { a: '1' }, { signal: controller.signal });
    // The stop comes once the first attempt was throttled and its backoff is waiting (its timer is set).
    await untilReal(() => sns.commandCalls(TagResourceCommand).length === 1 && vi.getTimerCount() > 0);
    controller.abort();
    const report = await running;
    expect(Date.now()).toBe(startedAt); // no fake time had to pass: the backoff was not waited out
    expect(sns.commandCalls(TagResourceCommand)).toHaveLength(1);
    expect(report.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'Throttled' } });
  });
});

describe('isTransient and Retry', () => {
  it('calls throttling, timeouts, network and 5xx errors transient, and nothing else', () => {
    const withCause = (code: Parameters<typeof createError>[0], cause?: unknown) =>
      createError(code, 'x', { cause });
    expect(isTransient(withCause('Throttled'))).toBe(true);
    expect(isTransient(withCause('Timeout'))).toBe(true);
    expect(isTransient(withCause('NetworkError'))).toBe(true);
    expect(isTransient(withCause('ServiceError', awsError('Whatever', 502)))).toBe(true);
    expect(isTransient(withCause('ServiceError', awsError('InternalError')))).toBe(true);
    expect(isTransient(withCause('ServiceError', awsError('ValidationError', 400)))).toBe(false);
    for (const code of [
      'AccessDenied',
      'ResourceNotFound',
      'MalformedResponse',
      'InvalidTag',
      'Aborted',
    ] as const)
      expect(isTransient(withCause(code))).toBe(false);
  });

  it('waits longer each attempt, at most 30 s, and never past the budget', () => {
    let now = 0;
    const retry = new Retry(100_000, undefined, () => now);
    const job = {};
    const throttled = createError('Throttled', 'x');
    const waits = [0, 1, 2, 3, 4, 5, 6].map((attempt) => retry.delay(job, throttled, attempt) as number);
    for (const [attempt, wait] of waits.entries()) {
      const ceiling = Math.min(30_000, 1000 * 2 ** attempt);
      expect(wait).toBeGreaterThanOrEqual(ceiling / 2);
      expect(wait).toBeLessThanOrEqual(ceiling);
    }
    now = 99_000;
    expect(retry.delay(job, throttled, 7)).toBeUndefined();
    expect(new Retry(0, undefined).delay({}, throttled, 0)).toBeUndefined();
  });
});
