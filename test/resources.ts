// Creates real resources on LocalStack for tests, the demo and the benchmark. Each returns the new ARN.
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { zip } from './zip.js';

/** Where and as whom resources are created. */
export interface AwsConfig {
  region: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

const ACCOUNT = '000000000000';

/** An SNS topic. */
export async function createTopic(config: AwsConfig, name: string): Promise<string> {
  const client = new SNSClient(config);
  const out = await client.send(new CreateTopicCommand({ Name: name }));
  client.destroy();
  return out.TopicArn as string;
}

/** An SQS queue. */
export async function createQueue(config: AwsConfig, name: string): Promise<string> {
  const client = new SQSClient(config);
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name }));
  const out = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  client.destroy();
  return out.Attributes?.QueueArn as string;
}

/** A Lambda function from a tiny zip. Without Docker it ends in state Failed; tagging still works. */
export async function createFunction(config: AwsConfig, name: string): Promise<string> {
  const client = new LambdaClient(config);
  const out = await client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: `arn:aws:iam::${ACCOUNT}:role/lambda-role`,
      Code: { ZipFile: zip({ 'index.js': 'exports.handler = async () => "ok";' }) },
    }),
  );
  client.destroy();
  return out.FunctionArn as string;
}

/** A CloudWatch Logs log group (reached through the Resource Groups Tagging API). */
export async function createLogGroup(config: AwsConfig, name: string): Promise<string> {
  const client = new CloudWatchLogsClient(config);
  await client.send(new CreateLogGroupCommand({ logGroupName: name }));
  client.destroy();
  return `arn:aws:logs:${config.region}:${ACCOUNT}:log-group:${name}`;
}

/** A Lambda event-source mapping from a new queue to a new function. */
export async function createEventSourceMapping(config: AwsConfig, name: string): Promise<string> {
  const [queue, fn] = await Promise.all([
    createQueue(config, `${name}-q`),
    createFunction(config, `${name}-f`),
  ]);
  const client = new LambdaClient(config);
  const out = await client.send(
    new CreateEventSourceMappingCommand({ EventSourceArn: queue, FunctionName: fn }),
  );
  client.destroy();
  return out.EventSourceMappingArn as string;
}
