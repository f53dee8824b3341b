// Where AWS's tagging and ABAC differ from what its IAM reference alone suggests: each entry says what differs,
// for which resources, and the AWS page that documents it. docs/abac.md holds the same table for readers; a unit
// test keeps the two in step.

/** One documented exception to the usual tagging and ABAC rules. */
export interface AbacException {
  /** A stable id: `s3-object-keys`. */
  id: string;
  /** The unitag resource types it concerns (`s3:object`), or a whole service (`logs:*`). */
  appliesTo: readonly string[];
  /** What differs, and what to do about it. */
  text: string;
  /** The AWS documentation page that says so. */
  source: string;
  /** It concerns only resources that unitag writes through the Resource Groups Tagging API. */
  taggingApiOnly?: boolean;
}

/** The exceptions unitag knows of, in the order `explain` prints them. */
export const ABAC_EXCEPTIONS: readonly AbacException[] = [
  {
    id: 's3-object-keys',
    appliesTo: ['s3:object'],
    text: "S3 objects are governed by S3's own keys: s3:ExistingObjectTag/<key> (the object's tags), s3:RequestObjectTag/<key> and s3:RequestObjectTagKeys (the tags a request sets). On object actions aws:ResourceTag means the bucket's tags, not the object's. PutObject, DeleteObject and DeleteObjectVersion cannot be limited by the object's tags.",
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/tagging-and-policies.html',
  },
  {
    id: 's3-bucket-abac-opt-in',
    appliesTo: ['s3:bucket'],
    text: "Tag conditions on bucket actions match only where ABAC has been enabled on the bucket (PutBucketAbac, off by default); elsewhere a bucket's tags serve cost allocation only. Once ABAC is enabled, S3 refuses PutBucketTagging and DeleteBucketTagging, which unitag uses: tag such a bucket with S3's TagResource/UntagResource instead.",
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging-enable-abac.html',
  },
  {
    id: 's3-whole-set',
    appliesTo: ['s3:bucket', 's3:object'],
    text: 'S3 writes replace the whole tag set (PutBucketTagging, PutObjectTagging): unitag reads the set, changes the keys named and writes it back, so a write needs the read permission too. Objects hold at most 10 tags.',
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketTagging.html',
  },
  {
    id: 'iam-key-case',
    appliesTo: ['iam:user', 'iam:role'],
    text: 'Tag keys of IAM users and roles are case-insensitive: tagging "Project" on a role that carries "project" overwrites it. Keys of every other resource type are case-sensitive.',
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html',
  },
  {
    id: 'iam-principal-tags',
    appliesTo: ['iam:user', 'iam:role'],
    text: "A user's or role's tags are also its principal tags (aws:PrincipalTag/<key>): a principal allowed iam:TagUser/iam:TagRole on itself can change the attributes its ABAC permissions are granted by. Guard those actions with aws:TagKeys.",
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_iam-tags.html',
  },
  {
    id: 'iam-passrole',
    appliesTo: ['iam:role'],
    text: "The role's tags cannot limit who may pass it: iam:PassRole ignores aws:ResourceTag/iam:ResourceTag conditions. Limit iam:PassRole by the role's ARN (Resource) and iam:PassedToService.",
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html',
  },
  {
    id: 'sqs-resource-policies',
    appliesTo: ['sqs:queue'],
    text: 'Queue (resource-based) policies do not support aws:ResourceTag: tag-based access to a queue works only in identity policies.',
    source:
      'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-abac-condition-keys.html',
  },
  {
    id: 'ec2-tag-on-create',
    appliesTo: ['ec2:*'],
    text: 'aws:ResourceTag is not available while a resource is created; guard tag-on-create with aws:RequestTag and allow ec2:CreateTags only with an ec2:CreateAction condition. EC2 counts CreateTags itself as a creating action, so no wildcard in ec2:CreateAction may match "CreateTags".',
    source: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html',
  },
  {
    id: 'logs-tag-conditions',
    appliesTo: ['logs:*'],
    text: 'unitag tags log groups and destinations with TagResource and UntagResource, which honour aws:RequestTag and aws:TagKeys. The older log-group calls (TagLogGroup, UntagLogGroup) do not, so a policy that limits tag writes by those keys must also deny logs:TagLogGroup and logs:UntagLogGroup; logs:DescribeLogGroups does not honour aws:ResourceTag.',
    source: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_TagLogGroup.html',
  },
  {
    id: 'tagging-api-both-permissions',
    appliesTo: ['*'],
    text: 'A write through the Resource Groups Tagging API needs tag:TagResources (or tag:UntagResources) on "*" and the service\'s own tagging permission on each resource. The API does not tag S3 objects.',
    source: 'https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_TagResources.html',
    taggingApiOnly: true,
  },
];

/** The exceptions that concern a unitag resource type (`sns:topic`, `s3:object`), written through the tagging API or not. */
export function exceptionsFor(type: string, taggingApi: boolean): AbacException[] {
  const service = type.slice(0, type.indexOf(':'));
  return ABAC_EXCEPTIONS.filter(
    (e) =>
      (taggingApi || !e.taggingApiOnly) &&
      e.appliesTo.some((pattern) => pattern === '*' || pattern === type || pattern === `${service}:*`),
  );
}
