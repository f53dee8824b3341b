// `npm run demo`: the main job. Starts the embedded LocalStack (unless one is running), creates one resource in
// every supported service, then drives the unitag CLI: tag, plan a retagging job, apply it with a progress bar
// and a report, list the result. Leaves LocalStack as it found it: stops it if it started it, else deletes what
// it created.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient, DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteVolumeCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DeleteRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DeleteFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteBucketCommand, DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  createBucket,
  createEc2,
  createFunction,
  createIam,
  createQueue,
  createTopic,
  putObject,
} from '../fixtures/aws-resources.js';
import {
  createAlarm,
  createKey,
  createLogGroupForLogsApi,
  createParameter,
  createRule,
  createSecret,
  createStateMachine,
  createStream,
  deleteOptional,
} from '../fixtures/optional-resources.js';
import { parseArn } from '../src/core/arn.js';
import { startLocalStack } from '../src/localstack.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const localstack = await startLocalStack();
const { endpoint, started } = localstack;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const config = { region: 'us-east-1', endpoint, credentials };
const id = Date.now().toString(36);
const dir = mkdtempSync(join(tmpdir(), 'unitag-demo-'));
let arns: string[] = [];

const step = (text: string) => console.log(`\n\x1b[1m== ${text}\x1b[0m`);
const unitag = (...args: string[]) => {
  console.log(`$ unitag ${args.join(' ')}`);
  const result = spawnSync(process.execPath, ['dist/bin/cli.js', '--endpoint-url', endpoint, ...args], {
    stdio: 'inherit',
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
    },
  });
  return result.status;
};

try {
  step(`Creating one resource per service on ${endpoint}`);
  const bucket = `demo-${id}`;
  arns = await Promise.all([
    createTopic(config, `demo-orders-${id}`),
    createQueue(config, `demo-jobs-${id}`),
    createBucket(config, bucket),
    createEc2(config, 'volume'),
    createIam(config, 'role', `demo-role-${id}`),
    createFunction(config, `demo-fn-${id}`),
    createLogGroupForLogsApi(config, `/demo/${id}`),
    createKey(config),
    createSecret(config, `demo/db-${id}`),
    createParameter(config, `/demo/${id}/url`),
    createStream(config, `demo-clicks-${id}`),
    createStateMachine(config, `demo-flow-${id}`),
    createRule(config, `demo-nightly-${id}`),
    createAlarm(config, `demo-backlog-${id}`),
  ]);
  arns.splice(3, 0, (await putObject(config, bucket, 'reports/2026/q4.csv')).arn);
  for (const arn of arns) console.log(`  ${arn}`);

  step('Tagging them all the old way: Team=payments, stage=beta');
  unitag('tag', ...arns, '--tag', 'Team=payments', '--tag', 'stage=beta');

  step('A retagging job: Team becomes cost-team, stage goes to prod, owner where it is missing');
  const job = join(dir, 'retag.csv');
  const rows = arns.flatMap((arn) => [
    `${arn},rename,Team,cost-team`,
    `${arn},set,stage,prod`,
    `${arn},set-if-absent,owner,platform`,
  ]);
  writeFileSync(job, ['arn,action,key,value', ...rows].join('\n'));
  console.log(`  ${job}: ${rows.length} rows`);

  step('Plan: what would change, per resource (writes nothing)');
  unitag('plan', job);

  step('Apply it, with a report');
  const report = join(dir, 'report.json');
  unitag('apply', job, '--report', report);

  step('The tags now');
  unitag('list', ...arns);

  step('Against a real AWS account');
  console.log(`Drop --endpoint-url and use your own credentials and region, for example:
  AWS_PROFILE=prod npx unitag plan ${job}
  AWS_PROFILE=prod npx unitag apply ${job} --report report.json     (again with --resume report.json if interrupted)
  npx unitag find --tag team=payments --regions us-east-1,eu-west-1 | npx unitag list -`);
} finally {
  if (started) await localstack.stop();
  else await deleteAll(arns);
}

// Deletes what the demo created, so a LocalStack that was already running is left as it was found.
async function deleteAll(created: string[]): Promise<void> {
  const clients = {
    sns: new SNSClient(config),
    sqs: new SQSClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    ec2: new EC2Client(config),
    iam: new IAMClient(config),
    lambda: new LambdaClient(config),
    logs: new CloudWatchLogsClient(config),
  };
  const sorted = [...created].sort((a, b) => b.length - a.length); // S3 objects before their bucket
  for (const arn of sorted) {
    const p = parseArn(arn);
    const [bucket, ...key] = p.resource.split('/');
    await (async () => {
      if (p.service === 'sns') await clients.sns.send(new DeleteTopicCommand({ TopicArn: arn }));
      if (p.service === 'sqs') {
        await clients.sqs.send(
          new DeleteQueueCommand({ QueueUrl: `${endpoint}/${p.accountId}/${p.resource}` }),
        );
      }
      if (p.service === 's3' && key.length > 0) {
        await clients.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key.join('/') }));
      }
      if (p.service === 's3' && key.length === 0)
        await clients.s3.send(new DeleteBucketCommand({ Bucket: bucket }));
      if (p.service === 'ec2') await clients.ec2.send(new DeleteVolumeCommand({ VolumeId: p.resourceId }));
      if (p.service === 'iam')
        await clients.iam.send(new DeleteRoleCommand({ RoleName: p.resourceId.split('/').pop() }));
      if (p.service === 'lambda') await clients.lambda.send(new DeleteFunctionCommand({ FunctionName: arn }));
      if (p.service === 'logs')
        await clients.logs.send(new DeleteLogGroupCommand({ logGroupName: p.resourceId }));
      await deleteOptional(config, arn);
    })().catch((error) => console.error(`could not delete ${arn}: ${error.message}`));
  }
  for (const client of Object.values(clients)) client.destroy();
}
