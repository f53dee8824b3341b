// Which answers of LocalStack's validated tests the replay suite keeps (scripts/aws-replay-extract.ts reads them;
// docs/aws-replay.md says why others are left out): those of the JSON and query services here, Lambda's and S3's in
// aws-replay-selection-rest.ts. The notation is scripts/aws-replay-group.ts's.
import { ACCOUNT as A, type Group, NOT_FOUND } from './aws-replay-group.js';
import { LAMBDA, S3 } from './aws-replay-selection-rest.js';

const KEY = `arn:aws:kms:us-east-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const BUS = `arn:aws:events:us-east-1:${A}:event-bus/bus-name`;
const RULE = `arn:aws:events:us-east-1:${A}:rule/rule-name`;
const ALARM = `arn:aws:cloudwatch:us-east-1:${A}:alarm:alarm-name-1`;
const MACHINE = `arn:aws:states:us-east-1:${A}:stateMachine:state-machine-1`;

const kms = (test: string, keys: Record<string, string>): Group => ({
  service: 'kms',
  file: 'kms/test_kms.py',
  test: `TestKMS::${test}`,
  arn: KEY,
  keys,
  wrap: 'Tags',
  added: { Truncated: false },
});

const KMS: Group[] = [
  kms('test_tag_existing_key_and_untag', {
    'list-resource-tags': 'list',
    'list-resource-tags-after-all-untagged': 'list',
  }),
  kms('test_create_key_with_tag_and_untag', {
    'list-resource-tags': 'list',
    'list-resource-tags-after-all-untagged': 'list',
  }),
  kms('test_untag_key_partially', {
    'list-resource-tags': 'list',
    'list-resource-tags-after-partially-untagged': 'list',
  }),
  kms('test_update_and_add_tags_on_tagged_key', {
    'list-resource-tags': 'list',
    'list-resource-tags-after-tags-updated': 'list',
  }),
  {
    ...kms('test_create_key_with_too_many_tags_raises_error', { 'invalid-tag-key': 'tag!TagLimitExceeded' }),
    wrap: undefined,
    added: undefined,
    recordedOperation: 'CreateKey',
    why: 'KMS refused 51 tags on one key (its limit is 50): "Too many tags"',
  },
];

const events = (test: string, arn: string, keys: Record<string, string>): Group => ({
  service: 'events',
  file: 'events/test_events_tags.py',
  test,
  arn,
  keys,
});
const EVENTS_LIFECYCLE = {
  tag_resource: 'tag',
  list_tags_for_resource: 'list',
  untag_resource: 'untag',
  list_tags_for_untagged_resource: 'list',
  untag_resource_not_existing_tag: 'untag',
};
const EVENTS_MISSING = {
  tag_not_existing_resource_error: NOT_FOUND.tag,
  list_tags_for_not_existing_resource_error: NOT_FOUND.list,
  untag_not_existing_resource_error: NOT_FOUND.untag,
};
const DEFAULT_BUS = `arn:aws:events:us-east-1:${A}:event-bus/default`;
const CUSTOM_RULE = `arn:aws:events:us-east-1:${A}:rule/bus-name/rule-name`;
const EVENT_TARGETS: [string, string][] = [
  ['event_bus-event_bus_default', DEFAULT_BUS],
  ['event_bus-event_bus_custom', BUS],
  ['rule-event_bus_default', RULE],
  ['rule-event_bus_custom', CUSTOM_RULE],
];

const EVENTS: Group[] = [
  ...EVENT_TARGETS.map(([id, arn]) => events(`tests_tag_untag_resource[${id}]`, arn, EVENTS_LIFECYCLE)),
  events('tests_tag_list_untag_not_existing_resource[not_existing_rule]', RULE, EVENTS_MISSING),
  events('tests_tag_list_untag_not_existing_resource[not_existing_event_bus]', BUS, EVENTS_MISSING),
  ...EVENT_TARGETS.map(([id, arn]) =>
    events(`test_recreate_tagged_resource_without_tags[${id}]`, arn, { list_tags_for_resource: 'list' }),
  ),
  events('TestRuleTags::test_put_rule_with_tags', RULE, { list_tags_for_rule: 'list' }),
  events('TestRuleTags::test_list_tags_for_deleted_rule', CUSTOM_RULE, {
    list_tags_for_deleted_rule_error: NOT_FOUND.list,
  }),
  events('TestEventBusTags::test_create_event_bus_with_tags', BUS, { list_tags_for_event_bus: 'list' }),
  events('TestEventBusTags::test_list_tags_for_deleted_event_bus', BUS, {
    list_tags_for_deleted_rule_error: NOT_FOUND.list,
  }),
];

const cloudwatch = (test: string, keys: Record<string, string>): Group => ({
  service: 'cloudwatch',
  file: 'cloudwatch/test_cloudwatch.py',
  test: `TestCloudwatch::${test}[json]`,
  arn: ALARM,
  keys,
});
const ALARM_LIFECYCLE = {
  list_tags_for_resource_updated: 'list',
  list_tags_for_resource_post_untag: 'list',
  list_tags_for_deleted_resource: 'list',
};

const states = (test: string, keys: Record<string, string>): Group => ({
  service: 'states',
  file: 'stepfunctions/v2/test_sfn_api_tagging.py',
  test: `TestSnfApiTagging::${test}`,
  arn: MACHINE,
  keys,
});
// tag_list0 tags with no tag and tag_list3 with one key twice, tag_keys0 untags no key and tag_keys2 one key twice:
// requests unitag never sends (it skips empty writes, and a key is named once), so only their list answers count.
const STATES: Group[] = [
  ...[0, 3].map((n) => states(`test_tag_state_machine[tag_list${n}]`, { list_resources_res: 'list' })),
  ...[1, 2, 4].map((n) =>
    states(`test_tag_state_machine[tag_list${n}]`, { tag_resource_resp: 'tag', list_resources_res: 'list' }),
  ),
  ...[0, 2].map((n) =>
    states(`test_untag_state_machine[tag_keys${n}]`, {
      tag_resource_resp: 'tag',
      list_resources_res: 'list',
    }),
  ),
  ...[1, 3].map((n) =>
    states(`test_untag_state_machine[tag_keys${n}]`, {
      tag_resource_resp: 'tag',
      untag_resource_resp: 'untag',
      list_resources_res: 'list',
    }),
  ),
  states('test_create_state_machine', { list_resources_res: 'list' }),
];

const sns = (test: string, keys: Record<string, string>): Group => ({
  service: 'sns',
  file: 'sns/test_sns.py',
  test: `TestSNSTopicCrud::${test}`,
  arn: `arn:aws:sns:us-east-1:${A}:topic-1`,
  keys,
});

const SECRET = `arn:aws:secretsmanager:us-east-1:${A}:secret:secret-0-AbCdEf`;
const LOG_GROUP = `arn:aws:logs:us-east-1:${A}:log-group:log-group-1`;

/** Every kept answer, by test. */
export const SELECTION: readonly Group[] = [
  ...LAMBDA,
  ...S3,
  ...KMS,
  ...EVENTS,
  ...STATES,
  cloudwatch('test_store_tags', {
    'list_tags_for_resource_empty ': 'list',
    list_tags_for_resource: 'list',
    list_tags_for_resource_post_untag: 'list',
  }),
  cloudwatch('test_tagging_metric_alarm', {
    list_tags_for_resource_after_creation: 'list',
    ...ALARM_LIFECYCLE,
  }),
  cloudwatch('test_tagging_composite_alarm', {
    'list_tags_for_resource_after_creation ': 'list',
    ...ALARM_LIFECYCLE,
  }),
  sns('test_tags', {
    'list-created-tags': 'list',
    'list-after-delete-tags': 'list',
    'list-after-update-tags': 'list',
  }),
  sns('test_tags_removed_after_deletion', { 'list-created-tags': 'list', 'list-empty-tags': 'list' }),
  {
    service: 'sqs',
    file: 'sqs/test_sqs.py',
    test: 'TestSqsProvider::test_tag_untag_queue[sqs]',
    arn: `arn:aws:sqs:us-east-1:${A}:queue-1`,
    keys: { 'get-tag-1': 'list', 'get-tag-2': 'list', 'get-tag-after-untag': 'list' },
  },
  {
    service: 'logs',
    file: 'logs/test_logs_groups.py',
    test: 'TestLogsGroupsTags::test_tag_resource_api',
    arn: LOG_GROUP,
    keys: {
      'list-tags-for-resource-after-tag-resource': 'list',
      'list-tags-for-resource-after-tag-log-group': 'list',
      'list-tags-for-resource-after-untag': 'list',
    },
  },
  {
    service: 'logs',
    file: 'logs/test_logs_destinations.py',
    test: 'TestDestinationsTags::test_destination_tags',
    arn: `arn:aws:logs:us-east-1:${A}:destination:destination-1`,
    keys: { 'list-tags-after-add': 'list', 'list-tags-after-remove': 'list' },
  },
  {
    service: 'secretsmanager',
    file: 'secretsmanager/test_secretsmanager.py',
    test: 'TestSecretsManager::test_secret_tags',
    arn: SECRET,
    keys: {
      describe_secret: 'list',
      tag_resource_1: 'tag',
      describe_secret_1: 'list',
      tag_resource_2: 'tag',
      describe_secret_2: 'list',
      untag_resource_1: 'untag',
      describe_secret_3: 'list',
      untag_resource_2: 'untag',
      describe_secret_4: 'list',
      describe_secret_5: 'list',
      describe_secret_6: 'list',
    },
  },
  {
    service: 'secretsmanager',
    file: 'secretsmanager/test_secretsmanager.py',
    test: 'TestSecretsManager::test_tag_untag_resource_on_deleted_secret',
    arn: SECRET,
    keys: { tag_deleted_secret_error: 'tag!ServiceError', untag_deleted_secret_error: 'untag!ServiceError' },
    why: 'the secret exists but is scheduled for deletion, and AWS refuses writes to it until it is restored: not a missing resource, nor anything about the tags',
  },
  {
    service: 'kinesis',
    file: 'kinesis/test_kinesis.py',
    test: 'TestKinesis::test_add_tags_to_stream',
    arn: `arn:aws:kinesis:us-east-1:${A}:stream/stream-1`,
    keys: { Tags: 'list' },
    wrap: 'Tags[]',
    added: { HasMoreTags: false },
  },
  {
    service: 'iam',
    file: 'iam/test_iam.py',
    test: 'TestRoles::test_role_with_tags',
    arn: `arn:aws:iam::${A}:role/role-with-tags/role-name-1`,
    keys: { 'get-role-response': 'list' },
  },
  {
    service: 'tagging-api',
    file: 'resourcegroupstaggingapi/test_rgsa.py',
    test: 'TestRGSAIntegrations::test_get_resources',
    arn: `arn:aws:ec2:us-east-1:${A}:vpc/vpc-0123456789abcdef0`,
    keys: { get_resources: 'find' },
    findTags: { test: 'test' },
  },
];
