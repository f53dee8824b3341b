import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBucket, createEc2, createQueue, createTopic } from '../../fixtures/aws-resources.js';
import { main } from '../../src/cli/main.js';
import { type CheckReport, checkMany, fixResources, parseTagPolicy } from '../../src/index.js';
import { ACCOUNT, awsConfig, endpoint, localTagger, REGION, uniqueName } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'unitag-check-'));
const POLICY = {
  tags: {
    costcenter: {
      tag_key: { '@@assign': 'CostCenter' },
      tag_value: { '@@assign': ['100', '300*'] },
      enforced_for: { '@@assign': ['ec2:volume', 'sns:ALL_SUPPORTED'] },
    },
    team: { tag_key: { '@@assign': 'Team' }, tag_value: { '@@assign': ['Payments', 'Search'] } },
    owner: {
      tag_key: { '@@assign': 'Owner' },
      tag_value: { '@@assign': ['platform'] },
      required: { '@@assign': true },
    },
  },
};
const policyFile = join(dir, 'policy.json');
writeFileSync(policyFile, JSON.stringify(POLICY));

/** Runs the CLI in this process against LocalStack; what it printed and its exit code. */
async function unitag(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  try {
    const code = await main(['--endpoint-url', endpoint(), '--region', REGION, '--no-progress', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

/** Each resource's findings as [kind, key, enforced]. */
function findingsOf(report: Pick<CheckReport, 'results'>): Record<string, [string, string, boolean][]> {
  return Object.fromEntries(
    report.results.map((r) => [
      r.arn,
      r.findings.map((f) => [f.kind, f.key, f.enforced] as [string, string, boolean]),
    ]),
  );
}

beforeEach(() => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('tag policy check on LocalStack', () => {
  it('finds wrong-case keys and disallowed values, writes --fix, applies it, and then finds nothing', async () => {
    // Prepare: resources of four services, each wrong in its own way (the volume is compliant).
    const config = awsConfig();
    const [topic, queue, bucket, volume, group] = await Promise.all([
      createTopic(config, uniqueName('check')),
      createQueue(config, uniqueName('check')),
      createBucket(config, uniqueName('check')),
      createEc2(config, 'volume'),
      createEc2(config, 'security-group'),
    ]);
    const tagger = localTagger();
    await tagger.tag(topic, { costcenter: '100', Team: 'payments' });
    await tagger.tag(queue, { CostCenter: '300-b', team: 'Search', Owner: 'platform' });
    await tagger.tag(bucket, { COSTCENTER: '100', Team: 'SEARCH' });
    await tagger.tag(volume, { CostCenter: '300', Team: 'Payments', Owner: 'platform' });
    await tagger.tag(group, { costCenter: '300-x', Owner: 'Platform' });
    const arns = [topic, queue, bucket, volume, group];
    const policy = parseTagPolicy(readFileSync(policyFile, 'utf8'));

    // Act: the library, then the CLI with --fix.
    const report = await checkMany(tagger, policy, arns);
    const fixFile = join(dir, `${uniqueName('fix')}.ndjson`);
    const cli = await unitag(['check', '--policy', policyFile, ...arns, '--fix', fixFile, '-o', 'json']);

    // Assess
    expect(findingsOf(report)).toEqual({
      [topic]: [
        ['key-case', 'CostCenter', true],
        ['value-not-allowed', 'Team', false],
        ['required-missing', 'Owner', false],
      ],
      [queue]: [['key-case', 'Team', false]],
      [bucket]: [
        ['key-case', 'CostCenter', false],
        ['value-not-allowed', 'Team', false],
        ['required-missing', 'Owner', false],
      ],
      [volume]: [],
      [group]: [
        ['key-case', 'CostCenter', false],
        ['value-not-allowed', 'Owner', false],
      ],
    });
    expect(report.totals).toMatchObject({ total: 5, compliant: 1, noncompliant: 4, failed: 0, findings: 9 });
    expect(cli.code).toBe(1);
    const json = JSON.parse(cli.stdout);
    expect(json).toMatchObject({ version: 2, command: 'check', totals: report.totals });
    expect(
      findingsOf({
        results: json.resources.map((r: { findings?: [] }) => ({ ...r, findings: r.findings ?? [] })),
      }),
    ).toEqual(findingsOf(report));
    const lines = readFileSync(fixFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual(
      fixResources(policy, report.results).changes.map((c) => JSON.parse(JSON.stringify(c))),
    );
    expect(lines.map((l) => l.arn)).toEqual([topic, queue, bucket, group]);
    expect(cli.stderr).toMatch(/Fix: 4 resources to change written to .*; 0 findings left to you/);

    // The fix file is a job that plan and apply take as it is; afterwards, nothing is found.
    const planned = await unitag(['plan', fixFile, '-o', 'json']);
    expect(planned.code).toBe(0);
    expect(JSON.parse(planned.stdout).totals).toMatchObject({ total: 4, change: 4, failed: 0 });
    const applied = await unitag(['apply', fixFile, '-o', 'json']);
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout).totals).toMatchObject({ total: 4, changed: 4, failed: 0 });
    const again = await unitag(['check', '--policy', policyFile, ...arns]);
    expect(again).toMatchObject({ code: 0, stdout: '' });
    expect(again.stderr).toMatch(
      /^Check: 5 compliant, 0 noncompliant \(0 findings, 0 on enforced types\), 0 not read/m,
    );
    expect(await tagger.list(bucket)).toEqual({ CostCenter: '100', Team: 'Search', Owner: 'platform' });
  });

  it('a resource that cannot be read is a failure, never compliant', async () => {
    const topic = await createTopic(awsConfig(), uniqueName('check'));
    await localTagger().tag(topic, { CostCenter: '100', Owner: 'platform' });
    const missing = `arn:aws:sqs:${REGION}:${ACCOUNT}:${uniqueName('missing')}`;
    const run = await unitag(['check', '--policy', policyFile, topic, missing, '-o', 'json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).resources).toEqual([
      { arn: topic, type: 'sns:topic', outcome: 'compliant' },
      {
        arn: missing,
        type: 'sqs:queue',
        outcome: 'failed',
        error: expect.objectContaining({ code: 'ResourceNotFound' }),
      },
    ]);
    expect(run.stderr).toContain(`unitag: ${missing}: ResourceNotFound`);
    expect(run.stderr).toMatch(/1 compliant, 0 noncompliant .*1 not read/);
  });
});
