// Requests that get no answer (timeouts, refused connections) are sent at most UNANSWERED_ATTEMPTS times in all,
// the SDK's attempts counted, whatever the retry budget; throttling keeps the whole budget. The final error counts
// every attempt, and the CLI notes the retries on standard error a few times, never once a request.
import { describe, expect, it } from 'vitest';
import { UNANSWERED_NOTE_EVERY_MS, unansweredNotices } from '../../src/cli/common.js';
import { markEndpoint, toUnitagError } from '../../src/core/aws-errors.js';
import { createError } from '../../src/core/errors.js';
import { Retry, UNANSWERED_ATTEMPTS } from '../../src/core/retry.js';
import { useFakeAws } from '../fake-aws.js';

const aws = useFakeAws();
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders';
const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:jobs';

/** A timeout as the SDK's HTTP handler throws it, after `attempts` attempts of its retry loop. */
function sdkTimeout(attempts: number): Error {
  return Object.assign(
    new Error(
      '@smithy/node-http-handler - [ERROR] a request has exceeded the configured 1000 ms requestTimeout.',
    ),
    { name: 'TimeoutError', code: 'ETIMEDOUT', $metadata: { attempts } },
  );
}

describe('Retry and unanswered requests', () => {
  it('retries a timeout until 3 requests were sent in all, the SDK attempts counted', () => {
    const retry = new Retry(300_000, undefined, () => 0);
    const job = {};
    const once = toUnitagError(sdkTimeout(1), { arn: TOPIC });
    expect(retry.delay(job, once, 0)).toBeGreaterThan(0);
    expect(retry.delay(job, once, 1)).toBeGreaterThan(0);
    expect(retry.delay(job, once, 2)).toBeUndefined();
    expect(retry.final(job, once).message).toContain('in each of 3 attempts');
    // The SDK's own three attempts leave nothing to retry.
    const other = {};
    const thrice = toUnitagError(sdkTimeout(UNANSWERED_ATTEMPTS), { arn: TOPIC });
    expect(retry.delay(other, thrice, 0)).toBeUndefined();
    expect(retry.final(other, thrice)).toBe(thrice);
  });

  it('counts in the final error only the attempts sent to the endpoint it names', () => {
    // Prepare: one read left unanswered by the tagging API, then by the service's own endpoint.
    const retry = new Retry(300_000, undefined, () => 0);
    const job = {};
    const at = (endpoint: string) => {
      const cause = sdkTimeout(UNANSWERED_ATTEMPTS);
      markEndpoint(cause, endpoint);
      return toUnitagError(cause, { arn: TOPIC });
    };
    const viaApi = at('https://tagging.us-east-1.amazonaws.com');
    const own = at('https://sns.us-east-1.amazonaws.com');
    const again = at('https://sns.us-east-1.amazonaws.com');
    // Act
    retry.delay(job, viaApi, 0);
    retry.delay(job, own, 0);
    // Assess
    expect(retry.final(job, own).message).toContain(
      'no answer from https://sns.us-east-1.amazonaws.com within 1 s in each of 3 attempts',
    );
    retry.delay(job, again, 1);
    expect(retry.final(job, again).message).toContain('in each of 6 attempts');
  });

  it('keeps the whole budget for throttling', () => {
    const retry = new Retry(300_000, undefined, () => 0);
    const job = {};
    const throttled = createError('Throttled', 'x');
    for (let attempt = 0; attempt < 10; attempt++) expect(retry.delay(job, throttled, attempt)).toBeDefined();
  });

  it('names the endpoint, the wait and the option in the Timeout message', () => {
    const error = toUnitagError(sdkTimeout(3), { arn: TOPIC });
    expect(error.code).toBe('Timeout');
    expect(error.message).toMatch(/no answer from the endpoint within 1 s in each of 3 attempts/);
    expect(error.message).toMatch(/raise --read-timeout/);
    const connect = Object.assign(
      new Error(
        '@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 500 ms.',
      ),
      { name: 'TimeoutError' },
    );
    expect(toUnitagError(connect, {}).message).toMatch(
      /no connection to the endpoint within 0.5 s .*raise --connect-timeout/,
    );
  });
});

describe('a bulk run against a request never answered', () => {
  it('sends it 3 times when the SDK sends it once, and the error counts all 3 and names the endpoint', async () => {
    // Prepare: one attempt per SDK call (useFakeAws), unitag's default retry budget. Both SDK clients are loaded
    // first (answered reads), and the read timeout leaves the answered TagResource a second, so that only the
    // hung request times out however loaded the machine.
    aws.fake.hang.add('TagQueue');
    const heard: number[] = [];
    const tagger = aws.tagger({
      readTimeout: 1000,
      retryFor: undefined,
      preferTaggingApi: false,
      onUnanswered: ({ attempt }) => heard.push(attempt),
    });
    await tagger.listMany([TOPIC, QUEUE]);
    // Act
    const report = await tagger.tagMany([TOPIC, QUEUE], { a: '1' });
    // Assess
    expect(report.results.map((r) => r.error?.code)).toEqual([undefined, 'Timeout']);
    expect(aws.fake.requests.filter((op) => op === 'TagQueue')).toHaveLength(3);
    expect(report.results[1]?.error?.message).toContain(
      `no answer from ${aws.fake.endpoint} within 1 s in each of 3 attempts`,
    );
    expect(heard).toEqual([1, 1, 1]);
  }, 30_000); // three read timeouts and two backoffs (up to 3 s): about 5 s, more on a loaded machine
});

describe('the CLI notes of unanswered requests', () => {
  it('says the first, then at most one every 10 s with how many more; never the last attempt', () => {
    // Prepare
    let now = 0;
    const said: string[] = [];
    const note = unansweredNotices(
      (m) => said.push(m),
      () => now,
    );
    const request = {
      detail: 'no answer from http://x within 1 s',
      option: '--read-timeout',
      maxAttempts: 3,
    };
    // Act
    note({ ...request, attempt: 1 });
    for (let i = 0; i < 50; i++) note({ ...request, attempt: 2 });
    note({ ...request, attempt: 3 });
    now = UNANSWERED_NOTE_EVERY_MS;
    note({ ...request, attempt: 1 });
    // Assess
    expect(said).toEqual([
      'no answer from http://x within 1 s; trying again, up to 3 attempts a request; raise --read-timeout if the endpoint is slow rather than down',
      'no answer from http://x within 1 s (and 50 more since the last note); trying again, up to 3 attempts a request; raise --read-timeout if the endpoint is slow rather than down',
    ]);
  });
});
