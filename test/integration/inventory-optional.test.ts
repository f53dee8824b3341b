// find with `missing` on LocalStack for the adapters whose SDK client is an optional peer dependency: resources
// that were never tagged are found by listing each service. LocalStack is shared with other tests (one account), so
// only the resources created here are looked at. Not here: DynamoDB (this LocalStack does not serve it), CloudWatch
// insight rules (DescribeInsightRules is not emulated), and SSM patch baselines and Step Functions activities, whose
// tags LocalStack cannot read or write; test/unit/inventory-optional.test.ts covers them on mocked clients.
import { describe, expect, it } from 'vitest';
import {
  createAlarm,
  createDocument,
  createEventBus,
  createKey,
  createLogGroupForLogsApi,
  createMaintenanceWindow,
  createParameter,
  createRule,
  createSecret,
  createStateMachine,
  createStream,
} from '../../fixtures/optional-resources.js';
import type { FindFailure } from '../../src/index.js';
import { ACCOUNT, awsConfig, localTagger, REGION, uniqueName } from '../helpers.js';

/** Each type listed here, and how to create one resource of it. */
const KINDS: Record<string, (name: string) => Promise<string>> = {
  'kms:key': () => createKey(awsConfig()),
  'secretsmanager:secret': (name) => createSecret(awsConfig(), `unitag/${name}`),
  'ssm:parameter': (name) => createParameter(awsConfig(), `/unitag/${name}`),
  'ssm:document': (name) => createDocument(awsConfig(), name),
  'ssm:maintenancewindow': (name) => createMaintenanceWindow(awsConfig(), name),
  'logs:log-group': (name) => createLogGroupForLogsApi(awsConfig(), `/unitag/${name}`),
  'kinesis:stream': (name) => createStream(awsConfig(), name),
  'states:stateMachine': (name) => createStateMachine(awsConfig(), name),
  'events:event-bus': (name) => createEventBus(awsConfig(), name),
  'events:rule': (name) => createRule(awsConfig(), name),
  'cloudwatch:alarm': (name) => createAlarm(awsConfig(), name),
};

/** Per type: one resource with `owner`, one never tagged. */
async function createAll() {
  const tagger = localTagger();
  try {
    return await Promise.all(
      Object.entries(KINDS).map(async ([type, create]) => {
        const [owned, bare] = await Promise.all([create(uniqueName('inv-o')), create(uniqueName('inv-n'))]);
        await tagger.tag(owned, { owner: 'platform' });
        return { type, owned, bare };
      }),
    );
  } finally {
    await tagger.destroy();
  }
}

/** The resources among `mine` that a search finds, with their types, and the failures about them or a listing. */
async function findMissingOwner(resourceTypes: string[], mine: Set<string>) {
  // LocalStack does not throttle: AWS's rates would only slow the reads down.
  const tagger = localTagger({ maxRates: false });
  const failures: FindFailure[] = [];
  const found = new Map<string, string | undefined>();
  try {
    const search = tagger.find(
      { missing: ['owner'], resourceTypes, regions: [REGION] },
      { onFailure: (f) => failures.push(f) },
    );
    for await (const { arn, type } of search) if (mine.has(arn)) found.set(arn, type);
  } finally {
    await tagger.destroy();
  }
  return { found, failures: failures.filter((f) => f.listing || mine.has(f.arn)) };
}

describe('find --missing on LocalStack: the optional adapters list their resources', () => {
  it('finds the resources that lack owner, with their types, and not those that carry it', async () => {
    // Prepare
    const made = await createAll();
    const mine = new Set(made.flatMap((m) => [m.owned, m.bare]));
    // Act
    const { found, failures } = await findMissingOwner(Object.keys(KINDS), mine);
    // Assess
    expect(failures).toEqual([]);
    expect([...found.keys()].sort()).toEqual(made.map((m) => m.bare).sort());
    for (const { type, bare } of made) expect(found.get(bare)).toBe(type);
  });

  it('lists rules of a custom event bus by the ARN that names the bus', async () => {
    const bus = uniqueName('inv-bus');
    await createEventBus(awsConfig(), bus);
    const rule = await createRule(awsConfig(), uniqueName('inv-rule'), bus);
    expect(rule).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:rule/${bus}/${rule.split('/').pop()}`);
    const { found, failures } = await findMissingOwner(['events:rule'], new Set([rule]));
    expect(failures).toEqual([]);
    expect([...found]).toEqual([[rule, 'events:rule']]);
  });
});
