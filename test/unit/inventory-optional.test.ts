// find with `missing` / `untagged` for the adapters whose SDK client is an optional peer dependency: each list call
// with its exact input, paged to the end, the ARNs in the form each adapter's `describe` takes, malformed pages, and
// what happens where the package is not installed. On mocked clients: LocalStack answers in one page, and does not
// serve DynamoDB or DescribeInsightRules.
import {
  CloudWatchClient,
  ListTagsForResourceCommand as CwListTags,
  DescribeAlarmsCommand,
  DescribeInsightRulesCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  DescribeDestinationsCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand as LogsListTags,
} from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient, ListTablesCommand, ListTagsOfResourceCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  EventBridgeClient,
  ListTagsForResourceCommand as EventsListTags,
  ListEventBusesCommand,
  ListRulesCommand,
} from '@aws-sdk/client-eventbridge';
import { IAMClient, ListPoliciesCommand, ListRolesCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { KinesisClient, ListStreamsCommand, ListTagsForStreamCommand } from '@aws-sdk/client-kinesis';
import { KMSClient, ListAliasesCommand, ListKeysCommand, ListResourceTagsCommand } from '@aws-sdk/client-kms';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeSecretCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  ListActivitiesCommand,
  ListStateMachinesCommand,
  SFNClient,
  ListTagsForResourceCommand as SfnListTags,
} from '@aws-sdk/client-sfn';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DescribeMaintenanceWindowsCommand,
  DescribeParametersCommand,
  DescribePatchBaselinesCommand,
  ListDocumentsCommand,
  SSMClient,
  ListTagsForResourceCommand as SsmListTags,
} from '@aws-sdk/client-ssm';
import { describe, expect, it, vi } from 'vitest';
import kmsAdapter from '../../adapters/kms.js';
import ssmAdapter from '../../adapters/ssm.js';
import type { FindFailure, FindOptions, FindQuery } from '../../src/index.js';
import { mockClients, mockedTagger } from '../mocks/sdk.js';

const mocks = mockClients({
  ddb: DynamoDBClient,
  kms: KMSClient,
  sm: SecretsManagerClient,
  ssm: SSMClient,
  logs: CloudWatchLogsClient,
  kinesis: KinesisClient,
  sfn: SFNClient,
  events: EventBridgeClient,
  cw: CloudWatchClient,
  rgta: ResourceGroupsTaggingAPIClient,
  sns: SNSClient,
  sqs: SQSClient,
  s3: S3Client,
  lambda: LambdaClient,
  iam: IAMClient,
  ec2: EC2Client,
});
const ACCOUNT = '123456789012';
const arnOf = (service: string, resource: string) => `arn:aws:${service}:us-east-1:${ACCOUNT}:${resource}`;

/** Every match and every failure of one search, reading tags through each service's own calls. */
async function search(query: FindQuery, options: FindOptions = {}) {
  const tagger = mockedTagger({ preferTaggingApi: false });
  const failures: FindFailure[] = [];
  const found: { arn: string; type: string | undefined }[] = [];
  for await (const { arn, type } of tagger.find(query, { onFailure: (f) => failures.push(f), ...options }))
    found.push({ arn, type });
  return { found: found.map((f) => f.arn), types: found.map((f) => f.type), failures };
}

