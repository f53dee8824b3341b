// `unitag plan` and `apply` of a rename job on LocalStack, where some queues already carry the destination key
// with another value: those are refused (TagConflict, both values on standard error, counted in the plan's
// summary and JSON), the others renamed; `--on-conflict overwrite` replaces, `keep` leaves both keys.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createQueue } from '../../fixtures/aws-resources.js';
import { awsConfig, localTagger, REGION, uniqueName, unitagOnLocalStack } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'unitag-conflict-'));

const unitag = unitagOnLocalStack;

/** Two queues: one with only CostCenter, one that also carries cost-center with another value. */
async function queues() {
  const tagger = localTagger();
  const name = uniqueName('conflict');
  const [plain, clash] = await Promise.all([
    createQueue(awsConfig(), `${name}-a`),
    createQueue(awsConfig(), `${name}-b`),
  ]);
  await tagger.tag(plain, { CostCenter: 'CC-1001' });
  await tagger.tag(clash, { CostCenter: 'CC-1008', 'cost-center': 'CC-9999' });
  const job = join(dir, `${name}.csv`);
  writeFileSync(
    job,
    `arn,action,key,value\n${plain},rename,CostCenter,cost-center\n${clash},rename,CostCenter,cost-center\n`,
  );
  return { tagger, plain, clash, job };
}

describe('rename onto a key already carried (built CLI, LocalStack)', () => {
  it('plan and apply refuse that resource by default, say both values, and count it; the others are renamed', async () => {
    const { tagger, plain, clash, job } = await queues();
    const plan = await unitag(['plan', job, '-o', 'json']);
    expect(plan.code).toBe(1);
    const json = JSON.parse(plan.stdout);
    expect(json.totals).toMatchObject({ total: 2, change: 1, failed: 1, conflicts: 1 });
    const line = json.resources.find((r: { arn: string }) => r.arn === clash);
    expect(line).toMatchObject({ outcome: 'failed', conflicts: 1, error: { code: 'TagConflict' } });
    expect(line.error.message).toContain('would replace cost-center="CC-9999" with "CC-1008"');
    const table = await unitag(['plan', job]);
    expect(table.stdout).toContain('1 with conflicts (--on-conflict)');

    const apply = await unitag(['apply', job]);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('TagConflict');
    expect(await tagger.list(plain)).toEqual({ 'cost-center': 'CC-1001' });
    expect(await tagger.list(clash)).toEqual({ CostCenter: 'CC-1008', 'cost-center': 'CC-9999' });
    await tagger.destroy();
  });

  it('--on-conflict keep leaves both keys; --on-conflict overwrite replaces the value', async () => {
    const { tagger, clash, job } = await queues();
    const kept = await unitag(['apply', job, '--on-conflict', 'keep']);
    expect(kept.code).toBe(0);
    expect(await tagger.list(clash)).toEqual({ CostCenter: 'CC-1008', 'cost-center': 'CC-9999' });
    const overwritten = await unitag(['apply', job, '--on-conflict', 'overwrite']);
    expect(overwritten.code).toBe(0);
    expect(await tagger.list(clash)).toEqual({ 'cost-center': 'CC-1008' });
    const bad = await unitag(['plan', job, '--on-conflict', 'replace']);
    expect(bad.code).toBe(2);
    await tagger.destroy();
  });

  it('find --output job writes the job a search names: plan and apply take it as it is', async () => {
    const tagger = localTagger();
    const name = uniqueName('findjob');
    const queues = await Promise.all([0, 1].map((i) => createQueue(awsConfig(), `${name}-${i}`)));
    await tagger.tagMany(queues, { CostCenter: 'CC-1', run: name });
    const search = ['find', '--all', '--type', 'sqs', '--tag', `run=${name}`, '--regions', REGION];
    const made = await unitag([
      ...search,
      '-o',
      'job',
      '--action',
      'rename',
      '--key',
      'CostCenter',
      '--value',
      'cost-center',
    ]);
    expect(made.code).toBe(0);
    const lines = made.stdout.trim().split('\n');
    expect(lines[0]).toBe('arn,action,key,value');
    expect(lines.slice(1).sort()).toEqual(queues.map((arn) => `${arn},rename,CostCenter,cost-center`).sort());
    const job = join(dir, `${name}.csv`);
    writeFileSync(job, made.stdout);
    expect((await unitag(['apply', job])).code).toBe(0);
    for (const arn of queues) expect(await tagger.list(arn)).toEqual({ 'cost-center': 'CC-1', run: name });
    // A remove line has an empty value cell; a job line plan would refuse is bad usage, before any call.
    const removal = await unitag([...search, '-o', 'job', '--action', 'remove', '--key', 'run']);
    expect(removal.stdout.trim().split('\n').slice(1)).toEqual(
      expect.arrayContaining([`${queues[0]},remove,run,`]),
    );
    expect((await unitag([...search, '-o', 'job', '--action', 'rename', '--key', 'a'])).code).toBe(2);
    expect((await unitag([...search, '--key', 'a'])).code).toBe(2);
    await tagger.destroy();
  });
});
