// `unitag permissions JOB` against what running the job really calls: the job is applied by the CLI through a
// recording proxy in front of LocalStack, and every call it made (as the IAM action that authorizes it) must be
// in the policy, on the resource it named; every action of the policy must have been called, or be one the
// run could have needed (listed below with the reason).
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBucket,
  createEc2,
  createEventSourceMapping,
  createFunction,
  createIam,
  createQueue,
  createTopic,
  putObject,
} from '../../fixtures/aws-resources.js';
import {
  createAlarm,
  createKey,
  createLogGroupForLogsApi,
  createParameter,
  createRule,
  createSecret,
  createStateMachine,
  createStream,
} from '../../fixtures/optional-resources.js';
import type { PolicyDocument } from '../../src/governance/permissions.js';
import { operationOf } from '../fake-aws.js';
import { awsConfig, endpoint, localTagger, REGION, uniqueName } from '../helpers.js';

const root = new URL('../..', import.meta.url).pathname;
const cli = join(root, 'dist/bin/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'unitag-permissions-'));

interface Recorder {
  url: string;
  actions: Set<string>;
  server: Server;
}

/** A proxy to LocalStack that records each request as the IAM action authorizing it. */
async function recordingProxy(target: string): Promise<Recorder> {
  const actions = new Set<string>();
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      actions.add(iamAction(req, body.toString('utf8')));
      const out = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      // LocalStack may drop a connection: the client then sees it dropped too (and the SDK sends it again).
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, actions, server };
}

// The signing name (from the credential scope) is the IAM prefix, but for the tagging API's and CloudWatch's
// (signed as monitoring, authorized as cloudwatch:); an S3 bucket's
// DeleteBucketTagging is authorized by s3:PutBucketTagging (AWS's API reference for DeleteBucketTagging).
function iamAction(req: IncomingMessage, body: string): string {
  const scope = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(String(req.headers.authorization))?.[1] ?? '?';
  const prefix = ({ tagging: 'tag', monitoring: 'cloudwatch' } as Record<string, string>)[scope] ?? scope;
  const operation = operationOf(req, body);
  return `${prefix}:${operation === 'DeleteBucketTagging' ? 'PutBucketTagging' : operation}`;
}

function unitag(
  args: string[],
  endpointUrl: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL: endpointUrl,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

function actionsOf(policy: PolicyDocument): Set<string> {
  return new Set(policy.Statement.flatMap((s) => s.Action));
}

function resourcesOf(policy: PolicyDocument): Set<string> {
  return new Set(policy.Statement.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource])));
}

// What the policy allows and the run does not call. With the tagging API, LocalStack refuses the first write
// of each type (the probe), so later removals go straight to the service's own calls.
const UNUSED_WITH_TAGGING_API = ['tag:UntagResources'];

