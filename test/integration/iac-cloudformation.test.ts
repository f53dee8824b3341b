// Finding a resource's CloudFormation stack (src/iac/cloudformation.ts) on LocalStack, through unitag's own clients
// (its endpoint, the answer checks of the client cache): a stack made from a YAML template in short forms, with an
// SNS topic, an SQS queue and an S3 bucket carrying template Tags, and stack-level tags. LocalStack does not add the
// `aws:cloudformation:*` tags AWS adds, so the index finds each resource through the stack resources' physical ids.
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientCache } from '../../src/core/clients.js';
import { CloudFormationIndex, cloudFormationClients } from '../../src/iac/cloudformation.js';
import { ACCOUNT, awsConfig, REGION, uniqueName } from '../helpers.js';

describe('CloudFormationIndex on LocalStack', () => {
  const stackName = uniqueName('unitag-iac');
  const suffix = stackName.slice(-8);
  const names = { topic: `topic-${suffix}`, queue: `queue-${suffix}`, bucket: `bucket-${suffix}` };
  const template = [
    'Parameters:',
    '  Env:',
    '    Type: String',
    '    Default: test',
    'Resources:',
    '  Topic:',
    '    Type: AWS::SNS::Topic',
    '    Properties:',
    `      TopicName: ${names.topic}`,
    '      Tags:',
    '        - Key: team',
    '          Value: payments',
    '        - Key: env',
    '          Value: !Ref Env',
    '        - Key: name',
    '          Value: !Sub "${AWS::StackName}-topic"',
    '  Queue:',
    '    Type: AWS::SQS::Queue',
    '    Properties:',
    `      QueueName: !Join ["", [queue-, ${suffix}]]`,
    '      Tags:',
    '        - { Key: tier, Value: gold }',
    '        - { Key: owner, Value: stack-owner-overridden }',
    '  Bucket:',
    '    Type: AWS::S3::Bucket',
    '    Properties:',
    `      BucketName: !Select [0, [${names.bucket}, other]]`,
    '      Tags:',
    '        - Key: backup',
    '          Value: daily',
    '        - Key: arn',
    '          Value: !GetAtt Topic.TopicArn',
  ].join('\n');
  const stackTags = { owner: 'platform', 'cost-center': 'cc-42' };
  const cfn = new CloudFormationClient(awsConfig());
  let stackId = '';

  beforeAll(async () => {
    const Tags = Object.entries(stackTags).map(([Key, Value]) => ({ Key, Value }));
    const created = await cfn.send(
      new CreateStackCommand({ StackName: stackName, TemplateBody: template, Tags }),
    );
    stackId = created.StackId ?? '';
    await waitUntilStackCreateComplete(
      { client: cfn, maxWaitTime: 120, minDelay: 1 },
      { StackName: stackName },
    );
  });

  afterAll(async () => {
    await cfn.send(new DeleteStackCommand({ StackName: stackName })).catch(() => undefined);
    cfn.destroy();
  });

  it('finds the topic, the queue and the bucket in their stack, with the tags it declares', async () => {
    // Prepare: unitag's clients, as a run makes them (the endpoint, the checks of each answer's document).
    const cache = new ClientCache(awsConfig());
    const index = new CloudFormationIndex({ clients: cloudFormationClients(cache), regions: [REGION] });
    try {
      // Act
      const topic = await index.lookup(`arn:aws:sns:${REGION}:${ACCOUNT}:${names.topic}`);
      const queue = await index.lookup(`arn:aws:sqs:${REGION}:${ACCOUNT}:${names.queue}`);
      const bucket = await index.lookup(`arn:aws:s3:::${names.bucket}`);
      const other = await index.lookup(`arn:aws:sns:${REGION}:${ACCOUNT}:${uniqueName('not-in-a-stack')}`);
      // Assess: the stack's tags, the template's over them; a computed value is declared, its value unknown.
      expect(topic).toEqual({
        tool: 'cloudformation',
        arn: `arn:aws:sns:${REGION}:${ACCOUNT}:${names.topic}`,
        stack: stackName,
        logicalId: 'Topic',
        source: stackId,
        declared: { ...stackTags, team: 'payments', env: undefined, name: undefined },
        authority: 'declared',
        tagsUnknown: false,
      });
      expect(Object.keys(topic?.declared ?? {}).sort()).toEqual([
        'cost-center',
        'env',
        'name',
        'owner',
        'team',
      ]);
      expect(queue).toMatchObject({
        stack: stackName,
        logicalId: 'Queue',
        source: stackId,
        tagsUnknown: false,
      });
      expect({ ...queue?.declared }).toEqual({
        owner: 'stack-owner-overridden',
        'cost-center': 'cc-42',
        tier: 'gold',
      });
      expect(bucket).toMatchObject({ stack: stackName, logicalId: 'Bucket', source: stackId });
      expect({ ...bucket?.declared }).toEqual({ ...stackTags, backup: 'daily', arn: undefined });
      expect(other).toBeUndefined();
    } finally {
      await cache.destroy();
    }
  });
});
