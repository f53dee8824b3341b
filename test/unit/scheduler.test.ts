// The rate limits every request of a tagger waits in: token buckets per family at AWS's default rates, adapting
// down on throttling and back up slowly; and a tagger against a server that throttles above its own rate.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FAMILIES, familyOf } from '../../src/core/rates.js';
import { Bucket, PACE, Scheduler } from '../../src/core/scheduler.js';
import { createTagger } from '../../src/index.js';

describe('Bucket', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets the burst through at once, then one request per 1/rate seconds (PACE of the limit), in order', async () => {
    vi.useFakeTimers();
    const bucket = new Bucket({ rate: 4 / PACE, burst: 3 }, Date.now); // 2 at once: 97% of 3, less one
    const started = Date.now();
    const times: number[] = [];
    const takes = Array.from({ length: 6 }, () => bucket.take().then(() => times.push(Date.now() - started)));
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all(takes);
    expect(times).toEqual([0, 0, 250, 500, 750, 1000]);
  });

  it('paces a little under the limit (97%) and leaves a token of the burst unused', () => {
    const bucket = new Bucket({ rate: 20, burst: 20 }, () => 0);
    expect(bucket.rate).toBeCloseTo(19.4);
    expect(bucket.ceiling).toBeCloseTo(19.4);
    expect(bucket.capacity).toBe(18);
    expect(new Bucket({ rate: 10, burst: 100 }, () => 0).capacity).toBe(96);
    expect(new Bucket({ rate: 1, burst: 1 }, () => 0).capacity).toBe(1);
  });

  it('keeps its rate after an isolated throttle, halves while throttles keep coming (once a second at most), down to a floor, and wins the rate back', () => {
    let now = 0;
    const bucket = new Bucket({ rate: 64 / PACE, burst: 64 }, () => now);
    bucket.throttled(); // isolated: the burst stops, the rate stays
    expect(bucket.rate).toBeCloseTo(64);
    expect(bucket.wait).toBeGreaterThan(0);
    now += 3000; // a second episode 3 s later: a storm, halved
    bucket.throttled();
    bucket.throttled(); // the same second: one cut
    expect(bucket.rate).toBeCloseTo(32);
    for (let i = 0; i < 20; i++) {
      now += 1000;
      bucket.throttled();
    }
    expect(bucket.rate).toBeCloseTo(1); // a 64th of the ceiling
    now += 1000;
    bucket.succeeded();
    expect(bucket.rate).toBeCloseTo(1 + 64 * 0.05);
    now += 60_000;
    bucket.succeeded();
    expect(bucket.rate).toBeCloseTo(64); // never above the ceiling
    // Long after: an isolated throttle again leaves the rate as it is.
    now += 10_000;
    bucket.throttled();
    expect(bucket.rate).toBeCloseTo(64);
  });

  it('stops bursting once throttled: the next request waits', () => {
    const now = 0;
    const bucket = new Bucket({ rate: 10, burst: 10 }, () => now);
    expect(bucket.wait).toBe(0);
    bucket.throttled();
    expect(bucket.wait).toBeGreaterThan(0);
  });

  it('gives up its place when aborted, and rejects', async () => {
    vi.useFakeTimers();
    const bucket = new Bucket({ rate: 1 / PACE, burst: 1 }, Date.now);
    await bucket.take();
    const controller = new AbortController();
    const waiting = bucket.take(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeDefined();
    expect(bucket.wait).toBeLessThanOrEqual(1000); // one place in line, not two
  });
});

