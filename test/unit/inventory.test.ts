// find with `missing` / `untagged`: every resource listed with each service's own calls, paged to the end, tags
// read where the list answer carries none. Paging, malformed pages and failures are checked on mocked clients
// (LocalStack ignores page sizes and never fails a region).
import {
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  DescribeTagsCommand,
  DescribeVolumesCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  GetRoleCommand,
  GetUserCommand,
  IAMClient,
  ListPoliciesCommand,
  ListPolicyTagsCommand,
  ListRolesCommand,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { LambdaClient, ListFunctionsCommand, ListTagsCommand } from '@aws-sdk/client-lambda';
import {
  GetResourcesCommand,
  type GetResourcesCommandInput,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { GetBucketTaggingCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { ListTagsForResourceCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, ListQueueTagsCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import type { FindFailure, FindOptions, FindQuery } from '../../src/index.js';
import { awsError, mockClients, mockedTagger } from '../mocks/sdk.js';

const mocks = mockClients({
  sns: SNSClient,
  sqs: SQSClient,
  s3: S3Client,
  ec2: EC2Client,
  iam: IAMClient,
  lambda: LambdaClient,
  rgta: ResourceGroupsTaggingAPIClient,
});
const { sns, ec2, iam, rgta } = mocks;
const ACCOUNT = '123456789012';
const topic = (id: string, region = 'us-east-1') => `arn:aws:sns:${region}:${ACCOUNT}:${id}`;
const ec2Arn = (type: string, id: string) => `arn:aws:ec2:us-east-1:${ACCOUNT}:${type}/${id}`;

/** Every match and every failure of one search, on a tagger that reads through each service's own calls. */
async function search(query: FindQuery, options: FindOptions = {}, viaApi = false) {
  const tagger = mockedTagger({ preferTaggingApi: viaApi });
  const failures: FindFailure[] = [];
  const found: string[] = [];
  for await (const { arn } of tagger.find(query, { onFailure: (f) => failures.push(f), ...options }))
    found.push(arn);
  return { found, failures };
}

/** The services' own tag reads, answering "no tags" for every resource. */
function untaggedReads(): void {
  mocks.sns.on(ListTagsForResourceCommand).resolves({ Tags: [] });
  mocks.sqs.on(ListQueueTagsCommand).resolves({});
  mocks.s3.on(GetBucketTaggingCommand).rejects(awsError('NoSuchTagSet', 404));
  mocks.lambda.on(ListTagsCommand).resolves({ Tags: {} });
  iam.on(GetRoleCommand).callsFake((i) => ({ Role: { Path: '/', RoleName: i.RoleName, Tags: [] } }));
  iam.on(GetUserCommand).callsFake((i) => ({ User: { Path: '/', UserName: i.UserName, Tags: [] } }));
  iam.on(ListPolicyTagsCommand).resolves({ Tags: [], IsTruncated: false });
}

type Stub = (typeof mocks)[keyof typeof mocks];
type CommandClass = Parameters<Stub['on']>[0];

/** One list call: its mock, where its page token goes in and comes out, one answer page and the ARNs listed. */
interface Listing {
  type: string;
  stub: Stub;
  command: CommandClass;
  tokenIn: string;
  tokenOut: string;
  /** IAM marks every page but the last IsTruncated. */
  truncates?: boolean;
  page: (ids: string[]) => Record<string, unknown>;
  arn: (id: string) => string;
  /** What every request asks besides its page token. */
  asks?: Record<string, unknown>;
}

const entries =
  (field: string, key: string, extra: Record<string, unknown> = {}) =>
  (ids: string[]) => ({
    [field]: ids.map((id) => ({ [key]: id, ...extra })),
  });
// IAM's list outputs have required members, which the stubs' generic command type lacks.
const iamListing = (type: string, command: unknown, field: string): Listing => ({
  type: `iam:${type}`,
  stub: iam,
  command: command as CommandClass,
  tokenIn: 'Marker',
  tokenOut: 'Marker',
  truncates: true,
  page: (ids) => ({ [field]: ids.map((id) => ({ Arn: `arn:aws:iam::${ACCOUNT}:${type}/${id}` })) }),
  arn: (id) => `arn:aws:iam::${ACCOUNT}:${type}/${id}`,
});
const ec2Listing = (type: string, command: CommandClass, field: string, key: string): Listing => ({
  type: `ec2:${type}`,
  stub: ec2,
  command,
  tokenIn: 'NextToken',
  tokenOut: 'NextToken',
  page: entries(field, key, { Tags: [{ Key: 'aws:created-by', Value: 'x' }] }),
  arn: (id) => ec2Arn(type, id),
});

const LISTINGS: Listing[] = [
  {
    type: 'sns:topic',
    stub: mocks.sns,
    command: ListTopicsCommand,
    tokenIn: 'NextToken',
    tokenOut: 'NextToken',
    page: (ids) => ({ Topics: ids.map((id) => ({ TopicArn: topic(id) })) }),
    arn: (id) => topic(id),
  },
  {
    type: 'sqs:queue',
    stub: mocks.sqs,
    command: ListQueuesCommand,
    tokenIn: 'NextToken',
    tokenOut: 'NextToken',
    page: (ids) => ({ QueueUrls: ids.map((id) => `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${id}`) }),
    arn: (id) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${id}`,
    asks: { MaxResults: 1000 },
  },
  {
    type: 's3:bucket',
    stub: mocks.s3,
    command: ListBucketsCommand,
    tokenIn: 'ContinuationToken',
    tokenOut: 'ContinuationToken',
    page: entries('Buckets', 'Name'),
    arn: (id) => `arn:aws:s3:::${id}`,
  },
  {
    type: 'lambda:function',
    stub: mocks.lambda,
    command: ListFunctionsCommand,
    tokenIn: 'Marker',
    tokenOut: 'NextMarker',
    page: (ids) => ({
      Functions: ids.map((id) => ({ FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${id}` })),
    }),
    arn: (id) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${id}`,
  },
  iamListing('role', ListRolesCommand, 'Roles'),
  iamListing('user', ListUsersCommand, 'Users'),
  { ...iamListing('policy', ListPoliciesCommand, 'Policies'), asks: { Scope: 'Local' } },
  {
    ...ec2Listing('instance', DescribeInstancesCommand, 'Reservations', 'InstanceId'),
    page: (ids) => ({
      Reservations: [{ OwnerId: ACCOUNT, Instances: ids.map((InstanceId) => ({ InstanceId })) }],
    }),
  },
  ec2Listing('volume', DescribeVolumesCommand, 'Volumes', 'VolumeId'),
  {
    ...ec2Listing('snapshot', DescribeSnapshotsCommand, 'Snapshots', 'SnapshotId'),
    asks: { OwnerIds: ['self'] },
  },
  ec2Listing('security-group', DescribeSecurityGroupsCommand, 'SecurityGroups', 'GroupId'),
  ec2Listing('vpc', DescribeVpcsCommand, 'Vpcs', 'VpcId'),
];

/** An answer page as the SDK returns it. */
const reply = (page: Record<string, unknown>) => ({ $metadata: {}, ...page });

/** Answers the listing's call with one page per id list, each but the last naming the next (`tok1`, ...). */
function answer(listing: Listing, pages: string[][]): void {
  let stub = listing.stub.on(listing.command);
  for (const [i, ids] of pages.entries()) {
    const last = i === pages.length - 1;
    const next = last ? {} : { [listing.tokenOut]: `tok${i + 1}` };
    const page = reply({
      ...listing.page(ids),
      ...next,
      ...(listing.truncates ? { IsTruncated: !last } : {}),
    });
    stub = (last ? stub.resolves(page) : stub.resolvesOnce(page)) as typeof stub;
  }
}

const prefix = (listing: Listing) => `${listing.type.split(':')[1]?.slice(0, 2) ?? 'x'}-`;

describe('find --missing / --untagged: listing', () => {
  it.each(LISTINGS)('$type: follows every page to the last, passing the signal', async (listing) => {
    // Prepare
    untaggedReads();
    const id = (n: number) => `${prefix(listing)}${n}`;
    answer(listing, [[id(1), id(2)], [id(3)], [id(4)]]);
    const { signal } = new AbortController();
    // Act
    const { found, failures } = await search({ untagged: true, resourceTypes: [listing.type] }, { signal });
    // Assess
    expect(failures).toEqual([]);
    expect(found.sort()).toEqual([1, 2, 3, 4].map((n) => listing.arn(id(n))));
    const calls = listing.stub.commandCalls(listing.command);
    expect(calls.map((c) => (c.args[0].input as Record<string, unknown>)[listing.tokenIn])).toEqual([
      undefined,
      'tok1',
      'tok2',
    ]);
    for (const call of calls) {
      expect(call.args[0].input).toMatchObject(listing.asks ?? {});
      const [, sent] = call.args as unknown[];
      expect((sent as { abortSignal?: AbortSignal }).abortSignal).toBe(signal);
    }
    // EC2's Describe answers carry the tags: no DescribeTags afterwards.
    if (listing.stub === ec2) expect(ec2.commandCalls(DescribeTagsCommand)).toHaveLength(0);
  });

  it.each(LISTINGS)(
    '$type: a page without its list is MalformedResponse, never "no resources"',
    async (listing) => {
      untaggedReads();
      const first = listing.page([`${prefix(listing)}1`]);
      // SQS leaves QueueUrls out when there is no queue: a list member of the wrong type is the malformed case.
      const broken = listing.type === 'sqs:queue' ? { QueueUrls: 'q' } : {};
      listing.stub
        .on(listing.command)
        .resolvesOnce(
          reply({
            ...first,
            [listing.tokenOut]: 'tok1',
            ...(listing.truncates ? { IsTruncated: true } : {}),
          }),
        )
        .resolves(reply(broken));
      const { found, failures } = await search({ untagged: true, resourceTypes: [listing.type] });
      expect(found).toEqual([listing.arn(`${prefix(listing)}1`)]);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({
        listing: true,
        region: expect.any(String),
        error: { code: 'MalformedResponse' },
      });
    },
  );

  it('a failing region is reported, naming service and region, and the next region is listed', async () => {
    sns.on(ListTopicsCommand).callsFake(async (_input, getClient) => {
      const region = await (getClient() as SNSClient).config.region();
      if (region === 'eu-west-1') throw awsError('AuthorizationError', 403);
      return { Topics: [{ TopicArn: topic('t1', region) }] };
    });
    sns.on(ListTagsForResourceCommand).resolves({ Tags: [] });
    const { found, failures } = await search({
      missing: ['owner'],
      resourceTypes: ['sns'],
      regions: ['eu-west-1', 'us-east-1'],
    });
    expect(found).toEqual([topic('t1')]);
    expect(failures).toEqual([
      expect.objectContaining({
        arn: `arn:aws:sns:eu-west-1:${ACCOUNT}:*`,
        service: 'sns',
        region: 'eu-west-1',
        listing: true,
      }),
    ]);
    expect(failures[0]?.error.code).toBe('AccessDenied');
    expect(failures[0]?.error.message).toMatch(/sns in eu-west-1/);
  });

  it('without onFailure, the first failure is thrown once every match is yielded', async () => {
    sns
      .on(ListTopicsCommand)
      .resolvesOnce({ Topics: [{ TopicArn: topic('t1') }], NextToken: 'a' })
      .resolves({});
    sns.on(ListTagsForResourceCommand).resolves({ Tags: [] });
    const found: string[] = [];
    const run = async () => {
      for await (const { arn } of mockedTagger({ preferTaggingApi: false }).find({
        untagged: true,
        resourceTypes: ['sns'],
      }))
        found.push(arn);
    };
    await expect(run()).rejects.toMatchObject({ code: 'MalformedResponse', service: 'sns' });
    expect(found).toEqual([topic('t1')]);
  });

  it('lists the global services once, the others in every region', async () => {
    untaggedReads();
    sns.on(ListTopicsCommand).resolves({ Topics: [] });
    iam.on(ListRolesCommand).resolves({ Roles: [], IsTruncated: false });
    mocks.s3.on(ListBucketsCommand).resolves({ Buckets: [] });
    await search({
      untagged: true,
      resourceTypes: ['sns', 'iam:role', 's3'],
      regions: ['us-east-1', 'eu-west-1'],
    });
    expect(sns.commandCalls(ListTopicsCommand)).toHaveLength(2);
    expect(iam.commandCalls(ListRolesCommand)).toHaveLength(1);
    expect(iam.commandCalls(ListUsersCommand)).toHaveLength(0);
    expect(mocks.s3.commandCalls(ListBucketsCommand)).toHaveLength(1);
  });

  it('streams: tags are read 1000 resources at a time, before the listing ends', async () => {
    const pages = Array.from({ length: 25 }, (_, p) =>
      Array.from({ length: 100 }, (_, i) => ({ TopicArn: topic(`t${p * 100 + i}`) })),
    );
    let stub = sns.on(ListTopicsCommand);
    for (const [p, Topics] of pages.entries())
      stub = stub.resolvesOnce({ Topics, ...(p < 24 ? { NextToken: `p${p + 1}` } : {}) }) as typeof stub;
    sns.on(ListTagsForResourceCommand).resolves({ Tags: [] });
    let pagesAtFirst = -1;
    let count = 0;
    const tagger = mockedTagger({ preferTaggingApi: false });
    for await (const _ of tagger.find({ untagged: true, resourceTypes: ['sns'] })) {
      if (count++ === 0) pagesAtFirst = sns.commandCalls(ListTopicsCommand).length;
    }
    expect(count).toBe(2500);
    expect(pagesAtFirst).toBe(10);
  });
});

describe('find --missing / --untagged: what matches', () => {
  const volumes = (...tags: { Key: string; Value: string }[][]) =>
    ec2.on(DescribeVolumesCommand).resolves({
      Volumes: tags.map((Tags, i) => ({ VolumeId: `vol-${i}`, Tags })),
    });

  it('aws: system tags are never user tags', async () => {
    volumes([{ Key: 'aws:cloudformation:stack-name', Value: 's' }], [{ Key: 'team', Value: 'a' }], []);
    const { found } = await search({ untagged: true, resourceTypes: ['ec2:volume'] });
    expect(found).toEqual([ec2Arn('volume', 'vol-0'), ec2Arn('volume', 'vol-2')]);
  });

  it('a key named __proto__ is a key like any other', async () => {
    volumes([{ Key: '__proto__', Value: 'x' }], [{ Key: 'constructor', Value: 'y' }], []);
    const { found } = await search({ missing: ['__proto__'], resourceTypes: ['ec2:volume'] });
    expect(found).toEqual([ec2Arn('volume', 'vol-1'), ec2Arn('volume', 'vol-2')]);
    const tags = Object.assign(Object.create(null), { ['__proto__']: true });
    const filtered = await search({ missing: ['owner'], tags, resourceTypes: ['ec2:volume'] });
    expect(filtered.found).toEqual([ec2Arn('volume', 'vol-0')]);
  });

  it('lacks any of the keys; tag filters apply on top', async () => {
    const tag = (Key: string, Value = 'v') => ({ Key, Value });
    volumes([tag('owner'), tag('team', 'a')], [tag('team', 'a')], [tag('owner')], [tag('team', 'b')]);
    expect((await search({ missing: ['owner', 'team'], resourceTypes: ['ec2:volume'] })).found).toEqual(
      ['vol-1', 'vol-2', 'vol-3'].map((id) => ec2Arn('volume', id)),
    );
    const onTop = await search({ missing: ['owner'], tags: { team: 'a' }, resourceTypes: ['ec2:volume'] });
    expect(onTop.found).toEqual([ec2Arn('volume', 'vol-1')]);
  });

  it('a resource whose tags could not be read is a failure, never a match', async () => {
    sns
      .on(ListTopicsCommand)
      .resolves({ Topics: [{ TopicArn: topic('ok') }, { TopicArn: topic('denied') }] });
    sns.on(ListTagsForResourceCommand, { ResourceArn: topic('ok') }).resolves({ Tags: [] });
    sns
      .on(ListTagsForResourceCommand, { ResourceArn: topic('denied') })
      .rejects(awsError('AuthorizationError', 403));
    const { found, failures } = await search({ missing: ['owner'], resourceTypes: ['sns'] });
    expect(found).toEqual([topic('ok')]);
    expect(failures).toMatchObject([
      { arn: topic('denied'), listing: false, error: { code: 'AccessDenied' } },
    ]);
  });

  it('reads through the tagging API first; what it leaves out (never tagged) is read by its own service', async () => {
    sns
      .on(ListTopicsCommand)
      .resolves({ Topics: [{ TopicArn: topic('tagged') }, { TopicArn: topic('never') }] });
    rgta.on(GetResourcesCommand).callsFake((input: GetResourcesCommandInput) => ({
      ResourceTagMappingList: (input.ResourceARNList ?? [])
        .filter((arn) => arn === topic('tagged'))
        .map((ResourceARN) => ({ ResourceARN, Tags: [{ Key: 'owner', Value: 'me' }] })),
    }));
    sns.on(ListTagsForResourceCommand).resolves({ Tags: [] });
    const { found, failures } = await search({ missing: ['owner'], resourceTypes: ['sns'] }, {}, true);
    expect(failures).toEqual([]);
    expect(found).toEqual([topic('never')]);
    expect(sns.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input.ResourceArn)).toEqual([
      topic('never'),
    ]);
  });

  it.each([
    [{ missing: ['aws:cloudformation:stack-name'] }, 'ReservedKey'],
    [{ missing: [''] }, 'InvalidTag'],
    [{ untagged: true, resourceTypes: ['cloudwatch:dashboard'] }, 'UnsupportedResource'],
    [{ missing: 'owner' as unknown as string[] }, 'ConfigurationError'],
    [{ missing: [] }, 'ConfigurationError'],
    [{ missing: ['owner'], untagged: true }, 'ConfigurationError'],
    [{ missing: ['owner'], regions: ['us-east-1', 'us-gov-west-1'] }, 'ConfigurationError'],
  ])('refuses %j before any AWS call (%s)', async (query, code) => {
    await expect(search(query)).rejects.toMatchObject({ code });
    for (const stub of Object.values(mocks)) expect(stub.calls()).toHaveLength(0);
  });

  it('abort stops the listing: the search throws Aborted and sends nothing more', async () => {
    sns
      .on(ListTopicsCommand)
      .resolvesOnce({ Topics: [{ TopicArn: topic('t1') }], NextToken: 'a' })
      .resolves({ Topics: [{ TopicArn: topic('t2') }] });
    const controller = new AbortController();
    const run = search(
      { untagged: true, resourceTypes: ['sns'] },
      { signal: controller.signal, onProgress: () => controller.abort() },
    );
    await expect(run).rejects.toMatchObject({ code: 'Aborted' });
    expect(sns.commandCalls(ListTopicsCommand)).toHaveLength(1);
    expect(sns.commandCalls(ListTagsForResourceCommand)).toHaveLength(0);
  });
});
