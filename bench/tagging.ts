// `npm run bench [-- N]`: measures unitag's bulk tagging against hand-written SDK loops on LocalStack.
// Creates N resources (default 500; SNS topics, SQS queues, S3 buckets, EC2 volumes, IAM roles, log groups),
// then, best of 3, per service and for the whole mix:
//   (a) tagger.tagMany           (b) raw SDK calls, one resource at a time
//   (c) raw SDK calls per resource under p-limit at the same concurrency (what a careful user writes)
// and a second round through plan + apply where half the resources already carry the tag. LocalStack does not
// throttle, and (b) and (c) keep to no rate: unitag runs without its rate limits too (`maxRates: false`), so
// that the figures compare the work each does, not AWS's rates (bench/scale.ts measures those).
import { CloudWatchLogsClient, TagResourceCommand as LogsTag } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient, TagRoleCommand } from '@aws-sdk/client-iam';
import { GetBucketTaggingCommand, PutBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { SNSClient, TagResourceCommand as SnsTag } from '@aws-sdk/client-sns';
import { SQSClient, TagQueueCommand } from '@aws-sdk/client-sqs';
import pLimit from 'p-limit';
import {
  createBucket,
  createEc2,
  createIam,
  createLogGroup,
  createQueue,
  createTopic,
} from '../fixtures/aws-resources.js';
import { createTagger, parseArn } from '../src/index.js';
import { startLocalStack } from '../src/localstack.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const N = Number(process.argv[2] ?? process.env.BENCH_N ?? 500);
const CONCURRENCY = 16;
const REPEATS = 3;
const KINDS = ['sns', 'sqs', 's3', 'ec2', 'iam', 'logs'] as const;
type Kind = (typeof KINDS)[number];

const localstack = await startLocalStack();
const { endpoint, started } = localstack;
const config = {
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
};

try {
  console.log(`Creating ${N} resources on ${endpoint} ...`);
  const resources = await createResources(N);
  const byKind = (kind: Kind) => resources.filter((r) => r.kind === kind).map((r) => r.arn);
  const all = resources.map((r) => r.arn);

  const rows: Row[] = [];
  for (const kind of [...KINDS, 'total' as const]) {
    const arns = kind === 'total' ? all : byKind(kind);
    const a = await best((round) => viaUnitag(arns, `a${round}`));
    const b = await best((round) => viaSdk(arns, `b${round}`, 1));
    const c = await best((round) => viaSdk(arns, `c${round}`, CONCURRENCY));
    rows.push({ kind, n: arns.length, a, b, c });
  }
  printTable(rows);

  // Round two: half of the resources already carry owner=platform; plan + apply skips their writes.
  const half = KINDS.flatMap((kind) => byKind(kind).filter((_, i) => i % 2 === 0));
  await createTagger({ ...config, concurrency: CONCURRENCY, maxRates: false }).tagMany(half, {
    owner: 'platform',
  });
  const tagger = createTagger({ ...config, concurrency: CONCURRENCY, maxRates: false });
  const t0 = performance.now();
  const planned = await tagger.plan(all.map((arn) => ({ arn, set: { owner: 'platform' } })));
  const t1 = performance.now();
  const applied = await tagger.apply(planned);
  const t2 = performance.now();
  const blind = await best((round) => viaSdk(all, `owner-${round}`, CONCURRENCY));
  console.log('\nRound two: plan + apply where half the resources already carry owner=platform');
  console.log(
    `  plan:  ${planned.calls} calls (reads), ${ms(t1 - t0)}; ${planned.totals.change} to change, ${planned.totals.noop} already done`,
  );
  console.log(
    `  apply: ${applied.calls} calls (writes), ${ms(t2 - t1)}; ${applied.totals.changed} changed, ${applied.totals.unchanged} skipped without a write, ${applied.totals.failed} failed`,
  );
  console.log(`  (c) writing every resource by hand: ${blind.calls} calls, ${ms(blind.ms)}`);
  console.log(
    `  plan + apply / (c): calls ${((planned.calls + applied.calls) / blind.calls).toFixed(2)}, time ${((t2 - t0) / blind.ms).toFixed(2)}`,
  );
} finally {
  if (started) await localstack.stop();
}

interface Measure {
  ms: number;
  calls: number;
  failed: number;
}
interface Row {
  kind: string;
  n: number;
  a: Measure;
  b: Measure;
  c: Measure;
}

async function best(run: (round: number) => Promise<Measure>): Promise<Measure> {
  let fastest: Measure | undefined;
  for (let round = 0; round < REPEATS; round++) {
    const m = await run(round);
    if (!fastest || m.ms < fastest.ms) fastest = m;
  }
  return fastest as Measure;
}

async function viaUnitag(arns: string[], value: string): Promise<Measure> {
  const tagger = createTagger({ ...config, concurrency: CONCURRENCY, maxRates: false }); // fresh: its tagging-API probes count
  const start = performance.now();
  const report = await tagger.tagMany(arns, { bench: value });
  const ms = performance.now() - start;
  await tagger.destroy();
  return { ms, calls: report.calls, failed: report.totals.failed };
}

// What a careful user writes with the SDK: one call per resource (S3: read, merge, write, so no tag is lost).
async function viaSdk(arns: string[], value: string, concurrency: number): Promise<Measure> {
  let calls = 0;
  const counted = <C extends { middlewareStack: { add: (...a: never[]) => void } }>(client: C): C => {
    (client.middlewareStack.add as (m: unknown, o: unknown) => void)(
      (next: (a: unknown) => unknown) => (args: unknown) => {
        calls++;
        return next(args);
      },
      { step: 'deserialize' },
    );
    return client;
  };
  const sns = counted(new SNSClient(config));
  const sqs = counted(new SQSClient(config));
  const s3 = counted(new S3Client({ ...config, forcePathStyle: true }));
  const ec2 = counted(new EC2Client(config));
  const iam = counted(new IAMClient(config));
  const logs = counted(new CloudWatchLogsClient(config));
  const tag = { Key: 'bench', Value: value };
  let failed = 0;
  const one = async (arn: string) => {
    const p = parseArn(arn);
    try {
      switch (p.service) {
        case 'sns':
          return void (await sns.send(new SnsTag({ ResourceArn: arn, Tags: [tag] })));
        case 'sqs':
          return void (await sqs.send(
            new TagQueueCommand({
              QueueUrl: `${endpoint}/${p.accountId}/${p.resource}`,
              Tags: { bench: value },
            }),
          ));
        case 's3': {
          const current = await s3.send(new GetBucketTaggingCommand({ Bucket: p.resource })).catch((e) => {
            if (e.name === 'NoSuchTagSet') return { TagSet: [] };
            throw e;
          });
          const TagSet = [...(current.TagSet ?? []).filter((t) => t.Key !== 'bench'), tag];
          return void (await s3.send(
            new PutBucketTaggingCommand({ Bucket: p.resource, Tagging: { TagSet } }),
          ));
        }
        case 'ec2':
          return void (await ec2.send(new CreateTagsCommand({ Resources: [p.resourceId], Tags: [tag] })));
        case 'iam':
          return void (await iam.send(
            new TagRoleCommand({ RoleName: p.resourceId.split('/').pop(), Tags: [tag] }),
          ));
        case 'logs':
          return void (await logs.send(new LogsTag({ resourceArn: arn, tags: { bench: value } })));
      }
    } catch {
      failed++;
    }
  };
  const limit = pLimit(concurrency);
  const start = performance.now();
  await Promise.all(arns.map((arn) => limit(() => one(arn))));
  const ms = performance.now() - start;
  for (const client of [sns, sqs, s3, ec2, iam, logs]) client.destroy();
  return { ms, calls, failed };
}

async function createResources(n: number): Promise<{ kind: Kind; arn: string }[]> {
  const limit = pLimit(CONCURRENCY);
  const run = Date.now().toString(36);
  const make: Record<Kind, (i: number) => Promise<string>> = {
    sns: (i) => createTopic(config, `bench-${run}-${i}`),
    sqs: (i) => createQueue(config, `bench-${run}-${i}`),
    s3: (i) => createBucket(config, `bench-${run}-${i}`),
    ec2: () => createEc2(config, 'volume'),
    iam: (i) => createIam(config, 'role', `bench-${run}-${i}`),
    logs: (i) => createLogGroup(config, `/bench/${run}/${i}`),
  };
  return Promise.all(
    Array.from({ length: n }, (_, i) => {
      const kind = KINDS[i % KINDS.length] as Kind;
      return limit(async () => ({ kind, arn: await make[kind](i) }));
    }),
  );
}

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}

function printTable(rows: Row[]): void {
  console.log(`\ntagMany vs raw SDK, best of ${REPEATS}, concurrency ${CONCURRENCY} (wall time / AWS calls)`);
  const header = [
    'service',
    'n',
    '(a) unitag',
    '(b) sequential',
    '(c) p-limit',
    'a/b time',
    'a/c time',
    'a/b calls',
    'a/c calls',
  ];
  const lines = rows.map((r) => [
    r.kind,
    String(r.n),
    `${ms(r.a.ms)} / ${r.a.calls}${r.a.failed ? ` (${r.a.failed} failed)` : ''}`,
    `${ms(r.b.ms)} / ${r.b.calls}${r.b.failed ? ` (${r.b.failed} failed)` : ''}`,
    `${ms(r.c.ms)} / ${r.c.calls}${r.c.failed ? ` (${r.c.failed} failed)` : ''}`,
    (r.a.ms / r.b.ms).toFixed(2),
    (r.a.ms / r.c.ms).toFixed(2),
    (r.a.calls / r.b.calls).toFixed(2),
    (r.a.calls / r.c.calls).toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  for (const line of [header, ...lines])
    console.log(line.map((cell, i) => cell.padEnd(widths[i] as number)).join('  '));
}