describe('Scheduler', () => {
  it('has a bucket per account, region and family, at the documented defaults', () => {
    const scheduler = new Scheduler();
    const a = scheduler.bucket('sns:tagging', '', 'us-east-1');
    expect(a?.limit).toMatchObject({
      rate: FAMILIES['sns:tagging']?.rate,
      burst: FAMILIES['sns:tagging']?.burst,
    });
    expect(scheduler.bucket('sns:tagging', '', 'us-east-1')).toBe(a);
    expect(scheduler.bucket('sns:tagging', '', 'eu-west-1')).not.toBe(a);
    expect(scheduler.bucket('sns:tagging', '111111111111', 'us-east-1')).not.toBe(a);
    expect(scheduler.bucket(undefined, '', 'us-east-1')).toBeUndefined();
  });

  it('takes overrides by family or by service, keeping the burst in proportion; Infinity or false lifts them', () => {
    const scheduler = new Scheduler({ ec2: 40, 'sns:tagging': Number.POSITIVE_INFINITY });
    expect(scheduler.bucket('ec2:mutating', '', 'r')?.limit).toEqual({ rate: 40, burst: 400 });
    expect(scheduler.bucket('ec2:non-mutating', '', 'r')?.limit).toEqual({ rate: 40, burst: 200 });
    expect(scheduler.bucket('sns:tagging', '', 'r')).toBeUndefined();
    expect(new Scheduler(false).bucket('ec2:mutating', '', 'r')).toBeUndefined();
  });

  it.each([
    [{ nosuch: 1 }, /not a rate family or service/],
    [{ 'sns:nosuch': 1 }, /not a rate family or service/],
    [{ sns: 0 }, /above 0/],
    [{ sns: -1 }, /above 0/],
    [{ sns: Number.NaN }, /above 0/],
  ])('refuses %j with a ConfigurationError', (rates, message) => {
    expect(() => new Scheduler(rates)).toThrow(message);
    try {
      new Scheduler(rates);
    } catch (error) {
      expect((error as { code?: string }).code).toBe('ConfigurationError');
    }
  });

  it('maps each call unitag makes to its family', () => {
    expect(familyOf('ec2', 'DescribeTags')).toBe('ec2:non-mutating');
    expect(familyOf('ec2', 'CreateTags')).toBe('ec2:mutating');
    expect(familyOf('ec2', 'DeleteTags')).toBe('ec2:mutating');
    expect(familyOf('s3', 'GetBucketTagging')).toBe('s3:bucket');
    expect(familyOf('s3', 'GetObjectTagging')).toBe('s3:object-read');
    expect(familyOf('s3', 'PutObjectTagging')).toBe('s3:object-write');
    expect(familyOf('tagging-api', 'GetResources')).toBe('tagging:read');
    expect(familyOf('tagging-api', 'TagResources')).toBe('tagging:write');
    expect(familyOf('iam', 'GetRole')).toBe('iam:account');
    expect(familyOf('sts', 'GetCallerIdentity')).toBe('sts:calls');
    expect(familyOf('nosuch', 'X')).toBeUndefined();
  });
});

/** SNS's TagResource at `rate` a second (a bucket of `rate`), answering Throttling above it, as SNS does. */
function throttlingSns(rate: number) {
  let tokens = rate;
  let last = Date.now();
  const seen = { accepted: 0, throttled: 0 };
  /** Fills the bucket again (the tests before drained it) and zeroes the counts. */
  const reset = () => {
    tokens = rate;
    last = Date.now();
    seen.accepted = 0;
    seen.throttled = 0;
  };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const now = Date.now();
      tokens = Math.min(rate, tokens + ((now - last) / 1000) * rate);
      last = now;
      response.setHeader('content-type', 'text/xml');
      if (!body.includes('Action=TagResource')) {
        response.statusCode = 400;
        return response.end('<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>');
      }
      if (tokens < 1) {
        seen.throttled++;
        response.statusCode = 400;
        return response.end(
          '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>',
        );
      }
      tokens -= 1;
      seen.accepted++;
      response.end(
        '<TagResourceResponse><TagResourceResult/><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></TagResourceResponse>',
      );
    });
  });
  return { server, seen, reset };
}

describe('a tagger against a service that throttles above its rate', () => {
  let fake: ReturnType<typeof throttlingSns>;
  let endpoint: string;
  beforeAll(async () => {
    fake = throttlingSns(4);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => (fake.server as Server).close(() => resolve())));

  const topics = (n: number, run: string) =>
    Array.from({ length: n }, (_, i) => `arn:aws:sns:us-east-1:123456789012:${run}-${i}`);
  const tagger = (options: object) =>
    createTagger({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      preferTaggingApi: false,
      ...options,
    });

  it('without rate limits or job retries (the SDK alone), part of the job fails as Throttled', async () => {
    // 48 at once against 4 a second: all of them would go through only if the SDK's 3 attempts (its backoff
    // about 3 s at most) were spread over 11 s, which no machine's slowness does.
    const report = await tagger({ maxRates: false, retryFor: 0 }).tagMany(topics(48, 'bare'), { a: '1' });
    expect(report.totals.failed).toBeGreaterThan(0);
    expect(report.results.find((r) => r.outcome === 'failed')?.error?.code).toBe('Throttled');
  }, 30_000);

  it('with its defaults, every resource is tagged: the rate adapts down and throttled ones come back', async () => {
    fake.reset();
    const report = await tagger({}).tagMany(topics(24, 'defaults'), { a: '1' });
    expect(report.totals).toMatchObject({ changed: 24, failed: 0 });
    expect(fake.seen.accepted).toBe(24);
  }, 30_000);

  it("keeps to a rate set below the server's: never throttled", async () => {
    // The server's bucket, drained by the tests before, is full again (set so, not waited for).
    fake.reset();
    const report = await tagger({ maxRates: { sns: 3 }, retryFor: 0 }).tagMany(topics(9, 'below'), {
      a: '1',
    });
    expect(report.totals).toMatchObject({ changed: 9, failed: 0 });
    expect(fake.seen.throttled).toBe(0);
  }, 30_000);
});