/** Every list call of every adapter answering "none" (but DynamoDB's and the ones of KMS and SSM). */
function emptyAccount(): void {
  mocks.sns.on(ListTopicsCommand).resolves({ Topics: [] });
  mocks.sqs.on(ListQueuesCommand).resolves({});
  mocks.s3.on(ListBucketsCommand).resolves({ Buckets: [] });
  mocks.lambda.on(ListFunctionsCommand).resolves({ Functions: [] });
  mocks.iam.on(ListRolesCommand).resolves({ Roles: [], IsTruncated: false });
  mocks.iam.on(ListUsersCommand).resolves({ Users: [], IsTruncated: false });
  mocks.iam.on(ListPoliciesCommand).resolves({ Policies: [], IsTruncated: false });
  mocks.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
  mocks.ec2.on(DescribeVolumesCommand).resolves({ Volumes: [] });
  mocks.ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
  mocks.ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
  mocks.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
  mocks.logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
  mocks.logs.on(DescribeDestinationsCommand).resolves({ destinations: [] });
  mocks.kinesis.on(ListStreamsCommand).resolves({ StreamNames: [], HasMoreStreams: false });
  mocks.sm.on(ListSecretsCommand).resolves({ SecretList: [] });
  mocks.sfn.on(ListStateMachinesCommand).resolves({ stateMachines: [] });
  mocks.sfn.on(ListActivitiesCommand).resolves({ activities: [] });
  mocks.events.on(ListEventBusesCommand).resolves({ EventBuses: [] });
  mocks.cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [] });
  mocks.cw.on(DescribeInsightRulesCommand).resolves({ InsightRules: [] });
}

/** Each service's own tag read, answering "no tags" (Secrets Manager's list carries the tags). */
function untaggedReads(): void {
  mocks.ddb.on(ListTagsOfResourceCommand).resolves({ Tags: [] });
  mocks.kms.on(ListResourceTagsCommand).resolves({ Tags: [], Truncated: false });
  mocks.ssm.on(SsmListTags).resolves({ TagList: [] });
  mocks.logs.on(LogsListTags).resolves({ tags: {} });
  mocks.kinesis.on(ListTagsForStreamCommand).resolves({ Tags: [], HasMoreTags: false });
  mocks.sfn.on(SfnListTags).resolves({ tags: [] });
  mocks.events.on(EventsListTags).resolves({ Tags: [] });
  mocks.cw.on(CwListTags).resolves({ Tags: [] });
}

type Stub = (typeof mocks)[keyof typeof mocks];
type CommandClass = Parameters<Stub['on']>[0];

/** One list call: its mock, how its pages chain, one answer page, and the ARNs it gives. */
interface Listing {
  type: string;
  stub: Stub;
  command: unknown;
  /** The request member that carries the page token. */
  tokenIn: string;
  /** What a page adds to say another follows, and the token the next request then sends. */
  more?: (ids: string[], n: number) => { adds: Record<string, unknown>; sends: string };
  /** What the last page adds to say it is the last. */
  end?: Record<string, unknown>;
  /** The id of resource `n`, in the syntax `describe` takes. */
  id?: (n: number) => string;
  page: (ids: string[]) => Record<string, unknown>;
  arn: (id: string) => string;
  /** What every request asks besides its page token. */
  asks: Record<string, unknown>;
  /** Mocks the calls that come before this one (the event buses, before their rules). */
  prepare?: () => void;
}

const byToken = (tokenOut: string) => (_ids: string[], n: number) => ({
  adds: { [tokenOut]: `tok${n}` },
  sends: `tok${n}`,
});
const hex17 = (n: number) => String(n).padStart(17, '0');
const secretArn = (id: string) => arnOf('secretsmanager', `secret:${id}`);
const OWN = [{ Key: 'Owner', Values: ['Self'] }];