describe('unitag permissions JOB, against the calls the job makes on LocalStack', () => {
  let proxy: Recorder;
  let arns: string[];

  beforeAll(async () => {
    const config = awsConfig();
    const bucket = await createBucket(config, uniqueName('perm-bucket'));
    const name = bucket.slice('arn:aws:s3:::'.length);
    await putObject(config, name, 'dir/a.txt');
    await putObject(config, name, 'dir/b.txt');
    arns = [
      await createTopic(config, uniqueName('perm-topic')),
      await createQueue(config, uniqueName('perm-queue')),
      await createFunction(config, uniqueName('perm-fn')),
      bucket,
      `${bucket}/dir/a.txt`,
      `${bucket}/dir/b.txt`,
      await createEc2(config, 'volume'),
      await createEc2(config, 'security-group'),
      await createIam(config, 'user', uniqueName('perm-user')),
      await createIam(config, 'role', uniqueName('perm-role')),
      await createIam(config, 'instance-profile', uniqueName('perm-profile')),
      await createIam(config, 'oidc-provider', uniqueName('perm-oidc')),
      await createEventSourceMapping(config, uniqueName('perm-esm')),
      await createLogGroupForLogsApi(config, uniqueName('perm-log')),
      await createIam(config, 'policy', uniqueName('perm-policy')),
      await createKey(config),
      await createSecret(config, uniqueName('perm-secret')),
      await createParameter(config, `/${uniqueName('perm')}/param`),
      await createStream(config, uniqueName('perm-stream')),
      await createStateMachine(config, uniqueName('perm-flow')),
      await createRule(config, uniqueName('perm-rule')),
      await createAlarm(config, uniqueName('perm-alarm')),
    ];
    proxy = await recordingProxy(endpoint());
  }, 120_000);

  afterAll(() => proxy?.server.close());

  for (const taggingApi of [true, false]) {
    const flags = taggingApi ? [] : ['--no-tagging-api'];
    it(`names every call of the run and nothing broader${taggingApi ? '' : ' (--no-tagging-api)'}`, async () => {
      // Prepare: every resource carries `old`, so that the job's removal really calls the untag operations.
      const tagger = localTagger();
      for (const arn of arns) await tagger.tag(arn, { old: '1', keep: 'k' });
      await tagger.destroy();
      const job = join(dir, `job-${taggingApi}.ndjson`);
      const value = uniqueName('v');
      // The second object loses every tag: emptying its set calls DeleteObjectTagging.
      const line = (arn: string) =>
        arn.endsWith('/b.txt')
          ? { arn, remove: ['old', 'keep'] }
          : { arn, set: { team: value }, remove: ['old'] };
      writeFileSync(job, arns.map((arn) => JSON.stringify(line(arn))).join('\n'));
      const printed = await unitag([...flags, 'permissions', job], proxy.url);
      expect(printed.stderr).toBe('');
      const policy = JSON.parse(printed.stdout) as PolicyDocument;
      proxy.actions.clear();

      // Act
      const run = await unitag([...flags, '--max-rate', 'off', 'apply', job, '--output', 'json'], proxy.url);

      // Assess
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).totals).toMatchObject({ total: arns.length, failed: 0 });
      const allowed = actionsOf(policy);
      const called = proxy.actions;
      expect([...called].filter((a) => !allowed.has(a))).toEqual([]);
      const unused = [...allowed].filter((a) => !called.has(a));
      expect(unused.sort()).toEqual(taggingApi ? UNUSED_WITH_TAGGING_API : []);
      // The log group has its own calls (logs:TagResource, ...): without the tagging API for bulk work, no
      // resource of the job needs it.
      if (!taggingApi) expect([...allowed].filter((a) => a.startsWith('tag:'))).toEqual([]);
      expect(called).toContain('logs:TagResource');
      expect(called).toContain('logs:UntagResource');
      // Nothing broader: no wildcard action, and every resource is one the job names (or "*" for the actions
      // AWS authorizes only on "*").
      expect([...allowed].some((a) => a.includes('*'))).toBe(false);
      expect([...resourcesOf(policy)].sort()).toEqual(['*', ...arns].sort());
    }, 120_000);
  }
});

/** The CLI with no credentials at all: explain and permissions need none. */
function offline(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, AWS_CONFIG_FILE: join(dir, 'none') };
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [cli, ...args], { env }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
    child.stdin?.end(input ?? '');
  });
}

