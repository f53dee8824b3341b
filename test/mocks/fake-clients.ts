// In-memory AWS for unit tests: every client unitag uses, mocked (aws-sdk-client-mock) with the tagging
// semantics of its service, so that the shared conformance suite runs on mocked clients as well as on
// LocalStack. Resources exist only once `create` made them.
import { CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  GetRoleCommand,
  IAMClient,
  ListPolicyTagsCommand,
  TagPolicyCommand,
  TagRoleCommand,
  UntagPolicyCommand,
  UntagRoleCommand,
} from '@aws-sdk/client-iam';
import {
  LambdaClient,
  TagResourceCommand as LambdaTag,
  UntagResourceCommand as LambdaUntag,
  ListTagsCommand,
} from '@aws-sdk/client-lambda';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
  TagResourcesCommand,
  UntagResourcesCommand,
} from '@aws-sdk/client-resource-groups-tagging-api';
import {
  DeleteBucketTaggingCommand,
  DeleteObjectTaggingCommand,
  GetBucketTaggingCommand,
  GetObjectTaggingCommand,
  PutBucketTaggingCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  ListTagsForResourceCommand,
  SNSClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import { ListQueueTagsCommand, SQSClient, TagQueueCommand, UntagQueueCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { mockAccounts, OWN_ACCOUNT } from './accounts.js';

type Pair = { Key: string; Value: string };

const awsError = (name: string, status: number, message = `${name}`) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

/** Every resource's tags, by a service-specific id; a resource exists once it has an entry. */
class Store {
  readonly #tags = new Map<string, Map<string, string>>();
  add(id: string): void {
    this.#tags.set(id, new Map());
  }
  has(id: string): boolean {
    return this.#tags.has(id);
  }
  get(id: string, missing: () => Error): Map<string, string> {
    const tags = this.#tags.get(id);
    if (!tags) throw missing();
    return tags;
  }
  pairs(id: string, missing: () => Error): Pair[] {
    return [...this.get(id, missing)].map(([Key, Value]) => ({ Key, Value }));
  }
  set(id: string, tags: Iterable<[string, string]>, missing: () => Error): void {
    const stored = this.get(id, missing);
    for (const [k, v] of tags) stored.set(k, v);
  }
  remove(id: string, keys: Iterable<string>, missing: () => Error): void {
    const stored = this.get(id, missing);
    for (const k of keys) stored.delete(k);
  }
  replace(id: string, tags: Iterable<[string, string]>, missing: () => Error): void {
    this.get(id, missing);
    this.#tags.set(id, new Map(tags));
  }
}

/** Runs a write and answers as AWS does on success: an empty output. */
const ok = (write: () => void) => {
  write();
  return {};
};

const entries = (pairs: { Key?: string | undefined; Value?: string | undefined }[] = []) =>
  pairs.map(({ Key, Value }) => [Key ?? '', Value ?? ''] as [string, string]);

/** Mocks every client with in-memory tagging; returns a factory of resources. Call it in `beforeAll`. */
export function fakeAws() {
  const store = new Store();
  const region = 'us-east-1';
  let serial = 0;
  const next = () => (++serial).toString(16).padStart(17, '0');
  mockAccounts();

  const sns = mockClient(SNSClient);
  const snsMissing = () => awsError('NotFound', 404, 'Topic does not exist');
  sns.on(ListTagsForResourceCommand).callsFake((i) => ({ Tags: store.pairs(i.ResourceArn, snsMissing) }));
  sns
    .on(TagResourceCommand)
    .callsFake((i) => ok(() => store.set(i.ResourceArn, entries(i.Tags), snsMissing)));
  sns.on(UntagResourceCommand).callsFake((i) => ok(() => store.remove(i.ResourceArn, i.TagKeys, snsMissing)));

  const sqs = mockClient(SQSClient);
  const queueId = (url: string) => new URL(url).pathname;
  const sqsMissing = () => awsError('QueueDoesNotExist', 400, 'The specified queue does not exist.');
  sqs.on(ListQueueTagsCommand).callsFake((i) => {
    const tags = Object.fromEntries(store.get(queueId(i.QueueUrl), sqsMissing));
    return Object.keys(tags).length > 0 ? { Tags: tags } : {};
  });
  sqs
    .on(TagQueueCommand)
    .callsFake((i) => ok(() => store.set(queueId(i.QueueUrl), Object.entries(i.Tags), sqsMissing)));
  sqs
    .on(UntagQueueCommand)
    .callsFake((i) => ok(() => store.remove(queueId(i.QueueUrl), i.TagKeys, sqsMissing)));

  const lambda = mockClient(LambdaClient);
  const lambdaMissing = () => awsError('ResourceNotFoundException', 404, 'Function not found');
  lambda
    .on(ListTagsCommand)
    .callsFake((i) => ({ Tags: Object.fromEntries(store.get(i.Resource, lambdaMissing)) }));
  lambda
    .on(LambdaTag)
    .callsFake((i) => ok(() => store.set(i.Resource, Object.entries(i.Tags), lambdaMissing)));
  lambda.on(LambdaUntag).callsFake((i) => ok(() => store.remove(i.Resource, i.TagKeys, lambdaMissing)));

  const s3 = mockClient(S3Client);
  const bucketMissing = () => awsError('NoSuchBucket', 404, 'The specified bucket does not exist');
  const objectId = (i: { Bucket: string; Key: string; VersionId?: string }) =>
    `${i.Bucket}/${i.Key}?${i.VersionId ?? currentVersion.get(`${i.Bucket}/${i.Key}`) ?? ''}`;
  const currentVersion = new Map<string, string>();
  s3.on(GetBucketTaggingCommand).callsFake((i) => {
    const TagSet = store.pairs(i.Bucket, bucketMissing);
    if (TagSet.length === 0) throw awsError('NoSuchTagSet', 404, 'The TagSet does not exist');
    return { TagSet };
  });
  s3.on(PutBucketTaggingCommand).callsFake((i) =>
    ok(() => store.replace(i.Bucket, entries(i.Tagging.TagSet), bucketMissing)),
  );
  s3.on(DeleteBucketTaggingCommand).callsFake((i) => ok(() => store.replace(i.Bucket, [], bucketMissing)));
  s3.on(GetObjectTaggingCommand).callsFake((i) => ({ TagSet: store.pairs(objectId(i), bucketMissing) }));
  s3.on(PutObjectTaggingCommand).callsFake((i) =>
    ok(() => store.replace(objectId(i), entries(i.Tagging.TagSet), bucketMissing)),
  );
  s3.on(DeleteObjectTaggingCommand).callsFake((i) => ok(() => store.replace(objectId(i), [], bucketMissing)));

  const ec2 = mockClient(EC2Client);
  const ec2Missing = (ids: string[]) => () => {
    const id = ids.find((i) => !store.has(i)) ?? '?';
    return awsError('InvalidVolume.NotFound', 400, `The volume '${id}' does not exist.`);
  };
  ec2.on(CreateTagsCommand).callsFake((i) => {
    for (const id of i.Resources) store.get(id, ec2Missing(i.Resources));
    for (const id of i.Resources) store.set(id, entries(i.Tags), ec2Missing(i.Resources));
    return {};
  });
  ec2.on(DeleteTagsCommand).callsFake((i) => {
    for (const id of i.Resources) store.get(id, ec2Missing(i.Resources));
    for (const id of i.Resources)
      store.remove(
        id,
        (i.Tags ?? []).map((t: Pair) => t.Key),
        ec2Missing(i.Resources),
      );
    return {};
  });
  ec2.on(DescribeTagsCommand).callsFake((i) => {
    const ids: string[] = i.Filters?.[0]?.Values ?? [];
    const Tags = ids
      .filter((id) => store.has(id))
      .flatMap((id) =>
        store.pairs(id, ec2Missing([id])).map(({ Key, Value }) => ({ ResourceId: id, Key, Value })),
      );
    return { Tags };
  });

  const iam = mockClient(IAMClient);
  const iamMissing = () => awsError('NoSuchEntity', 404, 'The role cannot be found.');
  const role = (name: string) => `role:${name}`;
  iam.on(GetRoleCommand).callsFake((i) => {
    const Tags = store.pairs(role(i.RoleName), iamMissing);
    return { Role: { Path: '/service/', RoleName: i.RoleName, ...(Tags.length ? { Tags } : {}) } };
  });
  iam.on(TagRoleCommand).callsFake((i) => ok(() => store.set(role(i.RoleName), entries(i.Tags), iamMissing)));
  iam.on(UntagRoleCommand).callsFake((i) => ok(() => store.remove(role(i.RoleName), i.TagKeys, iamMissing)));
  iam
    .on(ListPolicyTagsCommand)
    .callsFake((i) => ({ Tags: store.pairs(i.PolicyArn, iamMissing), IsTruncated: false }));
  iam.on(TagPolicyCommand).callsFake((i) => ok(() => store.set(i.PolicyArn, entries(i.Tags), iamMissing)));
  iam.on(UntagPolicyCommand).callsFake((i) => ok(() => store.remove(i.PolicyArn, i.TagKeys, iamMissing)));

  const rgta = mockClient(ResourceGroupsTaggingAPIClient);
  const each = (arns: string[], act: (arn: string) => void) => {
    const FailedResourcesMap: Record<string, object> = {};
    for (const arn of arns) {
      if (store.has(arn)) act(arn);
      else
        FailedResourcesMap[arn] = {
          StatusCode: 404,
          ErrorCode: 'InvalidParameterException',
          ErrorMessage: 'not found',
        };
    }
    return { FailedResourcesMap };
  };
  rgta
    .on(TagResourcesCommand)
    .callsFake((i) =>
      each(i.ResourceARNList, (arn) => store.set(arn, Object.entries(i.Tags), bucketMissing)),
    );
  rgta
    .on(UntagResourcesCommand)
    .callsFake((i) => each(i.ResourceARNList, (arn) => store.remove(arn, i.TagKeys, bucketMissing)));
  rgta.on(GetResourcesCommand).callsFake((i) => ({
    ResourceTagMappingList: (i.ResourceARNList ?? [])
      .filter((arn: string) => store.has(arn) && store.pairs(arn, bucketMissing).length > 0)
      .map((arn: string) => ({ ResourceARN: arn, Tags: store.pairs(arn, bucketMissing) })),
  }));

  const account = OWN_ACCOUNT;
  const created = (id: string, arn: string) => {
    store.add(id);
    return Promise.resolve(arn);
  };
  return {
    topic: () => {
      const arn = `arn:aws:sns:${region}:${account}:t${next()}`;
      return created(arn, arn);
    },
    queue: () => {
      const name = `q${next()}`;
      return created(`/${account}/${name}`, `arn:aws:sqs:${region}:${account}:${name}`);
    },
    fn: () => {
      const arn = `arn:aws:lambda:${region}:${account}:function:f${next()}`;
      return created(arn, arn);
    },
    bucket: () => {
      const name = `b${next()}`;
      return created(name, `arn:aws:s3:::${name}`);
    },
    /** An object with two versions, `v1` and the current `v2`. */
    object: () => {
      const bucket = `b${next()}`;
      store.add(bucket);
      currentVersion.set(`${bucket}/dir/key.txt`, 'v2');
      store.add(`${bucket}/dir/key.txt?v1`);
      return created(`${bucket}/dir/key.txt?v2`, `arn:aws:s3:::${bucket}/dir/key.txt`);
    },
    volume: () => {
      const id = `vol-${next()}`;
      return created(id, `arn:aws:ec2:${region}:${account}:volume/${id}`);
    },
    role: () => {
      const name = `r${next()}`;
      return created(role(name), `arn:aws:iam::${account}:role/service/${name}`);
    },
    policy: () => {
      const arn = `arn:aws:iam::${account}:policy/p${next()}`;
      return created(arn, arn);
    },
    logGroup: () => {
      const arn = `arn:aws:logs:${region}:${account}:log-group:g${next()}`;
      return created(arn, arn);
    },
  };
}