const LISTINGS: Listing[] = [
  {
    type: 'dynamodb:table',
    stub: mocks.ddb,
    command: ListTablesCommand,
    tokenIn: 'ExclusiveStartTableName',
    more: (ids) => ({ adds: { LastEvaluatedTableName: ids.at(-1) }, sends: ids.at(-1) as string }),
    page: (ids) => ({ TableNames: ids }),
    arn: (id) => arnOf('dynamodb', `table/${id}`),
    asks: { Limit: 100 },
  },
  {
    type: 'kms:key',
    stub: mocks.kms,
    command: ListKeysCommand,
    tokenIn: 'Marker',
    more: (_ids, n) => ({ adds: { NextMarker: `tok${n}`, Truncated: true }, sends: `tok${n}` }),
    end: { Truncated: false },
    id: (n) => `${String(n).padStart(8, '0')}-1111-2222-3333-444444444444`,
    page: (ids) => ({ Keys: ids.map((KeyId) => ({ KeyId, KeyArn: arnOf('kms', `key/${KeyId}`) })) }),
    arn: (id) => arnOf('kms', `key/${id}`),
    asks: { Limit: 1000 },
    prepare: () => mocks.kms.on(ListAliasesCommand).resolves({ Aliases: [], Truncated: false }),
  },
  {
    type: 'secretsmanager:secret',
    stub: mocks.sm,
    command: ListSecretsCommand,
    tokenIn: 'NextToken',
    id: (n) => `app/db-${n}-AbCdEf`,
    page: (ids) => ({ SecretList: ids.map((id) => ({ ARN: secretArn(id), Name: id.slice(0, -7) })) }),
    arn: secretArn,
    asks: { MaxResults: 100 },
  },
  {
    type: 'ssm:parameter',
    stub: mocks.ssm,
    command: DescribeParametersCommand,
    tokenIn: 'NextToken',
    // A parameter's ARN holds its name without the leading slash.
    page: (ids) => ({ Parameters: ids.map((id) => ({ Name: `/app/${id}` })) }),
    arn: (id) => arnOf('ssm', `parameter/app/${id}`),
    asks: { MaxResults: 50 },
  },
  {
    type: 'ssm:document',
    stub: mocks.ssm,
    command: ListDocumentsCommand,
    tokenIn: 'NextToken',
    page: (ids) => ({ DocumentIdentifiers: ids.map((Name) => ({ Name, Owner: ACCOUNT })) }),
    arn: (id) => arnOf('ssm', `document/${id}`),
    asks: { MaxResults: 50, Filters: OWN },
  },
  {
    type: 'ssm:maintenancewindow',
    stub: mocks.ssm,
    command: DescribeMaintenanceWindowsCommand,
    tokenIn: 'NextToken',
    id: (n) => `mw-${hex17(n)}`,
    page: (ids) => ({ WindowIdentities: ids.map((WindowId) => ({ WindowId })) }),
    arn: (id) => arnOf('ssm', `maintenancewindow/${id}`),
    asks: { MaxResults: 100 },
  },
  {
    type: 'ssm:patchbaseline',
    stub: mocks.ssm,
    command: DescribePatchBaselinesCommand,
    tokenIn: 'NextToken',
    id: (n) => `pb-${hex17(n)}`,
    page: (ids) => ({ BaselineIdentities: ids.map((BaselineId) => ({ BaselineId })) }),
    arn: (id) => arnOf('ssm', `patchbaseline/${id}`),
    asks: { MaxResults: 100, Filters: [{ Key: 'OWNER', Values: ['Self'] }] },
  },
  {
    type: 'logs:log-group',
    stub: mocks.logs,
    command: DescribeLogGroupsCommand,
    tokenIn: 'nextToken',
    more: byToken('nextToken'),
    // DescribeLogGroups writes the ARN with a trailing `:*`; the ARN listed is without it.
    page: (ids) => ({
      logGroups: ids.map((id) => ({
        logGroupName: `/g/${id}`,
        arn: `${arnOf('logs', `log-group:/g/${id}`)}:*`,
      })),
    }),
    arn: (id) => arnOf('logs', `log-group:/g/${id}`),
    asks: { limit: 50 },
  },
  {
    type: 'logs:destination',
    stub: mocks.logs,
    command: DescribeDestinationsCommand,
    tokenIn: 'nextToken',
    more: byToken('nextToken'),
    page: (ids) => ({
      destinations: ids.map((id) => ({ destinationName: id, arn: arnOf('logs', `destination:${id}`) })),
    }),
    arn: (id) => arnOf('logs', `destination:${id}`),
    asks: { limit: 50 },
  },
  {
    type: 'kinesis:stream',
    stub: mocks.kinesis,
    command: ListStreamsCommand,
    tokenIn: 'ExclusiveStartStreamName',
    more: (ids) => ({ adds: { HasMoreStreams: true }, sends: ids.at(-1) as string }),
    end: { HasMoreStreams: false },
    page: (ids) => ({ StreamNames: ids }),
    arn: (id) => arnOf('kinesis', `stream/${id}`),
    asks: { Limit: 100 },
  },
  {
    type: 'states:stateMachine',
    stub: mocks.sfn,
    command: ListStateMachinesCommand,
    tokenIn: 'nextToken',
    more: byToken('nextToken'),
    page: (ids) => ({
      stateMachines: ids.map((name) => ({ name, stateMachineArn: arnOf('states', `stateMachine:${name}`) })),
    }),
    arn: (id) => arnOf('states', `stateMachine:${id}`),
    asks: { maxResults: 1000 },
  },
  {
    type: 'states:activity',
    stub: mocks.sfn,
    command: ListActivitiesCommand,
    tokenIn: 'nextToken',
    more: byToken('nextToken'),
    page: (ids) => ({
      activities: ids.map((name) => ({ name, activityArn: arnOf('states', `activity:${name}`) })),
    }),
    arn: (id) => arnOf('states', `activity:${id}`),
    asks: { maxResults: 1000 },
  },
  {
    type: 'events:event-bus',
    stub: mocks.events,
    command: ListEventBusesCommand,
    tokenIn: 'NextToken',
    page: (ids) => ({ EventBuses: ids.map((Name) => ({ Name, Arn: arnOf('events', `event-bus/${Name}`) })) }),
    arn: (id) => arnOf('events', `event-bus/${id}`),
    asks: { Limit: 100 },
  },
  {
    type: 'events:rule',
    stub: mocks.events,
    command: ListRulesCommand,
    tokenIn: 'NextToken',
    page: (ids) => ({
      Rules: ids.map((Name) => ({
        Name,
        Arn: arnOf('events', `rule/orders/${Name}`),
        EventBusName: 'orders',
      })),
    }),
    arn: (id) => arnOf('events', `rule/orders/${id}`),
    asks: { EventBusName: 'orders', Limit: 100 },
    prepare: () =>
      mocks.events
        .on(ListEventBusesCommand)
        .resolves({ EventBuses: [{ Name: 'orders', Arn: arnOf('events', 'event-bus/orders') }] }),
  },
  {
    type: 'cloudwatch:alarm',
    stub: mocks.cw,
    command: DescribeAlarmsCommand,
    tokenIn: 'NextToken',
    page: (ids) => ({
      MetricAlarms: ids.map((AlarmName) => ({
        AlarmName,
        AlarmArn: arnOf('cloudwatch', `alarm:${AlarmName}`),
      })),
      CompositeAlarms: [],
    }),
    arn: (id) => arnOf('cloudwatch', `alarm:${id}`),
    asks: { AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100 },
  },
  {
    type: 'cloudwatch:insight-rule',
    stub: mocks.cw,
    command: DescribeInsightRulesCommand,
    tokenIn: 'NextToken',
    page: (ids) => ({
      InsightRules: ids.map((Name) => ({ Name, State: 'ENABLED', Schema: 's', Definition: 'd' })),
    }),
    arn: (id) => arnOf('cloudwatch', `insight-rule/${id}`),
    asks: { MaxResults: 500 },
  },
];

