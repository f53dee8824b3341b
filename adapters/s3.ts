import type { S3Client } from '@aws-sdk/client-s3';
import {
  type AdapterContext,
  type AdapterFactory,
  awsErrorName,
  type CallOptions,
  type ClientLoader,
  type ClientScope,
  checkTagCount,
  copyTags,
  DEFAULT_RULES,
  hasTag,
  InvalidArnError,
  type ListedResource,
  listMember,
  newTags,
  once,
  type ParsedArn,
  pages,
  requiredTagList,
  scopeOf,
  sdkPackage,
  stringMember,
  type TagRules,
  type Tags,
  toTagList,
  UnsupportedResourceError,
  usesCustomEndpoint,
} from '../src/core/kit.js';

/** The ARN service field this adapter serves. */
export const name = 's3';

/** A bucket holds 50 tags, an object 10 (docs/aws-facts.md); both count user tags only. */
const BUCKET_RULES: TagRules = { ...DEFAULT_RULES, maxTags: 50 };
const OBJECT_RULES: TagRules = { ...DEFAULT_RULES, maxTags: 10 };

const sdk = once(() => sdkPackage<typeof import('@aws-sdk/client-s3')>('@aws-sdk/client-s3'));
const loader: ClientLoader<S3Client> = {
  id: name,
  create: async (config) =>
    new (await sdk()).S3Client({
      // LocalStack (a custom endpoint) serves buckets by path, not by virtual host.
      forcePathStyle: usesCustomEndpoint(config, 's3'),
      // Bucket ARNs carry no region: let the SDK follow S3's redirect to the bucket's region.
      followRegionRedirects: true,
      ...config,
    }),
  reads: { GetBucketTaggingCommand: { xml: 'Tagging' }, GetObjectTaggingCommand: { xml: 'Tagging' } },
  // The writes answer with headers only (an object's version id): any body is not S3's answer.
  writes: {
    PutBucketTaggingCommand: { empty: 'xml' },
    DeleteBucketTaggingCommand: { empty: 'xml' },
    PutObjectTaggingCommand: { empty: 'xml' },
    DeleteObjectTaggingCommand: { empty: 'xml' },
  },
};

/**
 * S3 buckets (`arn:aws:s3:::bucket`) and objects (`arn:aws:s3:::bucket/key/with/slashes`), optionally one
 * object version (`{ versionId }` on the call). S3 replaces the whole tag set on every write, so `tag` and
 * `untag` read, merge and write; within this process (every tagger, every copy of unitag), writes to the same
 * resource are serialized so none is lost. Existing `aws:` tags are carried through unchanged.
 */
const s3: AdapterFactory = () => ({
  name,
  describe(arn) {
    const target = locate(arn);
    return target.key === undefined
      ? { type: 's3:bucket', rules: BUCKET_RULES, taggingApi: true, replacesWholeSet: true }
      : { type: 's3:object', rules: OBJECT_RULES, replacesWholeSet: true };
  },
  // Every write reads the whole set first. Emptying a bucket's set (DeleteBucketTagging) is governed by
  // s3:PutBucketTagging; an object's by s3:DeleteObjectTagging. A version has actions of its own.
  permissions(arn, { versionId }) {
    if (locate(arn).key === undefined) {
      const bucket = ['s3:GetBucketTagging', 's3:PutBucketTagging'];
      return { tag: bucket, untag: bucket, list: ['s3:GetBucketTagging'] };
    }
    const v = versionId === undefined ? '' : 'Version';
    const read = `s3:GetObject${v}Tagging`;
    const put = `s3:PutObject${v}Tagging`;
    return { tag: [read, put], untag: [read, put, `s3:DeleteObject${v}Tagging`], list: [read] };
  },
  async list(ctx, arn, options) {
    return read(ctx, arn, options);
  },
  async tag(ctx, arn, tags, options) {
    return rewrite(ctx, arn, options, (current) => Object.assign(copyTags(current), tags));
  },
  async untag(ctx, arn, keys, options) {
    return rewrite(ctx, arn, options, (current) => without(current, keys));
  },
  async change(ctx, arn, set, remove, options) {
    return rewrite(ctx, arn, options, (current) => without(Object.assign(copyTags(current), set), remove));
  },
  inventory: { types: ['s3:bucket'], global: true, enumerate: listBuckets },
});

export default s3;

/**
 * Every bucket of the account, whatever its region: ListBuckets, 1000 a page (MaxBuckets), following
 * ContinuationToken to the last page. S3 is global for this call: it is listed once, not per region.
 */
async function* listBuckets(
  ctx: AdapterContext,
  scope: ClientScope,
  _types: readonly string[],
  { signal }: CallOptions,
): AsyncGenerator<ListedResource> {
  const [client, { ListBucketsCommand }] = await Promise.all([ctx.client(loader, scope, signal), sdk()]);
  const send = (ContinuationToken: string | undefined) =>
    client.send(new ListBucketsCommand({ MaxBuckets: 1000, ContinuationToken }), { abortSignal: signal });
  for await (const page of pages('ListBuckets', send, (out) => out.ContinuationToken)) {
    for (const bucket of listMember(page, 'Buckets', 'ListBuckets')) {
      yield {
        arn: `arn:${scope.partition}:s3:::${stringMember(bucket, 'Name', 'ListBuckets')}`,
        type: 's3:bucket',
      };
    }
  }
}

/**
 * What a bucket name can be, under any of S3's naming rules (docs/aws-facts.md, S3 bucket names): today's (3 to
 * 63 lower-case letters, digits, dots and hyphens) or the legacy rules of us-east-1 before March 2018 (up to 255
 * characters, capitals and underscores too). Only what no rule ever allowed is refused: a bucket that exists is
 * never.
 */
