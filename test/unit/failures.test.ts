import { describe, expect, it } from 'vitest';
import { createTagger } from '../../src/index.js';
import { useFakeAws } from '../fake-aws.js';

// Failures that are not AWS's answers: no answer at all, no endpoint, no credentials, no region. Each has its
// own code and advice, and a bulk job goes on with the other resources.
const aws = useFakeAws();

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders';
const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:jobs';
const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };

/** Runs `task` with the AWS configuration environment emptied, so that no credentials or region come from it. */
async function withoutAwsEnvironment<T>(task: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, {
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  try {
    return await task();
  } finally {
    for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

describe('failures that are not answers', () => {
  it('a request never answered ends as Timeout after the read timeout, and the job goes on', async () => {
    // Prepare: the queue's TagQueue is accepted and never answered; the topic's TagResource is answered. Both
    // SDK clients are loaded first (answered reads), so that no client loads while a read timeout runs, and the
    // timeout leaves an answered request a second, however loaded the machine.
    aws.fake.hang.add('TagQueue');
    const tagger = aws.tagger({ readTimeout: 1000, preferTaggingApi: false });
    await tagger.listMany([TOPIC, QUEUE]);
    // Act
    const report = await tagger.tagMany([TOPIC, QUEUE], { a: '1' });
    // Assess: it ended a read timeout after the request reached the fake (timed from there: loading and the
    // machine's load come before), far from the SDK's own 60 s.
    const hungAt = aws.fake.arrivals[aws.fake.requests.lastIndexOf('TagQueue')] as number;
    expect(Date.now() - hungAt).toBeLessThan(10_000);
    expect(report.results.map((r) => [r.outcome, r.error?.code])).toEqual([
      ['changed', undefined],
      ['failed', 'Timeout'],
    ]);
    expect(report.results[1]?.error?.message).toMatch(/--read-timeout/);
  }, 30_000);

  it('an answer whose body stalls after its headers ends as Timeout too', async () => {
    const tagger = aws.tagger({ readTimeout: 1000 });
    const arns = [TOPIC, QUEUE, 'arn:aws:logs:us-east-1:123456789012:log-group:g'];
    await tagger.listMany(arns); // the clients loaded, as above
    // useFakeAws sets the answer back before the next test.
    aws.fake.answer = 'stall';
    const report = await tagger.listMany(arns);
    expect(Date.now() - (aws.fake.arrivals.at(-1) as number)).toBeLessThan(10_000);
    expect(report.results.map((r) => r.error?.code)).toEqual(['Timeout', 'Timeout', 'Timeout']);
  }, 30_000);

  it('an endpoint that refuses connections is a NetworkError that names it', async () => {
    const tagger = createTagger({
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      credentials,
      clientConfig: { maxAttempts: 1 },
    });
    const error = await tagger.list(TOPIC).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NetworkError', arn: TOPIC });
    expect(String((error as Error).message)).toContain('127.0.0.1');
  });

  it('no credentials is a CredentialsError that names the profile, and nothing is sent', async () => {
    const error = await withoutAwsEnvironment(() =>
      createTagger({ endpoint: aws.fake.endpoint, region: 'us-east-1', clientConfig: { profile: 'nosuch' } })
        .tag(TOPIC, { a: '1' })
        .catch((e: unknown) => e),
    );
    expect(error).toMatchObject({ code: 'CredentialsError', arn: TOPIC });
    expect(String((error as Error).message)).toMatch(/nosuch|Could not load credentials/);
    expect(aws.fake.requests).toEqual([]);
  });

  it('find with no region anywhere is a ConfigurationError that says to specify one', async () => {
    const error = await withoutAwsEnvironment(async () => {
      const tagger = createTagger({ endpoint: aws.fake.endpoint, credentials });
      try {
        for await (const _ of tagger.find({ tags: { a: '1' } })) {
          // nothing: the search cannot start
        }
      } catch (e) {
        return e;
      }
    });
    expect(error).toMatchObject({ code: 'ConfigurationError' });
    expect(String((error as Error).message)).toContain('You must specify a region');
    expect(String((error as Error).message)).toContain('find in the default region');
  });

  it('reads hundreds of resources under one signal without a MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const listen = (warning: Error) => warnings.push(warning);
    process.on('warning', listen);
    try {
      // Every attempt the SDK makes adds its listener: the default attempts, as users run it.
      const tagger = aws.tagger({ concurrency: 32, clientConfig: {}, maxRates: false });
      const topics = Array.from({ length: 300 }, (_, i) => `${TOPIC}${i}`);
      const report = await tagger.listMany(topics, { signal: new AbortController().signal });
      await new Promise((resolve) => setImmediate(resolve));
      expect(report.totals.read).toBe(300);
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', listen);
    }
  }, 30_000); // 300 reads: a second here, several on a loaded machine
});