/** Answers the listing's call with one page per id list, each but the last saying another follows. */
function answer(listing: Listing, pages: string[][]): string[] {
  const more = listing.more ?? byToken('NextToken');
  const sent: string[] = [];
  let stub = listing.stub.on(listing.command as CommandClass);
  for (const [i, ids] of pages.entries()) {
    const last = i === pages.length - 1;
    const next = last ? { adds: listing.end ?? {}, sends: '' } : more(ids, i + 1);
    if (!last) sent.push(next.sends);
    const page = { $metadata: {}, ...listing.page(ids), ...next.adds };
    stub = (last ? stub.resolves(page) : stub.resolvesOnce(page)) as typeof stub;
  }
  return sent;
}

const idOf = (listing: Listing, n: number) =>
  listing.id?.(n) ?? `${listing.type.split(':')[1]?.slice(0, 4) ?? 'x'}-${n}`;

describe('find --missing / --untagged: the optional adapters list their resources', () => {
  it.each(LISTINGS)('$type: the exact calls, every page to the last, the signal passed', async (listing) => {
    // Prepare
    untaggedReads();
    listing.prepare?.();
    const ids = [1, 2, 3, 4].map((n) => idOf(listing, n));
    const tokens = answer(listing, [ids.slice(0, 2), ids.slice(2, 3), ids.slice(3)]);
    const { signal } = new AbortController();
    // Act
    const { found, types, failures } = await search(
      { untagged: true, resourceTypes: [listing.type] },
      { signal },
    );
    // Assess
    expect(failures).toEqual([]);
    expect(found.sort()).toEqual(ids.map(listing.arn).sort());
    expect(new Set(types)).toEqual(new Set([listing.type]));
    const calls = listing.stub.commandCalls(listing.command as CommandClass);
    expect(calls.map((c) => c.args[0].input)).toEqual(
      [undefined, ...tokens].map((token) => ({ ...listing.asks, [listing.tokenIn]: token })),
    );
    for (const call of calls) {
      const [, sent] = call.args as unknown[];
      expect((sent as { abortSignal?: AbortSignal } | undefined)?.abortSignal).toBe(signal);
    }
  });

  it.each(LISTINGS)(
    '$type: a page without its list is MalformedResponse, never "no resources"',
    async (listing) => {
      untaggedReads();
      listing.prepare?.();
      const first = idOf(listing, 1);
      const more = (listing.more ?? byToken('NextToken'))([first], 1);
      listing.stub
        .on(listing.command as CommandClass)
        .resolvesOnce({ ...listing.page([first]), ...more.adds })
        .resolves({ ...listing.end });
      const { found, failures } = await search({ untagged: true, resourceTypes: [listing.type] });
      expect(found).toEqual([listing.arn(first)]);
      expect(failures).toMatchObject([
        { listing: true, service: listing.type.split(':')[0], error: { code: 'MalformedResponse' } },
      ]);
    },
  );

  it('an entry without the member that names it is MalformedResponse', async () => {
    mocks.sfn.on(ListStateMachinesCommand).resolves({ stateMachines: [{ name: 'm' } as never] });
    const { found, failures } = await search({ untagged: true, resourceTypes: ['states:stateMachine'] });
    expect(found).toEqual([]);
    expect(failures[0]?.error).toMatchObject({
      code: 'MalformedResponse',
      message: expect.stringMatching(/ListStateMachines.*stateMachineArn/),
    });
  });
});

