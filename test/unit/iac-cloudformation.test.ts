// Finding a resource's CloudFormation stack (src/iac/cloudformation.ts) on an in-memory CloudFormation that answers
// one stack a ListStacks page and two resources a ListStackResources page: the ARN each type's physical id names,
// the exact calls (pages followed, each stack read once however many lookups), the path through the
// `aws:cloudformation:*` tags AWS adds, and errors that are never read as "not managed".
import {
  CloudFormationClient,
  DescribeStacksCommand,
  GetTemplateCommand,
  ListStackResourcesCommand,
  ListStacksCommand,
  StackStatus,
} from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { AccessDeniedError, ThrottledError } from '../../src/core/errors.js';
import { arnOfPhysicalId, CloudFormationIndex } from '../../src/iac/cloudformation.js';
import { awsError, CREDENTIALS, mockClients } from '../mocks/sdk.js';

const { cfn } = mockClients({ cfn: CloudFormationClient });
const A = '111111111111';
const stackId = (name: string, region = 'us-east-1') =>
  `arn:aws:cloudformation:${region}:${A}:stack/${name}/0a1b2c3d-${name}`;

describe('arnOfPhysicalId', () => {
  const at = ['eu-west-1', A, 'aws'] as const;
  it.each([
    ['AWS::SNS::Topic', `arn:aws:sns:eu-west-1:${A}:orders`, `arn:aws:sns:eu-west-1:${A}:orders`],
    ['AWS::SQS::Queue', `https://sqs.eu-west-1.amazonaws.com/${A}/jobs`, `arn:aws:sqs:eu-west-1:${A}:jobs`],
    [
      'AWS::SQS::Queue',
      `http://localhost:4566/queue/eu-west-1/${A}/jobs.fifo`,
      `arn:aws:sqs:eu-west-1:${A}:jobs.fifo`,
    ],
    ['AWS::S3::Bucket', 'my-bucket', 'arn:aws:s3:::my-bucket'],
    ['AWS::EC2::Instance', 'i-0123456789abcdef0', `arn:aws:ec2:eu-west-1:${A}:instance/i-0123456789abcdef0`],
    ['AWS::EC2::Volume', 'vol-0123456789abcdef0', `arn:aws:ec2:eu-west-1:${A}:volume/vol-0123456789abcdef0`],
    ['AWS::EC2::SecurityGroup', 'sg-12345678', `arn:aws:ec2:eu-west-1:${A}:security-group/sg-12345678`],
    ['AWS::EC2::VPC', 'vpc-12345678', `arn:aws:ec2:eu-west-1:${A}:vpc/vpc-12345678`],
    ['AWS::EC2::Subnet', 'subnet-12345678', `arn:aws:ec2:eu-west-1:${A}:subnet/subnet-12345678`],
    ['AWS::IAM::Role', 'app-role', `arn:aws:iam::${A}:role/app-role`],
    ['AWS::IAM::User', 'alice', `arn:aws:iam::${A}:user/alice`],
    ['AWS::Lambda::Function', 'handler', `arn:aws:lambda:eu-west-1:${A}:function:handler`],
    [
      'AWS::KMS::Key',
      '1234abcd-12ab-34cd-56ef-1234567890ab',
      `arn:aws:kms:eu-west-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    ],
    [
      'AWS::SecretsManager::Secret',
      `arn:aws:secretsmanager:eu-west-1:${A}:secret:db-AbCdEf`,
      `arn:aws:secretsmanager:eu-west-1:${A}:secret:db-AbCdEf`,
    ],
    [
      'AWS::Logs::LogGroup',
      '/aws/lambda/handler',
      `arn:aws:logs:eu-west-1:${A}:log-group:/aws/lambda/handler`,
    ],
    ['AWS::DynamoDB::Table', 'orders', `arn:aws:dynamodb:eu-west-1:${A}:table/orders`],
    ['AWS::Kinesis::Stream', 'clicks', `arn:aws:kinesis:eu-west-1:${A}:stream/clicks`],
    [
      'AWS::StepFunctions::StateMachine',
      `arn:aws:states:eu-west-1:${A}:stateMachine:flow`,
      `arn:aws:states:eu-west-1:${A}:stateMachine:flow`,
    ],
    ['AWS::Events::Rule', 'nightly', `arn:aws:events:eu-west-1:${A}:rule/nightly`],
    ['AWS::Events::Rule', 'orders|nightly', `arn:aws:events:eu-west-1:${A}:rule/orders/nightly`],
    ['AWS::Events::Rule', 'default|nightly', `arn:aws:events:eu-west-1:${A}:rule/nightly`],
    [
      'AWS::Events::Rule',
      `arn:aws:events:eu-west-1:${A}:event-bus/orders|nightly`,
      `arn:aws:events:eu-west-1:${A}:rule/orders/nightly`,
    ],
    ['AWS::SSM::Parameter', '/app/db/host', `arn:aws:ssm:eu-west-1:${A}:parameter/app/db/host`],
    ['AWS::SSM::Parameter', 'plain', `arn:aws:ssm:eu-west-1:${A}:parameter/plain`],
    ['AWS::CloudWatch::Alarm', 'cpu high', `arn:aws:cloudwatch:eu-west-1:${A}:alarm:cpu high`],
  ])('%s %s is %s', (type, id, arn) => {
    expect(arnOfPhysicalId(type, id, ...at)).toBe(arn);
  });

  it('writes the partition given, and no region for global services', () => {
    expect(arnOfPhysicalId('AWS::S3::Bucket', 'b', 'cn-north-1', A, 'aws-cn')).toBe('arn:aws-cn:s3:::b');
    expect(arnOfPhysicalId('AWS::IAM::Role', 'r', 'cn-north-1', A, 'aws-cn')).toBe(
      `arn:aws-cn:iam::${A}:role/r`,
    );
  });

  it.each([
    ['AWS::SNS::Subscription', 'arn:aws:sns:eu-west-1:1:t:uuid'],
    ['AWS::EC2::Instance', 'vol-0123'],
    ['AWS::SNS::Topic', 'not-an-arn'],
    ['AWS::SNS::Topic', `arn:aws:sqs:eu-west-1:${A}:q`],
    ['AWS::SQS::Queue', 'not a url'],
    ['AWS::S3::Bucket', ''],
    ['constructor', 'x'],
    ['__proto__', 'x'],
  ])('%s %s names no ARN unitag knows', (type, id) => {
    expect(arnOfPhysicalId(type, id, ...at)).toBeUndefined();
  });
});

/** One stack of the fake: its ARN, tags, template and resources ([logical id, type, physical id, status?]). */
interface FakeStack {
  id: string;
  tags: Record<string, string>;
  template: string;
  resources: [string, string, string, string?][];
}

/** Answers CloudFormation's read calls from `stacks`: one stack a ListStacks page, two resources a resource page. */
function fakeCloudFormation(stacks: FakeStack[]): void {
  const byId = (name: unknown) => {
    const stack = stacks.find((s) => s.id === name);
    if (!stack)
      throw Object.assign(awsError('ValidationError', 400), {
        message: `Stack with id ${name} does not exist`,
      });
    return stack;
  };
  const at = (token: unknown) => (token === undefined ? 0 : Number(String(token).slice(1)));
  // ListStacks lists the stacks of the client's region.
  cfn.on(ListStacksCommand).callsFake(async ({ NextToken }, getClient) => {
    const region = await (getClient() as CloudFormationClient).config.region();
    const listed = stacks.filter((s) => s.id.split(':')[3] === region);
    const i = at(NextToken);
    const stack = listed[i];
    const summary = stack && {
      StackId: stack.id,
      StackName: stack.id.split('/')[1],
      StackStatus: 'CREATE_COMPLETE',
    };
    return {
      StackSummaries: summary ? [summary] : [],
      NextToken: i + 1 < listed.length ? `t${i + 1}` : undefined,
    };
  });
  cfn.on(ListStackResourcesCommand).callsFake(({ StackName, NextToken }) => {
    const { resources } = byId(StackName);
    const i = at(NextToken);
    return {
      StackResourceSummaries: resources.slice(i, i + 2).map(([logical, type, physical, status]) => ({
        LogicalResourceId: logical,
        ResourceType: type,
        PhysicalResourceId: physical,
        ResourceStatus: status ?? 'CREATE_COMPLETE',
      })),
      NextToken: i + 2 < resources.length ? `t${i + 2}` : undefined,
    };
  });
  cfn.on(DescribeStacksCommand).callsFake(({ StackName }) => {
    const stack = byId(StackName);
    const Tags = Object.entries(stack.tags).map(([Key, Value]) => ({ Key, Value }));
    return {
      Stacks: [
        { StackId: stack.id, StackName: stack.id.split('/')[1], StackStatus: 'UPDATE_COMPLETE', Tags },
      ],
    };
  });
  cfn.on(GetTemplateCommand).callsFake(({ StackName }) => ({ TemplateBody: byId(StackName).template }));
}

const APP: FakeStack = {
  id: stackId('app'),
  tags: { team: 'web', env: 'stack-env' },
  template: [
    'Parameters: { Env: { Type: String } }',
    'Resources:',
    '  Topic:',
    '    Type: AWS::SNS::Topic',
    '    Properties:',
    '      Tags: [{ Key: env, Value: prod }, { Key: name, Value: !Sub "${AWS::StackName}-topic" }]',
    '  Queue:',
    '    Type: AWS::SQS::Queue',
    '    Properties:',
    '      Tags: !If [IsProd, [{ Key: tier, Value: gold }], !Ref AWS::NoValue]',
    '  Gone:',
    '    Type: AWS::SNS::Topic',
  ].join('\n'),
  resources: [
    ['Topic', 'AWS::SNS::Topic', `arn:aws:sns:us-east-1:${A}:orders`],
    ['Queue', 'AWS::SQS::Queue', `https://sqs.us-east-1.amazonaws.com/${A}/jobs`],
    ['Gone', 'AWS::SNS::Topic', `arn:aws:sns:us-east-1:${A}:gone`, 'DELETE_COMPLETE'],
  ],
};
const DATA: FakeStack = {
  id: stackId('data'),
  tags: {},
  template: JSON.stringify({
    Resources: {
      Bucket: { Type: 'AWS::S3::Bucket', Properties: { Tags: [{ Key: 'backup', Value: 'daily' }] } },
      Role: { Type: 'AWS::IAM::Role', Properties: { Tags: [{ Key: 'owner', Value: { Ref: 'Owner' } }] } },
      Other: { Type: 'Custom::Thing' },
    },
  }),
  resources: [
    ['Bucket', 'AWS::S3::Bucket', 'data-bucket'],
    ['Role', 'AWS::IAM::Role', 'app-role'],
    ['Other', 'Custom::Thing', 'whatever'],
  ],
};

const inputs = (command: Parameters<typeof cfn.commandCalls>[0]) =>
  cfn.commandCalls(command).map((c) => c.args[0].input);

function index(regions = ['us-east-1']) {
  const asked: string[] = [];
  const clients = (region: string, account: string) => {
    asked.push(`${region}|${account}`);
    return new CloudFormationClient({ region, credentials: CREDENTIALS });
  };
  return { index: new CloudFormationIndex({ clients, regions, account: A }), asked };
}

describe('CloudFormationIndex, through the stacks of a region and account', () => {
  it('finds each resource, its stack and the tags it declares: the template’s over the stack’s', async () => {
    fakeCloudFormation([APP, DATA]);
    const { index: stacks } = index();
    const topic = await stacks.lookup(`arn:aws:sns:us-east-1:${A}:orders`);
    expect(topic).toEqual({
      tool: 'cloudformation',
      arn: `arn:aws:sns:us-east-1:${A}:orders`,
      stack: 'app',
      logicalId: 'Topic',
      source: APP.id,
      declared: { team: 'web', env: 'prod', name: undefined },
      authority: 'declared',
      tagsUnknown: false,
    });
    expect(Object.getPrototypeOf(topic?.declared)).toBeNull();
    expect(Object.keys(topic?.declared ?? {})).toEqual(['team', 'env', 'name']);
    // The queue's URL, the bucket's name (an ARN without region or account), the role's name (its ARN has a path).
    const queue = await stacks.lookup(`arn:aws:sqs:us-east-1:${A}:jobs`);
    expect(queue).toMatchObject({ stack: 'app', logicalId: 'Queue', tagsUnknown: true });
    expect(queue?.declared).toEqual({ team: 'web', env: 'stack-env' });
    const bucket = await stacks.lookup('arn:aws:s3:::data-bucket');
    expect(bucket).toMatchObject({ stack: 'data', logicalId: 'Bucket', declared: { backup: 'daily' } });
    const role = await stacks.lookup(`arn:aws:iam::${A}:role/service/app-role`);
    expect(role).toMatchObject({ stack: 'data', logicalId: 'Role', declared: { owner: undefined } });
    expect(role?.arn).toBe(`arn:aws:iam::${A}:role/service/app-role`);
  });

  it('reads the scope once: every ListStacks and ListStackResources page, each stack’s details once', async () => {
    fakeCloudFormation([APP, DATA]);
    const { index: stacks, asked } = index();
    for (let round = 0; round < 3; round++) {
      await stacks.lookup(`arn:aws:sns:us-east-1:${A}:orders`);
      await stacks.lookup(`arn:aws:sqs:us-east-1:${A}:jobs`);
      await stacks.lookup('arn:aws:s3:::data-bucket');
      expect(await stacks.lookup(`arn:aws:sns:us-east-1:${A}:unknown`)).toBeUndefined();
    }
    const StackStatusFilter = Object.values(StackStatus).filter((s) => s !== 'DELETE_COMPLETE');
    expect(StackStatusFilter).toContain('UPDATE_COMPLETE');
    expect(inputs(ListStacksCommand)).toEqual([
      { StackStatusFilter, NextToken: undefined },
      { StackStatusFilter, NextToken: 't1' },
    ]);
    expect(inputs(ListStackResourcesCommand)).toEqual([
      { StackName: APP.id, NextToken: undefined },
      { StackName: DATA.id, NextToken: undefined },
      { StackName: APP.id, NextToken: 't2' },
      { StackName: DATA.id, NextToken: 't2' },
    ]);
    expect(inputs(DescribeStacksCommand)).toEqual([{ StackName: APP.id }, { StackName: DATA.id }]);
    expect(inputs(GetTemplateCommand)).toEqual([
      { StackName: APP.id, TemplateStage: 'Processed' },
      { StackName: DATA.id, TemplateStage: 'Processed' },
    ]);
    expect(asked).toEqual([`us-east-1|${A}`]);
  });

  it('leaves out what a stack no longer manages, and types its own resources have no ARN for', async () => {
    fakeCloudFormation([APP, DATA]);
    const { index: stacks } = index();
    expect(await stacks.lookup(`arn:aws:sns:us-east-1:${A}:gone`)).toBeUndefined();
    expect(await stacks.lookup(`arn:aws:sns:eu-west-1:${A}:orders`)).toBeUndefined(); // another region's
    expect(await stacks.lookup('arn:aws:iam::aws:policy/ReadOnlyAccess')).toBeUndefined();
    expect(inputs(ListStacksCommand).length).toBe(3); // us-east-1's two pages, eu-west-1's one (empty)
  });

  it('looks for an ARN without a region in each region given, in order, until found', async () => {
    const west = { ...DATA, id: stackId('data', 'eu-west-1') };
    fakeCloudFormation([APP, west]);
    const { index: stacks, asked } = index(['us-east-1', 'eu-west-1', 'ap-south-1']);
    expect(await stacks.lookup('arn:aws:s3:::data-bucket')).toMatchObject({
      source: west.id,
      logicalId: 'Bucket',
    });
    expect(asked).toEqual([`us-east-1|${A}`, `eu-west-1|${A}`]);
  });
});

describe('CloudFormationIndex, through the tags AWS adds', () => {
  const tagsOf = (stack: FakeStack, logicalId: string) => ({
    team: 'web',
    'aws:cloudformation:stack-name': stack.id.split('/')[1] as string,
    'aws:cloudformation:stack-id': stack.id,
    'aws:cloudformation:logical-id': logicalId,
  });

  it('reads that stack alone: no ListStacks', async () => {
    fakeCloudFormation([APP, DATA]);
    const { index: stacks, asked } = index();
    const found = await stacks.lookup('arn:aws:s3:::data-bucket', tagsOf(DATA, 'Bucket'));
    expect(found).toMatchObject({
      stack: 'data',
      logicalId: 'Bucket',
      source: DATA.id,
      declared: { backup: 'daily' },
    });
    expect(cfn.commandCalls(ListStacksCommand)).toHaveLength(0);
    expect(inputs(ListStackResourcesCommand).map((i) => i.StackName)).toEqual([DATA.id, DATA.id]);
    expect(inputs(DescribeStacksCommand)).toEqual([{ StackName: DATA.id }]);
    expect(inputs(GetTemplateCommand)).toEqual([{ StackName: DATA.id, TemplateStage: 'Processed' }]);
    expect(asked).toEqual([`us-east-1|${A}`]);
  });

  it('trusts the tags for a type without an ARN mapping', async () => {
    fakeCloudFormation([DATA]);
    const { index: stacks } = index();
    const arn = `arn:aws:custom:us-east-1:${A}:thing/whatever`;
    expect(await stacks.lookup(arn, tagsOf(DATA, 'Other'))).toMatchObject({
      logicalId: 'Other',
      declared: {},
    });
    expect(cfn.commandCalls(ListStacksCommand)).toHaveLength(0);
  });

  it('scans the scope when the stack named no longer holds the resource (retained, then replaced)', async () => {
    fakeCloudFormation([APP, DATA]);
    const { index: stacks } = index();
    const arn = `arn:aws:sns:us-east-1:${A}:orders`;
    expect(await stacks.lookup(arn, tagsOf(DATA, 'Bucket'))).toMatchObject({
      stack: 'app',
      logicalId: 'Topic',
    });
    expect(cfn.commandCalls(ListStacksCommand).length).toBeGreaterThan(0);
    // DATA's resources were read once, for the tags and for the scan alike.
    expect(inputs(ListStackResourcesCommand).filter((i) => i.StackName === DATA.id)).toHaveLength(2);
  });
});

describe('CloudFormationIndex errors', () => {
  const arn = `arn:aws:sns:us-east-1:${A}:orders`;

  it('surfaces an access denial typed, with the permissions it needs, never as "not managed"', async () => {
    cfn.on(ListStacksCommand).rejects(awsError('AccessDenied', 403));
    const { index: stacks } = index();
    const error = await stacks.lookup(arn).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ code: 'AccessDenied', arn, service: 'cloudformation' });
    expect((error as Error).message).toMatch(
      /cloudformation:ListStacks, DescribeStacks, ListStackResources and GetTemplate/,
    );
    // The failure is the scope's answer for the run: the next lookup fails alike, with no other call.
    await expect(stacks.lookup(`arn:aws:sqs:us-east-1:${A}:jobs`)).rejects.toMatchObject({
      code: 'AccessDenied',
    });
    expect(cfn.commandCalls(ListStacksCommand)).toHaveLength(1);
  });

  it('surfaces throttling and a denied GetTemplate typed', async () => {
    fakeCloudFormation([APP]);
    cfn.on(GetTemplateCommand).rejects(awsError('Throttling', 400));
    await expect(index().index.lookup(arn)).rejects.toBeInstanceOf(ThrottledError);
    cfn.on(GetTemplateCommand).rejects(awsError('AccessDenied', 403));
    await expect(index().index.lookup(arn)).rejects.toMatchObject({ code: 'AccessDenied' });
  });

  it('a malformed answer (a page without its list) is MalformedResponse', async () => {
    cfn.on(ListStacksCommand).resolves({});
    await expect(index().index.lookup(arn)).rejects.toMatchObject({ code: 'MalformedResponse' });
  });

  it('a template that is not one is InvalidIacState, naming the stack', async () => {
    fakeCloudFormation([{ ...APP, template: '{"Resources": ' }]);
    const error = await index()
      .index.lookup(arn)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'InvalidIacState' });
    expect((error as Error).message).toContain(APP.id);
  });

  it('an aborted lookup is Aborted; every call carries the index’s signal', async () => {
    fakeCloudFormation([APP]);
    const { index: stacks } = index();
    await expect(stacks.lookup(arn, undefined, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'Aborted',
    });
    // Prepare: a client that records each call's options, and fails as the SDK does once its signal has fired.
    const signals: unknown[] = [];
    const client = {
      async send(_command: never, options?: { abortSignal?: AbortSignal }) {
        signals.push(options?.abortSignal);
        if (options?.abortSignal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
        return {};
      },
    };
    const signal = AbortSignal.abort();
    const ended = new CloudFormationIndex({ clients: () => client, regions: ['us-east-1'], signal });
    await expect(ended.lookup(arn)).rejects.toMatchObject({ code: 'Aborted', arn });
    expect(signals).toEqual([signal]);
  });

  it('refuses an index without regions', () => {
    expect(
      () => new CloudFormationIndex({ clients: () => ({ send: async () => ({}) }), regions: [] }),
    ).toThrow(expect.objectContaining({ code: 'ConfigurationError' }));
  });
});
