import { describe, expect, it } from 'vitest';
import { useFakeAws } from '../../fake-aws.js';

// Every adapter honours the call's abort signal: a server that accepts and never answers is left at once, with
// one typed error (`Aborted`); a signal already aborted sends nothing at all.
const aws = useFakeAws('hang');
const tagger = () => aws.tagger();

/**
 * A signal that fires once a request has reached the fake (whatever the machine's speed: an SDK client still
 * loading delays the request, never the test's meaning), with the moment it fired.
 */
function abortOnFirstRequest(): { signal: AbortSignal; fired: () => number } {
  const controller = new AbortController();
  let at = 0;
  const timer = setInterval(() => {
    if (aws.fake.requests.length === 0) return;
    clearInterval(timer);
    at = Date.now();
    controller.abort();
  }, 5);
  return { signal: controller.signal, fired: () => at };
}

const ARNS = [
  'arn:aws:sns:us-east-1:123456789012:orders',
  'arn:aws:sqs:us-east-1:123456789012:jobs',
  'arn:aws:lambda:us-east-1:123456789012:function:f',
  'arn:aws:s3:::bucket',
  'arn:aws:s3:::bucket/key',
  'arn:aws:iam::123456789012:user/alice',
  'arn:aws:iam::123456789012:policy/p',
  'arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0',
  'arn:aws:logs:us-east-1:123456789012:log-group:g',
  'arn:aws:organizations::123456789012:root/o-exampleorgid/r-ab12',
];

describe.each(ARNS)('%s', (arn) => {
  it.each([
    ['tag', (t: ReturnType<typeof tagger>, signal: AbortSignal) => t.tag(arn, { a: '1' }, { signal })],
    ['untag', (t: ReturnType<typeof tagger>, signal: AbortSignal) => t.untag(arn, ['a'], { signal })],
    ['list', (t: ReturnType<typeof tagger>, signal: AbortSignal) => t.list(arn, { signal })],
  ])(
    '%s against a server that never answers ends Aborted when the signal fires',
    async (_, call) => {
      const abort = abortOnFirstRequest();
      const error = await call(tagger(), abort.signal).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'Aborted', arn });
      expect(aws.fake.requests.length).toBeGreaterThan(0);
      // Left at once: the call ends soon after its signal fires, not after a timeout of its own.
      expect(Date.now() - abort.fired()).toBeLessThan(3000);
    },
    30_000, // the first call loads the SDK client: seconds on a loaded machine
  );

  it('an already aborted signal sends no request', async () => {
    const controller = new AbortController();
    controller.abort();
    const t = tagger();
    await expect(t.tag(arn, { a: '1' }, { signal: controller.signal })).rejects.toMatchObject({
      code: 'Aborted',
    });
    await expect(t.list(arn, { signal: controller.signal })).rejects.toMatchObject({ code: 'Aborted' });
    expect(aws.fake.requests).toEqual([]);
  });
});

describe('plan, find and bulk reads take a signal too', () => {
  it('plan rejects with Aborted when its signal fires during the reads', async () => {
    const abort = abortOnFirstRequest();
    const planned = tagger().plan(
      ARNS.map((arn) => ({ arn, set: { a: '1' } })),
      { signal: abort.signal },
    );
    await expect(planned).rejects.toMatchObject({ code: 'Aborted' });
    expect(Date.now() - abort.fired()).toBeLessThan(3000);
  });

  it('find throws Aborted when its signal fires', async () => {
    const found = async () => {
      for await (const _ of tagger().find({ tags: { a: '1' } }, { signal: abortOnFirstRequest().signal })) {
        // nothing arrives from a server that never answers
      }
    };
    await expect(found()).rejects.toMatchObject({ code: 'Aborted' });
  });

  it('listMany ends each read under way as Aborted and skips what had not started', async () => {
    const report = await tagger().listMany(ARNS, { signal: abortOnFirstRequest().signal });
    expect(report.totals.total).toBe(ARNS.length);
    expect(report.totals.read).toBe(0);
    // The signal fired once a read had reached the fake: that read, at least, was under way.
    expect(report.totals.failed).toBeGreaterThan(0);
    for (const r of report.results) {
      if (r.outcome === 'failed') expect(r.error?.code).toBe('Aborted');
      else expect(r.outcome).toBe('skipped');
    }
  });
});