describe('find --missing / --untagged: what each optional adapter lists and leaves out', () => {
  const keyId = (n: number) => `${String(n).padStart(8, '0')}-aaaa-bbbb-cccc-dddddddddddd`;
  const keyArn = (n: number) => arnOf('kms', `key/${keyId(n)}`);

  it('KMS: keys that an alias/aws/... targets are AWS managed and left out; the aliases are paged too', async () => {
    // Prepare
    untaggedReads();
    mocks.kms
      .on(ListAliasesCommand)
      .resolvesOnce({
        Aliases: [
          { AliasName: 'alias/aws/s3', TargetKeyId: keyId(1) },
          { AliasName: 'alias/mine', TargetKeyId: keyId(2) },
        ],
        NextMarker: 'a2',
        Truncated: true,
      })
      // An AWS managed key that does not exist yet: its alias has no target.
      .resolves({
        Aliases: [{ AliasName: 'alias/aws/ebs' }, { AliasName: 'alias/aws/rds', TargetKeyId: keyId(3) }],
      });
    mocks.kms.on(ListKeysCommand).resolves({
      Keys: [1, 2, 3, 4].map((n) => ({ KeyId: keyId(n), KeyArn: keyArn(n) })),
      Truncated: false,
    });
    // Act
    const { found, failures } = await search({ missing: ['owner'], resourceTypes: ['kms'] });
    // Assess
    expect(failures).toEqual([]);
    expect(found).toEqual([keyArn(2), keyArn(4)]);
    expect(mocks.kms.commandCalls(ListAliasesCommand).map((c) => c.args[0].input)).toEqual([
      { Limit: 100, Marker: undefined },
      { Limit: 100, Marker: 'a2' },
    ]);
    expect(mocks.kms.commandCalls(ListResourceTagsCommand).map((c) => c.args[0].input.KeyId)).toEqual([
      keyArn(2),
      keyArn(4),
    ]);
  });

  it.each([
    [{ Keys: [], Truncated: true }, /truncated page without its NextMarker/],
    [{ Keys: [], Truncated: 'yes' }, /Truncated flag that is not a boolean/],
  ])('KMS: ListKeys answering %j is MalformedResponse', async (page, message) => {
    mocks.kms.on(ListAliasesCommand).resolves({ Aliases: [] });
    mocks.kms.on(ListKeysCommand).resolves(page as never);
    const { failures } = await search({ untagged: true, resourceTypes: ['kms:key'] });
    expect(failures[0]?.error).toMatchObject({
      code: 'MalformedResponse',
      message: expect.stringMatching(message),
    });
  });

  it('KMS: a last page without the Truncated flag ends the listing', async () => {
    untaggedReads();
    mocks.kms.on(ListAliasesCommand).resolves({ Aliases: [] });
    mocks.kms.on(ListKeysCommand).resolves({ Keys: [{ KeyId: keyId(1), KeyArn: keyArn(1) }] });
    const { found, failures } = await search({ untagged: true, resourceTypes: ['kms:key'] });
    expect(failures).toEqual([]);
    expect(found).toEqual([keyArn(1)]);
    expect(mocks.kms.commandCalls(ListKeysCommand)).toHaveLength(1);
  });

  it("Secrets Manager: the list's tags are the secret's tags, with no DescribeSecret afterwards", async () => {
    const arn = (n: number) => secretArn(`s${n}-AbCdEf`);
    mocks.sm.on(ListSecretsCommand).resolves({
      SecretList: [
        { ARN: arn(1), Tags: [{ Key: 'owner', Value: 'a' }] },
        { ARN: arn(2), Tags: [{ Key: 'team', Value: 'b' }] },
        { ARN: arn(3) },
      ],
    });
    const { found, failures } = await search({ missing: ['owner'], resourceTypes: ['secretsmanager'] });
    expect(failures).toEqual([]);
    expect(found).toEqual([arn(2), arn(3)]);
    expect(mocks.sm.commandCalls(DescribeSecretCommand)).toHaveLength(0);
  });

  it('SSM: a top-level parameter keeps its name; only the types asked for are listed', async () => {
    untaggedReads();
    mocks.ssm.on(DescribeParametersCommand).resolves({ Parameters: [{ Name: 'top' }, { Name: '/a/b/c' }] });
    const { found } = await search({ untagged: true, resourceTypes: ['ssm:parameter'] });
    expect(found).toEqual([arnOf('ssm', 'parameter/top'), arnOf('ssm', 'parameter/a/b/c')]);
    expect(mocks.ssm.commandCalls(SsmListTags).map((c) => c.args[0].input)).toEqual([
      { ResourceType: 'Parameter', ResourceId: 'top' },
      { ResourceType: 'Parameter', ResourceId: '/a/b/c' },
    ]);
    expect(mocks.ssm.commandCalls(ListDocumentsCommand)).toHaveLength(0);
  });

  it('EventBridge: buses first, then the rules of each bus (the default bus by its name)', async () => {
    // Prepare
    untaggedReads();
    const bus = (Name: string) => ({ Name, Arn: arnOf('events', `event-bus/${Name}`) });
    mocks.events
      .on(ListEventBusesCommand)
      .resolvesOnce({ EventBuses: [bus('default')], NextToken: 'b2' })
      .resolves({ EventBuses: [bus('aws.partner/example.com/1')] });
    mocks.events
      .on(ListRulesCommand, { EventBusName: 'default' })
      .resolves({ Rules: [{ Name: 'r1', Arn: arnOf('events', 'rule/r1') }] })
      .on(ListRulesCommand, { EventBusName: 'aws.partner/example.com/1' })
      .resolves({ Rules: [{ Name: 'r2', Arn: arnOf('events', 'rule/aws.partner/example.com/1/r2') }] });
    // Act
    const { found, types, failures } = await search({ untagged: true, resourceTypes: ['events'] });
    // Assess
    expect(failures).toEqual([]);
    expect(found).toEqual([
      arnOf('events', 'event-bus/default'),
      arnOf('events', 'event-bus/aws.partner/example.com/1'),
      arnOf('events', 'rule/r1'),
      arnOf('events', 'rule/aws.partner/example.com/1/r2'),
    ]);
    expect(types).toEqual(['events:event-bus', 'events:event-bus', 'events:rule', 'events:rule']);
    expect(mocks.events.commandCalls(ListRulesCommand).map((c) => c.args[0].input.EventBusName)).toEqual([
      'default',
      'aws.partner/example.com/1',
    ]);
  });

  it('CloudWatch: metric and composite alarms from one DescribeAlarms answer', async () => {
    untaggedReads();
    mocks.cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [{ AlarmName: 'm', AlarmArn: arnOf('cloudwatch', 'alarm:m') }],
      CompositeAlarms: [{ AlarmName: 'c/1', AlarmArn: arnOf('cloudwatch', 'alarm:c/1') }],
    });
    const { found } = await search({ untagged: true, resourceTypes: ['cloudwatch:alarm'] });
    expect(found).toEqual([arnOf('cloudwatch', 'alarm:m'), arnOf('cloudwatch', 'alarm:c/1')]);
    expect(mocks.cw.commandCalls(DescribeInsightRulesCommand)).toHaveLength(0);
  });

  it('builds ARNs in the region listed, and the account STS names', async () => {
    untaggedReads();
    mocks.ddb.on(ListTablesCommand).resolves({ TableNames: ['orders'] });
    const { found } = await search({ untagged: true, resourceTypes: ['dynamodb'], regions: ['eu-west-1'] });
    expect(found).toEqual([`arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders`]);
  });
});

