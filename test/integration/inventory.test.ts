// find with `missing` / `untagged` on LocalStack: resources that were never tagged are found by listing each
// service. LocalStack is shared with other tests, so only the resources created here are looked at.
import { describe, expect, it } from 'vitest';
import {
  createBucket,
  createEc2,
  createFunction,
  createIam,
  createQueue,
  createTopic,
} from '../../fixtures/aws-resources.js';
import type { FindFailure, FindQuery } from '../../src/index.js';
import { awsConfig, localTagger, REGION, uniqueName } from '../helpers.js';

/** Each type `find` lists, and how to create one resource of it. */
const KINDS: Record<string, (name: string) => Promise<string>> = {
  'sns:topic': (name) => createTopic(awsConfig(), name),
  'sqs:queue': (name) => createQueue(awsConfig(), name),
  's3:bucket': (name) => createBucket(awsConfig(), name),
  'lambda:function': (name) => createFunction(awsConfig(), name),
  'ec2:volume': () => createEc2(awsConfig(), 'volume'),
  'ec2:security-group': () => createEc2(awsConfig(), 'security-group'),
  'iam:role': (name) => createIam(awsConfig(), 'role', name),
  'iam:user': (name) => createIam(awsConfig(), 'user', name),
  'iam:policy': (name) => createIam(awsConfig(), 'policy', name),
};

/** Per type: one resource with `owner` (and `team`), one with `team` only, one never tagged. */
async function createAll() {
  const tagger = localTagger();
  const made = await Promise.all(
    Object.entries(KINDS).map(async ([type, create]) => {
      const [owned, teamOnly, bare] = await Promise.all(
        ['o', 't', 'n'].map((suffix) => create(uniqueName(`inv-${suffix}`))),
      );
      await tagger.tag(owned as string, { owner: 'platform', team: 'a' });
      await tagger.tag(teamOnly as string, { team: 'a' });
      return { type, owned: owned as string, teamOnly: teamOnly as string, bare: bare as string };
    }),
  );
  await tagger.destroy();
  return made;
}

/** What a search finds among `mine`, and every failure about them or about a whole listing. */
async function search(query: FindQuery, mine: Set<string>) {
  // LocalStack does not throttle: AWS's rates (SQS: 5 tag reads a second) would only slow the reads down.
  const tagger = localTagger({ maxRates: false });
  const failures: FindFailure[] = [];
  const found: string[] = [];
  const types = new Map<string, string | undefined>();
  const progress: string[] = [];
  try {
    const options = {
      onFailure: (f: FindFailure) => failures.push(f),
      onProgress: (p: { service: string }) => progress.push(p.service),
    };
    for await (const { arn, type } of tagger.find(
      { resourceTypes: Object.keys(KINDS), regions: [REGION], ...query },
      options,
    )) {
      if (!mine.has(arn)) continue;
      found.push(arn);
      types.set(arn, type);
    }
  } finally {
    await tagger.destroy();
  }
  const relevant = failures.filter((f) => f.listing || mine.has(f.arn));
  return { found: found.sort(), types, failures: relevant, progress: new Set(progress) };
}

// Each search lists every resource of six services in the shared LocalStack (as many as the tests before
// made), three times: tens of seconds on a loaded machine, so the tests' timeout (which only bounds a hang) is
// raised from the project's 60 s.
describe('find --missing / --untagged on LocalStack', () => {
  it('finds exactly the resources that lack owner, or every tag, of every type it lists', async () => {
    // Prepare
    const made = await createAll();
    const mine = new Set(made.flatMap((m) => [m.owned, m.teamOnly, m.bare]));
    // Act
    const missing = await search({ missing: ['owner'] }, mine);
    const untagged = await search({ untagged: true }, mine);
    const onTop = await search({ missing: ['owner'], tags: { team: 'a' } }, mine);
    // Assess
    expect(missing.failures).toEqual([]);
    expect(missing.found).toEqual(made.flatMap((m) => [m.teamOnly, m.bare]).sort());
    expect(untagged.failures).toEqual([]);
    expect(untagged.found).toEqual(made.map((m) => m.bare).sort());
    expect(onTop.found).toEqual(made.map((m) => m.teamOnly).sort());
    for (const { type, bare } of made) expect(untagged.types.get(bare)).toBe(type);
    expect([...missing.progress].sort()).toEqual(['ec2', 'iam', 'lambda', 's3', 'sns', 'sqs']);
  });

  it('a type filter lists that type only', async () => {
    const volume = await createEc2(awsConfig(), 'volume');
    const topic = await createTopic(awsConfig(), uniqueName('inv-only'));
    const { found, progress } = await search(
      { untagged: true, resourceTypes: ['ec2:volume'] },
      new Set([volume, topic]),
    );
    expect(found).toEqual([volume]);
    expect([...progress]).toEqual(['ec2']);
  });
}, 300_000);