const BUCKET_NAME = /^[A-Za-z0-9._-]{3,255}$/;
/** An object key is at most 1,024 bytes of UTF-8 (docs/aws-facts.md, S3 object keys). */
const MAX_KEY_BYTES = 1024;

interface Target {
  bucket: string;
  key?: string | undefined;
}

function locate(arn: ParsedArn, options: CallOptions = {}): Target {
  // Access points, Outposts and S3 Control resources carry a region and account; they are not tagged here.
  const slash = arn.resource.indexOf('/');
  const bucket = slash === -1 ? arn.resource : arn.resource.slice(0, slash);
  const key = slash === -1 ? undefined : arn.resource.slice(slash + 1);
  if (arn.region !== '' || arn.accountId !== '' || bucket === '' || key === '') {
    throw new UnsupportedResourceError(
      `${arn.arn} is not an S3 bucket (arn:aws:s3:::bucket) or object (arn:aws:s3:::bucket/key) ARN.`,
      { arn: arn.arn, service: name },
    );
  }
  if (!BUCKET_NAME.test(bucket)) {
    throw new InvalidArnError(
      `Invalid ARN "${arn.arn}": "${bucket}" cannot be an S3 bucket name (3 to 63 lower-case letters, digits, dots ` +
        'and hyphens; buckets made in us-east-1 before March 2018 may also have capitals and underscores, up to 255).',
      { arn: arn.arn, service: name },
    );
  }
  if (key !== undefined && Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new InvalidArnError(
      `Invalid ARN "${arn.arn}": the object key is longer than S3's ${MAX_KEY_BYTES} bytes (UTF-8), so no object has it.`,
      { arn: arn.arn, service: name },
    );
  }
  if (key === undefined && options.versionId !== undefined) {
    throw new UnsupportedResourceError(`versionId applies to S3 objects; ${arn.arn} is a bucket.`, {
      arn: arn.arn,
      service: name,
    });
  }
  return { bucket, key };
}

async function client(
  ctx: AdapterContext,
  arn: ParsedArn,
  signal: AbortSignal | undefined,
): Promise<S3Client> {
  // Bucket ARNs carry no region: the client is the tagger's region's (else the partition's first region's),
  // and S3 redirects it to the bucket's region.
  return ctx.client(loader, scopeOf(arn), signal);
}

/** The whole tag set, `aws:` tags included. Only `NoSuchTagSet` means "no tags"; any other failure throws. */
async function read(ctx: AdapterContext, arn: ParsedArn, options: CallOptions): Promise<Tags> {
  const { bucket, key } = locate(arn, options);
  const [s3, { GetBucketTaggingCommand, GetObjectTaggingCommand }] = await Promise.all([
    client(ctx, arn, options.signal),
    sdk(),
  ]);
  if (key !== undefined) {
    const out = await s3.send(
      new GetObjectTaggingCommand({ Bucket: bucket, Key: key, VersionId: options.versionId }),
      { abortSignal: options.signal },
    );
    // An untagged object answers an empty TagSet; an answer without one is not "no tags".
    return requiredTagList(out, 'TagSet', 'GetObjectTagging');
  }
  let out: { TagSet?: unknown };
  try {
    out = await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }), { abortSignal: options.signal });
  } catch (error) {
    // Only AWS's 404 NoSuchTagSet error is "no tags": the same code inside a 200 (a proxy's page) is not.
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (awsErrorName(error) === 'NoSuchTagSet' && status === 404) return newTags();
    throw error;
  }
  // An untagged bucket answers NoSuchTagSet; a 200 answer without a TagSet is not "no tags".
  return requiredTagList(out, 'TagSet', 'GetBucketTagging');
}

/**
 * Read, change, write, under the resource's lock. Writes nothing when the set is unchanged, deletes the tagging
 * when nothing is left, and checks the limit on the set as it will stand.
 */
async function rewrite(
  ctx: AdapterContext,
  arn: ParsedArn,
  options: CallOptions,
  change: (current: Tags) => Tags,
): Promise<'changed' | 'unchanged'> {
  const { bucket, key } = locate(arn, options);
  // The lock is process-wide (ctx.exclusive): two taggers, or two copies of unitag, editing one bucket in one
  // process would otherwise interleave their read-modify-write cycles and lose each other's keys. It covers every
  // version of an object: a write without a version id and one naming the current version edit the same set.
  const lock = `s3:${arn.partition}:${bucket}/${key ?? ''}`;
  return ctx.exclusive(lock, async () => {
    const current = await read(ctx, arn, options);
    const next = change(current);
    if (sameTags(current, next)) return 'unchanged';
    checkTagCount(next, key === undefined ? BUCKET_RULES : OBJECT_RULES, arn.arn);
    const [s3, api] = await Promise.all([client(ctx, arn, options.signal), sdk()]);
    const send = { abortSignal: options.signal };
    const TagSet = toTagList(next);
    if (key === undefined) {
      if (TagSet.length === 0) await s3.send(new api.DeleteBucketTaggingCommand({ Bucket: bucket }), send);
      else await s3.send(new api.PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet } }), send);
    } else {
      const at = { Bucket: bucket, Key: key, VersionId: options.versionId };
      if (TagSet.length === 0) await s3.send(new api.DeleteObjectTaggingCommand(at), send);
      else await s3.send(new api.PutObjectTaggingCommand({ ...at, Tagging: { TagSet } }), send);
    }
    return 'changed';
  });
}

function without(tags: Tags, keys: string[]): Tags {
  const rest = copyTags(tags);
  for (const key of keys) delete rest[key];
  return rest;
}

function sameTags(a: Tags, b: Tags): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => hasTag(b, k) && a[k] === b[k]);
}
