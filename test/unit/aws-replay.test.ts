// The replay suite: answers AWS gave LocalStack's validated tests (test/fixtures/aws-replay/, docs/aws-replay.md),
// served by a local server in each service's own protocol, and what unitag makes of each. A success must resolve
// (a read: to the recorded tags); an error must become the unitag error code that says what AWS meant.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTagger, isUnitagError, type Tagger } from '../../src/index.js';
import { type ReplayCase, type ReplayServer, startReplayServer } from '../aws-replay-server.js';

const folder = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'aws-replay');
const cases: ReplayCase[] = readdirSync(folder)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .flatMap((file) => JSON.parse(readFileSync(join(folder, file), 'utf8')) as ReplayCase[]);

let server: ReplayServer;
beforeAll(async () => {
  server = await startReplayServer();
});
afterAll(() => server.close());

/** What unitag's call gave: its value, or the error it threw. */
type Outcome = { value: unknown } | { error: unknown };

/** Makes the case's call on a fresh tagger (no cache carried between cases), and destroys the tagger. */
async function replay(replayed: ReplayCase): Promise<Outcome> {
  // Prepare
  server.load(replayed);
  const tagger = createTagger({
    region: 'us-east-1',
    endpoint: server.url,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxRates: false,
    retryFor: 0,
    preferTaggingApi: false,
    // One request per call: a recorded answer is not retried into another one.
    clientConfig: { maxAttempts: 1 },
  });
  // Act
  try {
    return { value: await act(tagger, replayed) };
  } catch (error) {
    return { error };
  } finally {
    await tagger.destroy();
  }
}

async function act(tagger: Tagger, { call, arn, tags, keys }: ReplayCase): Promise<unknown> {
  switch (call) {
    case 'tag':
      return tagger.tag(arn, tags ?? {});
    case 'untag':
      return tagger.untag(arn, keys ?? []);
    case 'list':
      return { ...(await tagger.list(arn)) };
    case 'find': {
      const found: { arn: string; tags: Record<string, string> }[] = [];
      for await (const resource of tagger.find({ tags: tags ?? {} })) {
        found.push({ arn: resource.arn, tags: { ...resource.tags } });
      }
      return found;
    }
  }
}

/** The outcome in a few words, for a failure's message. */
function told(outcome: Outcome): string {
  if ('value' in outcome) return `resolved to ${JSON.stringify(outcome.value)}`;
  const { error } = outcome;
  if (isUnitagError(error)) return `${error.code}: ${error.message}`;
  return `a foreign error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
}

describe('answers AWS gave to tagging calls (recorded by LocalStack, replayed)', () => {
  it('has cases for the adapters the fixtures name', () => {
    expect(cases.length).toBeGreaterThan(0);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases.map((replayed) => [replayed.name, replayed] as const))('%s', async (_name, replayed) => {
    const outcome = await replay(replayed);

    // Assess: the recorded answer was the one unitag read (or, for a request AWS refuses for its ARN's form alone,
    // unitag refused it before any call), and unitag made of it what AWS meant.
    const { expect: meant } = replayed;
    if ('code' in meant && meant.code === 'InvalidArn' && server.calls.length === 0) {
      expect(told(outcome)).toMatch(/^InvalidArn: /);
      return;
    }
    expect(server.calls, told(outcome)).toContain(replayed.operation);
    if ('code' in meant) {
      const error = 'error' in outcome ? outcome.error : undefined;
      expect(isUnitagError(error), told(outcome)).toBe(true);
      expect((error as { code?: unknown }).code, `${meant.why}; got ${told(outcome)}`).toBe(meant.code);
    } else {
      expect('value' in outcome, told(outcome)).toBe(true);
      const value = (outcome as { value: unknown }).value;
      if ('tags' in meant) expect(value).toEqual(meant.tags);
      if ('found' in meant) expect(value).toEqual(meant.found);
    }
  });
});