describe('find --missing / --untagged where an optional SDK package is not installed', () => {
  const notInstalled = () => {
    const spies = [kmsAdapter(), ssmAdapter()].map((adapter) =>
      vi.spyOn(adapter.optionalPackage as { installed(): boolean }, 'installed').mockReturnValue(false),
    );
    return () => {
      for (const spy of spies) spy.mockRestore();
    };
  };

  it.each([
    [['kms:key'], /cannot list kms:key: @aws-sdk\/client-kms is not installed/],
    [
      ['ssm', 'dynamodb'],
      /cannot list ssm:parameter, .*ssm:patchbaseline: @aws-sdk\/client-ssm is not installed/,
    ],
    [['kms', 'ssm:document'], /@aws-sdk\/client-kms, @aws-sdk\/client-ssm are not installed/],
  ])('asked for %j, it is refused before any call, naming the package', async (resourceTypes, message) => {
    const restore = notInstalled();
    try {
      const run = search({ untagged: true, resourceTypes });
      await expect(run).rejects.toMatchObject({
        code: 'ClientMissing',
        message: expect.stringMatching(message),
      });
      await expect(run).rejects.toMatchObject({
        message: expect.stringMatching(/npm install @aws-sdk\/client-/),
      });
      for (const stub of Object.values(mocks)) expect(stub.calls()).toHaveLength(0);
    } finally {
      restore();
    }
  });

  it('unfiltered, its types are not listed and its client is never called; every other type is', async () => {
    // Prepare
    const restore = notInstalled();
    try {
      emptyAccount();
      mocks.ddb.on(ListTablesCommand).resolves({ TableNames: ['orders'] });
      mocks.ddb.on(ListTagsOfResourceCommand).resolves({ Tags: [] });
      // Act
      const { found, failures } = await search({ untagged: true });
      // Assess
      expect(failures).toEqual([]);
      expect(found).toEqual([arnOf('dynamodb', 'table/orders')]);
      expect(mocks.kms.calls()).toHaveLength(0);
      expect(mocks.ssm.calls()).toHaveLength(0);
      for (const stub of [mocks.sm, mocks.logs, mocks.kinesis, mocks.sfn, mocks.events, mocks.cw])
        expect(stub.calls().length).toBeGreaterThan(0);
    } finally {
      restore();
    }
  });
});
