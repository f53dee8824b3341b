// Creates real resources on LocalStack for tests, the demo and the benchmark. Each returns the new ARN.

import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateInternetGatewayCommand,
  CreateKeyPairCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  DeleteVolumeCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  CreateInstanceProfileCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateBucketCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
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

/** An S3 bucket; with `versioned`, versioning is switched on. */
export async function createBucket(config: AwsConfig, name: string, versioned = false): Promise<string> {
  const client = new S3Client({ ...config, forcePathStyle: true });
  await client.send(new CreateBucketCommand({ Bucket: name }));
  if (versioned) {
    await client.send(
      new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }),
    );
  }
  client.destroy();
  return `arn:aws:s3:::${name}`;
}

/** An S3 object; returns its ARN and version id (when the bucket is versioned). */
export async function putObject(
  config: AwsConfig,
  bucket: string,
  key: string,
  body = 'x',
): Promise<{ arn: string; versionId?: string | undefined }> {
  const client = new S3Client({ ...config, forcePathStyle: true });
  const out = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  client.destroy();
  return { arn: `arn:aws:s3:::${bucket}/${key}`, versionId: out.VersionId };
}

/** An EC2 resource of the given kind, returned as an ARN. */
export async function createEc2(
  config: AwsConfig,
  kind: 'volume' | 'vpc' | 'subnet' | 'security-group' | 'key-pair' | 'internet-gateway' | 'route-table',
): Promise<string> {
  const client = new EC2Client(config);
  const arn = (type: string, id: string | undefined) =>
    `arn:aws:ec2:${config.region}:${ACCOUNT}:${type}/${id}`;
  const vpc = async () =>
    (await client.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc?.VpcId as string;
  try {
    switch (kind) {
      case 'volume': {
        const out = await client.send(
          new CreateVolumeCommand({ AvailabilityZone: `${config.region}a`, Size: 1 }),
        );
        return arn('volume', out.VolumeId);
      }
      case 'vpc':
        return arn('vpc', await vpc());
      case 'subnet': {
        const out = await client.send(
          new CreateSubnetCommand({ VpcId: await vpc(), CidrBlock: '10.0.1.0/24' }),
        );
        return arn('subnet', out.Subnet?.SubnetId);
      }
      case 'security-group': {
        const GroupName = `sg-${Math.random().toString(36).slice(2)}`;
        const out = await client.send(
          new CreateSecurityGroupCommand({ GroupName, Description: 'unitag test' }),
        );
        return arn('security-group', out.GroupId);
      }
      case 'key-pair': {
        const KeyName = `kp-${Math.random().toString(36).slice(2)}`;
        const out = await client.send(new CreateKeyPairCommand({ KeyName }));
        return arn('key-pair', out.KeyPairId);
      }
      case 'internet-gateway': {
        const out = await client.send(new CreateInternetGatewayCommand({}));
        return arn('internet-gateway', out.InternetGateway?.InternetGatewayId);
      }
      case 'route-table': {
        const out = await client.send(new CreateRouteTableCommand({ VpcId: await vpc() }));
        return arn('route-table', out.RouteTable?.RouteTableId);
      }
    }
  } finally {
    client.destroy();
  }
}

/** An IAM resource of the given kind, under a path for users and roles. */
export async function createIam(
  config: AwsConfig,
  kind: 'user' | 'role' | 'policy' | 'instance-profile' | 'oidc-provider',
  name: string,
): Promise<string> {
  const client = new IAMClient(config);
  try {
    switch (kind) {
      case 'user':
        return (await client.send(new CreateUserCommand({ UserName: name, Path: '/division/team/' }))).User
          ?.Arn as string;
      case 'role':
        return (
          await client.send(
            new CreateRoleCommand({
              RoleName: name,
              Path: '/service/',
              AssumeRolePolicyDocument: TRUST_POLICY,
            }),
          )
        ).Role?.Arn as string;
      case 'policy':
        return (await client.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: POLICY })))
          .Policy?.Arn as string;
      case 'instance-profile':
        return (await client.send(new CreateInstanceProfileCommand({ InstanceProfileName: name })))
          .InstanceProfile?.Arn as string;
      case 'oidc-provider':
        return (
          await client.send(
            new CreateOpenIDConnectProviderCommand({
              Url: `https://${name}.example.com`,
              ClientIDList: ['sts.amazonaws.com'],
              ThumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'],
            }),
          )
        ).OpenIDConnectProviderArn as string;
    }
  } finally {
    client.destroy();
  }
}

const TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sns:ListTopics', Resource: '*' }],
});

/** Deletes an EC2 volume (to make an id in a batch go missing). */
export async function deleteVolume(config: AwsConfig, arn: string): Promise<void> {
  const client = new EC2Client(config);
  await client.send(new DeleteVolumeCommand({ VolumeId: arn.split('/').pop() }));
  client.destroy();
}