describe('unitag explain and permissions as a new user runs them', () => {
  it('explains resources from arguments and standard input, without credentials', async () => {
    const run = await offline(
      ['explain', 'arn:aws:iam::123456789012:role/deploy', '-', '--output', 'json'],
      'arn:aws:s3:::logs/app.log\n',
    );
    expect(run.code, run.stderr).toBe(0);
    const { resources } = JSON.parse(run.stdout);
    expect(resources.map((r: { type: string }) => r.type)).toEqual(['iam:role', 's3:object']);
    const text = await offline(['explain', 'arn:aws:s3:::logs/app.log']);
    expect(text.stdout).toContain('s3:ExistingObjectTag/<key>');
    expect(text.stdout).toContain(
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/tagging-and-policies.html',
    );
  });

  it('refuses bad input with exit 2 and a message that says what to fix', async () => {
    const bad = await offline(['explain', 'arn:aws:sns:us-east-1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Invalid ARN/);
    const operations = await offline([
      'permissions',
      'arn:aws:sns:us-east-1:123456789012:t',
      '--for',
      'tag,delete',
    ]);
    expect(operations).toMatchObject({ code: 2, stdout: '' });
    expect(operations.stderr).toMatch(/--for takes tag, untag and list/);
    const job = join(dir, 'bad.ndjson');
    writeFileSync(job, '{"arn": "arn:aws:sns:us-east-1:123456789012:t", "set": {"aws:x": "1"}}\n');
    const lines = await offline(['permissions', job]);
    expect(lines).toMatchObject({ code: 2, stdout: '' });
    expect(lines.stderr).toMatch(/bad.ndjson:1: ReservedKey/);
    // Each bad line on a line of its own, and no policy.
    writeFileSync(job, '{"arn": "arn:aws:sns:us-east-1:123456789012:t", "set": {"aws:x": "1"}}\nnot json\n');
    const two = await offline(['permissions', job]);
    expect(two.stderr.split('\n').filter((l) => l.startsWith(job))).toHaveLength(2);
    expect(two.stderr).toMatch(/2 bad line\(s\) in .*bad\.ndjson/);
    // --for says what will be done to ARNs; with a job it would be ignored, so it is refused.
    const jobFor = await offline(['permissions', job, '--for', 'tag']);
    expect(jobFor.code).toBe(2);
    expect(jobFor.stderr).toMatch(/--for applies to ARNs/);
    // Every bad ARN is named, and the good ones still explained.
    const some = await offline(['explain', 'arn:aws:sns:us-east-1:123456789012:ok', 'bad-1', 'arn:aws:sns']);
    expect(some.code).toBe(2);
    expect(some.stdout).toContain('arn:aws:sns:us-east-1:123456789012:ok');
    expect(some.stderr).toMatch(/bad-1: InvalidArn/);
    expect(some.stderr).toMatch(/arn:aws:sns: InvalidArn/);
    const format = await offline(['permissions', join(dir, 'job.txt')]);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/cannot tell the format/);
  });

  it('applies --query to the policy', async () => {
    const run = await offline([
      '--query',
      'Statement[].Action[]',
      'permissions',
      'arn:aws:sqs:us-east-1:123456789012:q',
      '--for',
      'list',
      '--no-tagging-api',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(['sqs:ListQueueTags']);
  });

  it('fits a managed policy: widened to the narrowest patterns that fit, said; --exact keeps every ARN in several', async () => {
    // Prepare: 200 topics named topic-N and 100 queues named jobs-N: every ARN listed is 16,000 characters and more.
    const job = join(dir, 'big.ndjson');
    const line = (arn: string) => JSON.stringify({ arn, set: { a: '1' } });
    const topics = Array.from({ length: 200 }, (_, i) => `arn:aws:sns:us-east-1:123456789012:topic-${i}`);
    const queues = Array.from({ length: 100 }, (_, i) => `arn:aws:sqs:eu-west-1:123456789012:jobs-${i}`);
    writeFileSync(job, [...topics, ...queues].map(line).join('\n'));
    // Act
    const run = await offline(['permissions', job]);
    // Assess: one policy within 6,144 characters, naming the topics and queues by their first word.
    expect(run.code).toBe(0);
    const policy = JSON.parse(run.stdout);
    expect(JSON.stringify(policy).length).toBeLessThanOrEqual(6144);
    const resources = policy.Statement.flatMap((s: { Resource: string | string[] }) => [s.Resource].flat());
    expect(resources).toEqual(
      expect.arrayContaining([
        'arn:aws:sns:us-east-1:123456789012:topic-*',
        'arn:aws:sqs:eu-west-1:123456789012:jobs-*',
      ]),
    );
    expect(run.stderr).toContain('arn:aws:sns:us-east-1:123456789012:topic-* (200)');
    expect(run.stderr).toContain('arn:aws:sqs:eu-west-1:123456789012:jobs-* (100)');
    // --exact: every ARN, in as many policies as it takes, each within the size asked.
    const exact = await offline(['permissions', job, '--exact', '--max-size', '10240']);
    expect(exact.code).toBe(0);
    const { policies } = JSON.parse(exact.stdout);
    expect(policies.length).toBeGreaterThan(1);
    for (const p of policies) expect(JSON.stringify(p).length).toBeLessThanOrEqual(10240);
    const named = policies.flatMap((p: { Statement: { Resource: string | string[] }[] }) =>
      p.Statement.flatMap((s) => [s.Resource].flat()),
    );
    expect(named.filter((r: string) => r !== '*').sort()).toEqual([...topics, ...queues].sort());
    expect((await offline(['permissions', job, '--max-size', 'big'])).code).toBe(2);
  });
});
