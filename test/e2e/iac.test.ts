// Plans, applies and checks against infrastructure as code, on LocalStack with the built CLI: a Terraform state
// (local and in an S3 backend) and a Pulumi stack export that name LocalStack resources, written here in the
// tools' documented formats. A plan says which keys the next run undoes (JSON valid against the schema, the
// table's marker and summary); apply --iac refuse fails those lines and writes nothing to them; warn writes and
// says so; check --iac reports drift both ways and writes the job that sets the declared values back.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { createBucket, createQueue, createTopic } from '../../fixtures/aws-resources.js';
import {
  awsConfig,
  endpoint,
  localTagger,
  REGION,
  uniqueName,
  unitagOnLocalStack as unitag,
} from '../helpers.js';

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'unitag-iac-'));
const schema = JSON.parse(readFileSync(join(root, 'schema/output.schema.json'), 'utf8'));
const validate = new Ajv({ strict: false }).compile(schema);

/** A Terraform state (format version 4) with one SNS topic, its tags and the provider's default_tags. */
function terraformState(topic: string, tags: Record<string, string>, defaults: Record<string, string>) {
  return JSON.stringify({
    version: 4,
    terraform_version: '1.9.5',
    serial: 3,
    lineage: '3f1f0b52-7d0c-4d5e-9a3e-000000000001',
    outputs: {},
    resources: [
      {
        mode: 'managed',
        type: 'aws_sns_topic',
        name: 'orders',
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [
          {
            schema_version: 0,
            attributes: {
              arn: topic,
              id: topic,
              name: topic.split(':').pop(),
              tags,
              tags_all: { ...defaults, ...tags },
            },
          },
        ],
      },
    ],
  });
}

/** A `pulumi stack export` with one SQS queue. */
function pulumiExport(queue: string, tags: Record<string, string>) {
  return JSON.stringify({
    version: 3,
    deployment: {
      manifest: { time: '2026-12-01T10:00:00Z', magic: 'x', version: 'v3.140.0' },
      resources: [
        {
          urn: 'urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod',
          custom: false,
          type: 'pulumi:pulumi:Stack',
        },
        {
          urn: 'urn:pulumi:prod::shop::aws:sqs/queue:Queue::jobs',
          custom: true,
          type: 'aws:sqs/queue:Queue',
          outputs: { arn: queue, tags, tagsAll: tags },
        },
      ],
    },
  });
}

describe('infrastructure as code (built CLI, LocalStack)', () => {
  it('plan says which keys Terraform and Pulumi undo; apply --iac refuse writes nothing to them, warn writes', async () => {
    const name = uniqueName('iac');
    const [topic, queue] = await Promise.all([
      createTopic(awsConfig(), `${name}-orders`),
      createQueue(awsConfig(), `${name}-jobs`),
    ]);
    const tagger = localTagger();
    await tagger.tag(topic, { team: 'shop', env: 'prod' });
    await tagger.tag(queue, { team: 'shop' });
    const state = join(dir, `${name}.tfstate`);
    writeFileSync(state, terraformState(topic, { team: 'shop' }, { env: 'prod' }));
    const stack = join(dir, `${name}.pulumi.json`);
    writeFileSync(stack, pulumiExport(queue, { team: 'shop' }));
    const job = join(dir, `${name}.csv`);
    writeFileSync(
      job,
      `arn,action,key,value\n${topic},set,owner,platform\n${topic},set,team,platform\n${queue},set,team,shop\n`,
    );
    const sources = ['--terraform-state', state, '--pulumi-state', stack];

    const json = await unitag(['plan', job, ...sources, '-o', 'json']);
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout);
    expect(validate(plan), JSON.stringify(validate.errors)).toBe(true);
    expect(plan.totals).toMatchObject({ total: 2, change: 1, noop: 1, undone: 1 });
    const [entry] = plan.resources.filter((r: { outcome: string }) => r.outcome === 'change');
    expect(entry).toMatchObject({
      arn: topic,
      iac: { tool: 'terraform', address: 'aws_sns_topic.orders', reverts: ['owner', 'team'] },
    });

    const table = await unitag(['plan', job, ...sources]);
    expect(table.stdout).toContain(`~ ${topic} [IaC]`);
    expect(table.stdout).toContain(
      '[IaC] Terraform aws_sns_topic.orders undoes owner, team at its next apply',
    );
    expect(table.stdout).toContain(
      '1 change will be undone by Terraform at its next apply: aws_sns_topic.orders.',
    );

    // The provider's ignore_tags (which a state does not record) keeps owner from counting.
    const ignored = await unitag([
      'plan',
      job,
      ...sources,
      '--terraform-ignore-tags',
      'keys=owner',
      '-o',
      'json',
    ]);
    expect(JSON.parse(ignored.stdout).resources[0].iac.reverts).toEqual(['team']);

    const refused = await unitag(['apply', job, ...sources, '--iac', 'refuse', '-o', 'json']);
    expect(refused.code).toBe(1);
    const lines = JSON.parse(refused.stdout).resources;
    expect(lines.find((l: { arn: string }) => l.arn === topic)).toMatchObject({
      outcome: 'failed',
      error: {
        code: 'ManagedByIaC',
        message: expect.stringMatching(
          /Terraform aws_sns_topic\.orders would undo this change to owner, team/,
        ),
      },
    });
    expect(await tagger.list(topic)).toEqual({ team: 'shop', env: 'prod' });

    const warned = await unitag(['apply', job, ...sources]);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain(
      '1 change will be undone by Terraform at its next apply: aws_sns_topic.orders',
    );
    expect(await tagger.list(topic)).toEqual({ team: 'platform', env: 'prod', owner: 'platform' });

    // Drift, both ways: team differs from what Terraform declares, owner is not declared at all.
    const fix = join(dir, `${name}-fix.ndjson`);
    const drift = await unitag(['check', '--iac', ...sources, '--fix', fix, '-o', 'json']);
    expect(drift.code).toBe(1);
    const report = JSON.parse(drift.stdout);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.totals).toEqual({ total: 2, compliant: 1, noncompliant: 1, failed: 0 });
    expect(report.resources.find((r: { arn: string }) => r.arn === topic)).toMatchObject({
      outcome: 'noncompliant',
      drift: { tool: 'terraform', address: 'aws_sns_topic.orders', differs: ['team'], extra: ['owner'] },
    });
    expect(readFileSync(fix, 'utf8')).toBe(`${JSON.stringify({ arn: topic, set: { team: 'shop' } })}\n`);
    expect((await unitag(['apply', fix])).code).toBe(0);
    expect(await tagger.list(topic)).toEqual({ team: 'shop', env: 'prod', owner: 'platform' });
    const after = await unitag(['check', '--iac', ...sources]);
    expect(after.stdout).toContain('+owner (not declared: removed at the next run)');
  });

  it('reads a Terraform state from an S3 backend with the run credentials; bad sources are refused first', async () => {
    const name = uniqueName('iac-s3');
    const topic = await createTopic(awsConfig(), `${name}-t`);
    const bucket = (await createBucket(awsConfig(), `${name}-state`)).split(':::')[1] as string;
    const s3 = new S3Client({ ...awsConfig(), forcePathStyle: true });
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'env/prod.tfstate',
        Body: terraformState(topic, { team: 'a' }, {}),
      }),
    );
    s3.destroy();
    const job = join(dir, `${name}.csv`);
    writeFileSync(job, `arn,action,key,value\n${topic},set,team,b\n`);
    const plan = await unitag([
      'plan',
      job,
      '--terraform-state',
      `s3://${bucket}/env/prod.tfstate`,
      '-o',
      'json',
    ]);
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout).resources[0].iac).toMatchObject({ tool: 'terraform', reverts: ['team'] });

    const missing = await unitag(['plan', job, '--terraform-state', `s3://${bucket}/nope.tfstate`]);
    expect(missing).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`--terraform-state s3://${bucket}/nope.tfstate: cannot read it`),
    });
    const pasted = await unitag([
      'plan',
      job,
      '--terraform-state',
      `s3://${bucket}/env/prod.tfstate`,
      '--terraform-ignore-tags',
      'keys=["team"]',
    ]);
    expect(pasted).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no quotes, brackets or empty entries'),
    });
    const unprotected = await unitag(['apply', job, '--iac', 'refuse', '--dry-run']);
    expect(unprotected.stderr).toContain('--iac refuse has no source to check against');
    const state = join(dir, `${name}.tfstate`);
    writeFileSync(state, terraformState(topic, { team: 'a' }, {}));
    const rows = await unitag(['check', '--iac', '--terraform-state', state, '-o', 'csv']);
    expect(rows.stdout.split('\n')[0]).toBe('arn,tool,declared_by,outcome,differs,extra,error');
    expect(rows.stdout).toContain(`${topic},terraform,aws_sns_topic.orders,noncompliant,team,"",""`);
    const broken = join(dir, `${name}-broken.tfstate`);
    writeFileSync(broken, '{"version": 3, "modules": []}');
    const old = await unitag(['apply', job, '--terraform-state', broken]);
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/InvalidIacState|version 3/);
    expect(await localTagger().list(topic)).toEqual({});
    const usage = await unitag(['plan', job, '--terraform-ignore-tags', 'keys=a']);
    expect(usage).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--terraform-ignore-tags goes with --terraform-state'),
    });
    expect(REGION).toBe('us-east-1');
    expect(endpoint()).toMatch(/^http/);
  });

  it('--cloudformation: the stack of a resource, the keys a stack update resets; check --iac of an ARN', async () => {
    const name = uniqueName('iac-cfn');
    const topicName = `${name}-topic`;
    const template = [
      'Parameters:',
      '  Env: { Type: String, Default: prod }',
      'Resources:',
      '  Orders:',
      '    Type: AWS::SNS::Topic',
      '    Properties:',
      `      TopicName: ${topicName}`,
      '      Tags:',
      '        - { Key: team, Value: shop }',
      '        - { Key: env, Value: !Ref Env }',
    ].join('\n');
    const cfn = new CloudFormationClient(awsConfig());
    try {
      await cfn.send(
        new CreateStackCommand({
          StackName: name,
          TemplateBody: template,
          Tags: [{ Key: 'cost-center', Value: 'cc-1' }],
        }),
      );
      await waitUntilStackCreateComplete({ client: cfn, maxWaitTime: 120, minDelay: 1 }, { StackName: name });
      const topic = `arn:aws:sns:${REGION}:000000000000:${topicName}`;
      const job = join(dir, `${name}.csv`);
      writeFileSync(
        job,
        `arn,action,key,value\n${topic},set,team,web\n${topic},set,owner,me\n${topic},set,env,dev\n`,
      );
      const plan = await unitag(['plan', job, '--cloudformation', '-o', 'json']);
      expect(plan.code).toBe(0);
      const [entry] = JSON.parse(plan.stdout).resources;
      // team is declared; env is declared by a function (its value unknown): both reset; owner is not declared.
      expect(entry.iac).toEqual({ tool: 'cloudformation', stack: name, reverts: ['env', 'team'] });
      const refused = await unitag(['apply', job, '--cloudformation', '--iac', 'refuse']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`CloudFormation stack ${name} would undo this change to env, team`);
      expect(await localTagger().list(topic)).toEqual({ team: 'shop', env: 'prod' });
      const drift = await unitag(['check', '--iac', '--cloudformation', topic, '-o', 'json']);
      const [line] = JSON.parse(drift.stdout).resources;
      // LocalStack does not copy the stack's tags onto its resources, as AWS does: cost-center shows as drift.
      expect(line.drift).toMatchObject({
        tool: 'cloudformation',
        stack: name,
        differs: ['cost-center'],
        extra: [],
      });
      const usage = await unitag(['check', '--iac', '--cloudformation']);
      expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining('name them') });
    } finally {
      await cfn.send(new DeleteStackCommand({ StackName: name })).catch(() => undefined);
      cfn.destroy();
    }
  });

  it('an S3 backend that never answers ends in Timeout (exit 2, nothing written), not in a wait without end', async () => {
    const { createServer } = await import('node:http');
    let reached = 0;
    // Takes each request and never answers it.
    const server = createServer(() => {
      reached += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const job = join(dir, `${uniqueName('iac-silent')}.csv`);
      writeFileSync(job, 'arn,action,key,value\narn:aws:sns:us-east-1:000000000000:t,set,team,b\n');
      const run = await unitag([
        'apply',
        job,
        '--terraform-state',
        's3://states/prod.tfstate',
        '--endpoint-url',
        `http://127.0.0.1:${port}`,
        '--read-timeout',
        '1',
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/--terraform-state s3:\/\/states\/prod\.tfstate: cannot read it: Timeout/);
      expect(reached).toBeGreaterThan(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
