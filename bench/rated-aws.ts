// An in-memory, rate-limited stand-in for the AWS APIs unitag calls, for benchmarks (not tests): a tag store per
// resource, each service's own wire protocol and error documents, and AWS's request rates (src/core/rates.ts)
// enforced as token buckets per account, region and family, answering over the rate with the service's own
// throttling error. Only resources made with `create` exist; anything else answers the service's not-found error.
// An operation it does not know answers 400 and is counted in `unknown`, so that gaps show.
// Accounts: a request acts in the account its SigV4 access key id holds (12 digits: `ASIA111111111111`,
// `111111111111`), else in ACCOUNT. STS AssumeRole answers credentials whose key holds the role's account. A
// resource lives in the account of its ARN (S3's, which name none, in ACCOUNT or `create`'s `owner`): a request of
// another account does not find it (EC2, IAM, SQS, the tagging API: not found; SNS: AuthorizationError; S3:
// AccessDenied, as AWS answers them).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ID_PREFIXES } from '../adapters/ec2.js';
import { FAMILIES, familyOf, type RateLimit } from '../src/core/rates.js';

export const ACCOUNT = '123456789012';

/** Options of {@link startRatedAws}. */
export interface RatedAwsOptions {
  /** Milliseconds added to every answer (throttled ones too). Default 20. */
  latencyMs?: number;
  /** Rates by family name, replacing those of src/core/rates.ts. */
  rates?: Record<string, RateLimit>;
  /** Multiplies every rate and burst. Default 1. */
  rateScale?: number;
}

/** Requests of one operation (`service:Operation`): let through, and answered with a throttling error. */
export interface OperationCount {
  accepted: number;
  throttled: number;
}

export interface RatedAws {
  endpoint: string;
  /**
   * Makes resources exist (with `tags`); an ARN made again has its tags replaced. Each lives in its ARN's account;
   * S3 buckets and objects (whose ARNs name none) in `owner`, default ACCOUNT.
   */
  create(arns: string[], tags?: Record<string, string>, owner?: string): void;
  /** The stored tags of a resource, or undefined when it does not exist. */
  tagsOf(arn: string): Record<string, string> | undefined;
  /** The writes carried out on a resource (each ARN of a batch counts once). */
  writesOf(arn: string): number;
  /** Counts by `service:Operation`: of every account, or of the requests acting in `account`. */
  counts(account?: string): Record<string, OperationCount>;
  /** Counts by rate family (`sns:tagging`, ...), from the same requests; of every account, or of `account`. */
  familyCounts(account?: string): Record<string, OperationCount>;
  /** The accounts requests acted in since the last `reset`, sorted. */
  accounts(): string[];
  /** Requests it could not answer (unknown operation or path), by what they were. */
  unknown(): Record<string, number>;
  /** The rate in force for a family (after `rates` and `rateScale`). */
  rateOf(family: string): RateLimit;
  /** Zeroes the counters and refills every bucket; the resources stay. */
  reset(): void;
  /** Forgets every resource. */
  clear(): void;
  /**
   * Requests of these operations (`sns:TagResource`) whose URL or (decoded) body holds this text are taken and
   * never answered, nor carried out: a write under way when a test kills its client.
   */
  hold: { operations: Set<string>; text: string } | undefined;
  /** Requests taken by `hold` so far (a test waits for one to arrive). */
  heldCount: number;
  close(): Promise<void>;
}

type Tags = Map<string, string>;

/** What a handler answers: status, content type, body, extra headers. */
interface Answer {
  status: number;
  type: string;
  body: string;
  headers?: Record<string, string>;
}

/** One request, parsed as far as every protocol needs. */
interface Call {
  /** The account the request acts in: the one its access key id holds, else ACCOUNT. */
  account: string;
  /** The credential scope's service (`sns`, `sqs`, `s3`, `ec2`, `iam`, `sts`, `tagging`). */
  signing: string;
  region: string;
  method: string;
  url: URL;
  body: string;
  target: string | undefined;
}

/** Thrown by a handler: the service's own error for the caller. */
class AwsFault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const XMLNS = {
  sns: 'http://sns.amazonaws.com/doc/2010-03-31/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  ec2: 'http://ec2.amazonaws.com/doc/2016-11-15/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
};

// EC2 id prefix -> resource type (`vol` -> `volume`), for DescribeTags' resourceType and not-found codes.
const EC2_TYPES = new Map(Object.entries(ID_PREFIXES).map(([type, prefix]) => [prefix, type]));

/** Starts the fake on 127.0.0.1 with a free port. */
export async function startRatedAws(options: RatedAwsOptions = {}): Promise<RatedAws> {
  const latency = options.latencyMs ?? 20;
  const scale = options.rateScale ?? 1;
  const limits = new Map<string, RateLimit>();
  for (const [name, family] of Object.entries({ ...FAMILIES, ...options.rates })) {
    limits.set(name, { rate: family.rate * scale, burst: family.burst * scale });
  }
  const store = new Store();
  const buckets = new Map<string, { tokens: number; at: number }>();
  let counts = new Map<string, OperationCount>();
  let unknown = new Map<string, number>();
  const held = (call: Call): boolean => {
    const hold = api.hold;
    const route = hold ? routeOf(call) : undefined;
    if (!hold || !route || !hold.operations.has(`${route.service}:${route.operation}`)) return false;
    const text = `${call.url} ${call.body}`;
    let decoded = text;
    try {
      decoded = decodeURIComponent(text.replaceAll('+', ' '));
    } catch {}
    const taken = text.includes(hold.text) || decoded.includes(hold.text);
    if (taken) api.heldCount++;
    return taken;
  };

  /** Takes a token from the family's bucket for the request's account and region; false when there is none. */
  const admit = (family: string | undefined, call: Call): boolean => {
    const limit = family ? limits.get(family) : undefined;
    if (!limit) return true;
    const key = `${call.account}|${call.region}|${family}`;
    const now = performance.now();
    const bucket = buckets.get(key) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.rate);
    bucket.at = now;
    buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };

  // By `account service:Operation`.
  const count = (account: string, service: string, operation: string, throttled: boolean) => {
    const key = `${account} ${service}:${operation}`;
    const c = counts.get(key) ?? { accepted: 0, throttled: 0 };
    if (throttled) c.throttled++;
    else c.accepted++;
    counts.set(key, c);
  };

  const handle = (call: Call): Answer => {
    const route = routeOf(call);
    if (!route) {
      const what = `${call.signing || '?'} ${call.method} ${call.target ?? call.url.pathname}`;
      unknown.set(what, (unknown.get(what) ?? 0) + 1);
      return unknownAnswer(`rated-aws cannot answer ${what}`);
    }
    const { service, operation, params } = route;
    const run = HANDLERS[service]?.[operation];
    if (!run) {
      const what = `${service}:${operation}`;
      unknown.set(what, (unknown.get(what) ?? 0) + 1);
      return unknownAnswer(`rated-aws does not implement ${what}`);
    }
    if (!admit(familyOf(service, operation), call)) {
      count(call.account, service, operation, true);
      return throttled(service);
    }
    count(call.account, service, operation, false);
    try {
      return run(store, params, call);
    } catch (error) {
      if (error instanceof AwsFault) return fault(service, error);
      throw error;
    }
  };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      let answer: Answer;
      try {
        const call = callOf(request, Buffer.concat(chunks).toString('utf8'));
        if (held(call)) return;
        answer = handle(call);
      } catch (error) {
        answer = unknownAnswer(`rated-aws failed: ${(error as Error).stack ?? error}`, 500);
      }
      setTimeout(() => send(response, answer), latency);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const api: RatedAws = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    create: (arns, tags = {}, owner = ACCOUNT) => {
      for (const arn of arns) store.create(arn, tags, owner);
    },
    tagsOf: (arn) => {
      const key = store.keyOfArn(arn);
      if (!store.has(key)) return undefined;
      return Object.fromEntries(store.get(key) ?? []);
    },
    writesOf: (arn) => store.writes.get(store.keyOfArn(arn)) ?? 0,
    counts: (account) => tally(counts, account, (operation) => operation),
    familyCounts: (account) =>
      tally(counts, account, (operation) => {
        const [service = '', name = ''] = operation.split(':');
        return familyOf(service, name) ?? operation;
      }),
    accounts: () => [...new Set([...counts.keys()].map((key) => key.slice(0, key.indexOf(' '))))].sort(),
    unknown: () => Object.fromEntries(unknown),
    hold: undefined,
    heldCount: 0,
    rateOf: (family) => limits.get(family) ?? { rate: Number.POSITIVE_INFINITY, burst: 0 },
    reset: () => {
      counts = new Map();
      unknown = new Map();
      buckets.clear();
    },
    clear: () => store.clear(),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return api;
}

/** Counts by `account service:Operation` summed by `group(service:Operation)`, of every account or of one. */
function tally(
  counts: Map<string, OperationCount>,
  account: string | undefined,
  group: (operation: string) => string,
): Record<string, OperationCount> {
  const out = new Map<string, OperationCount>();
  for (const [key, c] of counts) {
    const space = key.indexOf(' ');
    if (account !== undefined && key.slice(0, space) !== account) continue;
    const name = group(key.slice(space + 1));
    const sum = out.get(name) ?? { accepted: 0, throttled: 0 };
    sum.accepted += c.accepted;
    sum.throttled += c.throttled;
    out.set(name, sum);
  }
  return Object.fromEntries([...out].sort());
}

/** The account an access key id acts in: the 12 digits it holds (`ASIA111111111111`), else ACCOUNT. */
export function accountOfKey(accessKeyId: string | undefined): string {
  return /(?<!\d)\d{12}(?!\d)/.exec(accessKeyId ?? '')?.[0] ?? ACCOUNT;
}

function send(response: ServerResponse, answer: Answer): void {
  response.writeHead(answer.status, {
    'content-type': answer.type,
    'content-length': Buffer.byteLength(answer.body),
    'x-amzn-requestid': requestId(),
    ...answer.headers,
  });
  response.end(answer.body);
}

let requests = 0;
function requestId(): string {
  return `00000000-0000-4000-8000-${(++requests).toString(16).padStart(12, '0')}`;
}

function callOf(request: IncomingMessage, body: string): Call {
  // `Credential=AKID/20240101/us-east-1/sns/aws4_request`: the key, and the region and service signed for.
  const auth = request.headers.authorization ?? '';
  const scope = /Credential=([^/]+)\/\d+\/([^/]+)\/([^/]+)\//.exec(auth);
  const target = request.headers['x-amz-target'];
  return {
    account: accountOfKey(scope?.[1]),
    signing: scope?.[3] ?? '',
    region: scope?.[2] ?? 'us-east-1',
    method: request.method ?? 'GET',
    url: new URL(request.url ?? '/', 'http://localhost'),
    body,
    target: typeof target === 'string' ? target : undefined,
  };
}

/** Which service and operation a request is, with its parameters (query, JSON body, or S3's path). */
function routeOf(call: Call): { service: string; operation: string; params: Params } | undefined {
  if (call.target) {
    const [prefix = '', operation = ''] = call.target.split('.');
    const service =
      prefix === 'AmazonSQS' ? 'sqs' : prefix === 'ResourceGroupsTaggingAPI_20170126' ? 'tagging-api' : '';
    if (!service) return undefined;
    return { service, operation, params: { json: JSON.parse(call.body || '{}') } };
  }
  if (call.signing === 's3') {
    if (!call.url.searchParams.has('tagging')) return undefined;
    // `/bucket/?tagging` (as the SDK sends it) is the bucket; `/bucket/a/b?tagging` the object `a/b`.
    const path = call.url.pathname.slice(1);
    const slash = path.indexOf('/');
    const bucket = slash === -1 ? path : path.slice(0, slash);
    const rest = slash === -1 ? '' : path.slice(slash + 1);
    const key = rest === '' ? undefined : decodeURIComponent(rest);
    const verb = { GET: 'Get', PUT: 'Put', DELETE: 'Delete' }[call.method];
    if (!verb || bucket === '') return undefined;
    return {
      service: 's3',
      operation: `${verb}${key === undefined ? 'Bucket' : 'Object'}Tagging`,
      params: { bucket: decodeURIComponent(bucket), key },
    };
  }
  if (['sns', 'ec2', 'iam', 'sts'].includes(call.signing)) {
    const query = new URLSearchParams(call.body);
    const operation = query.get('Action');
    if (!operation) return undefined;
    return { service: call.signing, operation, params: { query } };
  }
  return undefined;
}

interface Params {
  query?: URLSearchParams;
  json?: Record<string, unknown>;
  bucket?: string;
  key?: string | undefined;
}

/**
 * The tag store: one entry per resource, keyed by ARN, except EC2 (`ec2|account|region|id`: CreateTags names bare
 * ids) and IAM users and roles (`iam|account|type|name`: IAM names them without their path). An entry's tags are
 * created on first write, so a million untagged volumes cost little.
 */
class Store {
  readonly #tags = new Map<string, Tags | undefined>();
  /** IAM entities' ARNs by key: their path is in the ARN, and GetRole must answer it. */
  readonly #iamArns = new Map<string, string>();
  /** The account of each S3 bucket and object made in another account than ACCOUNT (their ARNs name none). */
  readonly #owners = new Map<string, string>();

  keyOfArn(arn: string): string {
    const [, , service, region, account, resource = ''] = arn.split(':');
    if (service === 'ec2') return `ec2|${account}|${region}|${resource.slice(resource.indexOf('/') + 1)}`;
    if (service === 'iam') {
      const type = resource.slice(0, resource.indexOf('/'));
      if (type === 'role' || type === 'user')
        return `iam|${account}|${type}|${resource.slice(resource.lastIndexOf('/') + 1)}`;
    }
    return arn;
  }

  /** The account a resource lives in, by its key. */
  accountOf(key: string): string {
    if (!key.startsWith('arn:')) return key.split('|')[1] ?? '';
    return key.split(':')[4] || (this.#owners.get(key) ?? ACCOUNT);
  }

  create(arn: string, tags: Record<string, string>, owner = ACCOUNT): void {
    const key = this.keyOfArn(arn);
    const entries = Object.entries(tags);
    this.#tags.set(key, entries.length > 0 ? new Map(entries) : undefined);
    if (key.startsWith('iam|')) this.#iamArns.set(key, arn);
    if (key.startsWith('arn:') && !key.split(':')[4]) {
      if (owner === ACCOUNT) this.#owners.delete(key);
      else this.#owners.set(key, owner);
    }
  }

  has(key: string): boolean {
    return this.#tags.has(key);
  }

  /** Writes carried out, by resource key. */
  readonly writes = new Map<string, number>();

  /** The resource's tags (undefined: none yet); throws `missing()` when the resource does not exist. */
  get(key: string, missing?: () => AwsFault): Tags | undefined {
    if (missing && !this.#tags.has(key)) throw missing();
    return this.#tags.get(key);
  }

  /** The resource's tags, made writable; throws `missing()` when it does not exist. */
  writable(key: string, missing: () => AwsFault): Tags {
    if (!this.#tags.has(key)) throw missing();
    this.writes.set(key, (this.writes.get(key) ?? 0) + 1);
    let tags = this.#tags.get(key);
    if (!tags) {
      tags = new Map();
      this.#tags.set(key, tags);
    }
    return tags;
  }

  /** Replaces the whole set (S3). */
  replace(key: string, tags: Tags, missing: () => AwsFault): void {
    if (!this.#tags.has(key)) throw missing();
    this.writes.set(key, (this.writes.get(key) ?? 0) + 1);
    this.#tags.set(key, tags.size > 0 ? tags : undefined);
  }

  iamArn(key: string): string | undefined {
    return this.#iamArns.get(key);
  }

  /** Every resource of `account` with an ARN of its own (for GetResources without a list): not EC2, users or roles. */
  *arns(account: string): Generator<[string, Tags | undefined]> {
    for (const entry of this.#tags) {
      if (entry[0].startsWith('arn:') && this.accountOf(entry[0]) === account) yield entry;
    }
  }

  clear(): void {
    this.#tags.clear();
    this.#iamArns.clear();
    this.#owners.clear();
  }
}

type Handler = (store: Store, params: Params, call: Call) => Answer;

const HANDLERS: Record<string, Record<string, Handler>> = {
  sts: {
    GetCallerIdentity: (_store, _params, { account }) =>
      xml(
        `<GetCallerIdentityResponse xmlns="${XMLNS.sts}"><GetCallerIdentityResult><Arn>arn:aws:iam::${account}:user/bench</Arn><UserId>AIDABENCH</UserId><Account>${account}</Account></GetCallerIdentityResult>${meta()}</GetCallerIdentityResponse>`,
      ),
    AssumeRole: assumeRole,
  },
  sns: {
    TagResource: (store, { query }, call) => {
      const tags = store.writable(snsKey(query, call, 'TagResource'), snsMissing);
      for (const [k, v] of memberTags(query as URLSearchParams, 'Tags.member')) tags.set(k, v);
      return queryOk('TagResource', XMLNS.sns);
    },
    UntagResource: (store, { query }, call) => {
      const tags = store.writable(snsKey(query, call, 'UntagResource'), snsMissing);
      for (const k of list(query as URLSearchParams, 'TagKeys.member')) tags.delete(k);
      return queryOk('UntagResource', XMLNS.sns);
    },
    ListTagsForResource: (store, { query }, call) => {
      const tags = store.get(snsKey(query, call, 'ListTagsForResource'), snsMissing);
      return xml(
        `<ListTagsForResourceResponse xmlns="${XMLNS.sns}"><ListTagsForResourceResult><Tags>${xmlMembers(tags, 'member')}</Tags></ListTagsForResourceResult>${meta()}</ListTagsForResourceResponse>`,
      );
    },
  },
  sqs: {
    TagQueue: (store, { json }, call) => {
      const tags = store.writable(queueKey(json, call), sqsMissing);
      for (const [k, v] of Object.entries((json?.Tags ?? {}) as Record<string, string>)) tags.set(k, v);
      return sqsJson({});
    },
    UntagQueue: (store, { json }, call) => {
      const tags = store.writable(queueKey(json, call), sqsMissing);
      for (const k of (json?.TagKeys ?? []) as string[]) tags.delete(k);
      return sqsJson({});
    },
    ListQueueTags: (store, { json }, call) => {
      const tags = store.get(queueKey(json, call), sqsMissing);
      // SQS leaves Tags out when the queue has none.
      return sqsJson(tags && tags.size > 0 ? { Tags: Object.fromEntries(tags) } : {});
    },
  },
  s3: {
    GetBucketTagging: (store, { bucket }, call) => {
      const tags = store.get(
        s3Key(store, call, bucket),
        () => new AwsFault('NoSuchBucket', 'The specified bucket does not exist', 404),
      );
      if (!tags || tags.size === 0) throw new AwsFault('NoSuchTagSet', 'The TagSet does not exist', 404);
      return s3Tagging(tags);
    },
    PutBucketTagging: (store, { bucket }, call) => {
      store.replace(s3Key(store, call, bucket), s3TagSet(call.body), noBucket);
      return { status: 204, type: 'application/xml', body: '' };
    },
    DeleteBucketTagging: (store, { bucket }, call) => {
      store.replace(s3Key(store, call, bucket), new Map(), noBucket);
      return { status: 204, type: 'application/xml', body: '' };
    },
    // An untagged object answers an empty TagSet (not NoSuchTagSet).
    GetObjectTagging: (store, { bucket, key }, call) =>
      s3Tagging(store.get(s3Key(store, call, bucket, key), noKey)),
    PutObjectTagging: (store, { bucket, key }, call) => {
      store.replace(s3Key(store, call, bucket, key), s3TagSet(call.body), noKey);
      return { status: 200, type: 'application/xml', body: '' };
    },
    DeleteObjectTagging: (store, { bucket, key }, call) => {
      store.replace(s3Key(store, call, bucket, key), new Map(), noKey);
      return { status: 204, type: 'application/xml', body: '' };
    },
  },
  ec2: {
    CreateTags: (store, { query }, call) => {
      const q = query as URLSearchParams;
      const sets = [...ec2Ids(store, q, call)].map((key) => store.writable(key, () => ec2Missing(key)));
      const pairs = [...memberTags(q, 'Tag')];
      for (const tags of sets) for (const [k, v] of pairs) tags.set(k, v);
      return xml(
        `<CreateTagsResponse xmlns="${XMLNS.ec2}"><requestId>${requestId()}</requestId><return>true</return></CreateTagsResponse>`,
      );
    },
    DeleteTags: (store, { query }, call) => {
      const q = query as URLSearchParams;
      const keys = ec2Ids(store, q, call);
      const pairs = [...ec2DeletePairs(q)];
      for (const key of keys) {
        const tags = store.get(key);
        if (!tags) continue;
        // No Tag.N at all deletes every tag (as AWS does); a Value deletes the key only with that value.
        if (pairs.length === 0) tags.clear();
        for (const [k, v] of pairs) if (v === undefined || tags.get(k) === v) tags.delete(k);
      }
      return xml(
        `<DeleteTagsResponse xmlns="${XMLNS.ec2}"><requestId>${requestId()}</requestId><return>true</return></DeleteTagsResponse>`,
      );
    },
    DescribeTags: describeTags,
  },
  iam: {
    GetRole: (store, { query }, call) => iamGet(store, iamOf(query, call, 'role')),
    GetUser: (store, { query }, call) => iamGet(store, iamOf(query, call, 'user')),
    TagRole: (store, { query }, call) => iamTag(store, iamOf(query, call, 'role'), 'TagRole'),
    TagUser: (store, { query }, call) => iamTag(store, iamOf(query, call, 'user'), 'TagUser'),
    UntagRole: (store, { query }, call) => iamUntag(store, iamOf(query, call, 'role'), 'UntagRole'),
    UntagUser: (store, { query }, call) => iamUntag(store, iamOf(query, call, 'user'), 'UntagUser'),
    ListRoleTags: (store, { query }, call) => iamList(store, iamOf(query, call, 'role'), 'ListRoleTags'),
    ListUserTags: (store, { query }, call) => iamList(store, iamOf(query, call, 'user'), 'ListUserTags'),
  },
  'tagging-api': {
    GetResources: getResources,
    TagResources: (store, { json }, call) =>
      taggingWrite(store, json, call, (tags) => {
        for (const [k, v] of Object.entries((json?.Tags ?? {}) as Record<string, string>)) tags.set(k, v);
      }),
    UntagResources: (store, { json }, call) =>
      taggingWrite(store, json, call, (tags) => {
        for (const k of (json?.TagKeys ?? []) as string[]) tags.delete(k);
      }),
  },
};

// --- STS ----------------------------------------------------------------------------------------------------

/**
 * AssumeRole into any role of any account (like LocalStack, it does not check that the role exists or trusts the
 * caller): credentials whose key holds the role's account, for DurationSeconds (default an hour).
 */
function assumeRole(_store: Store, { query }: Params): Answer {
  const q = query as URLSearchParams;
  const arn = q.get('RoleArn') ?? '';
  const role = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[^/]+\/)*([\w+=,.@-]{1,64})$/.exec(arn);
  const session = q.get('RoleSessionName') ?? '';
  if (!role) throw new AwsFault('ValidationError', `${arn} is invalid`);
  if (!/^[\w+=,.@-]{2,64}$/.test(session)) {
    throw new AwsFault(
      'ValidationError',
      `1 validation error detected: Value '${session}' at 'roleSessionName'`,
    );
  }
  const [, account, name] = role;
  const seconds = Number(q.get('DurationSeconds') || 3600);
  const expiration = new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const id = requestId().slice(-12);
  return xml(
    `<AssumeRoleResponse xmlns="${XMLNS.sts}"><AssumeRoleResult><Credentials><AccessKeyId>ASIA${account}</AccessKeyId><SecretAccessKey>rated-aws-secret-${id}</SecretAccessKey><SessionToken>rated-aws-session-${account}-${id}</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::${account}:assumed-role/${name}/${escapeXml(session)}</Arn><AssumedRoleId>AROA${idOf(name ?? '')}:${escapeXml(session)}</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>${meta()}</AssumeRoleResponse>`,
  );
}

// --- SNS, SQS, S3 -------------------------------------------------------------------------------------------

/** The topic's ARN; one of another account than the request's is refused, as AWS refuses it without a policy. */
function snsKey(query: URLSearchParams | undefined, call: Call, operation: string): string {
  const arn = query?.get('ResourceArn') ?? '';
  const account = arn.split(':')[4];
  if (account && account !== call.account) {
    throw new AwsFault(
      'AuthorizationError',
      `User: arn:aws:iam::${call.account}:user/bench is not authorized to perform: SNS:${operation} on resource: ${arn}`,
      403,
    );
  }
  return arn;
}
const snsMissing = () => new AwsFault('ResourceNotFound', 'Resource does not exist', 404);

/**
 * The queue's ARN from its URL (`http://host/123456789012/name`); the region is the request's. A queue of another
 * account than the request's does not exist for it.
 */
function queueKey(json: Record<string, unknown> | undefined, call: Call): string {
  const url = String(json?.QueueUrl ?? '');
  const [account = '', name = ''] = new URL(url, 'http://localhost').pathname
    .split('/')
    .filter(Boolean)
    .slice(-2);
  if (account !== call.account) throw sqsMissing();
  const host = /^sqs\.([a-z0-9-]+)\./.exec(new URL(url, 'http://localhost').hostname)?.[1];
  return `arn:aws:sqs:${host ?? call.region}:${account}:${name}`;
}
const sqsMissing = () => new AwsFault('QueueDoesNotExist', 'The specified queue does not exist.', 400);

/** The bucket's (or object's) ARN; one of another account than the request's is AccessDenied, as on AWS. */
function s3Key(store: Store, call: Call, bucket: string | undefined, key?: string): string {
  const arn = key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;
  if (store.has(arn) && store.accountOf(arn) !== call.account) {
    throw new AwsFault('AccessDenied', 'Access Denied', 403);
  }
  return arn;
}
const noBucket = () => new AwsFault('NoSuchBucket', 'The specified bucket does not exist', 404);
const noKey = () => new AwsFault('NoSuchKey', 'The specified key does not exist.', 404);

function s3Tagging(tags: Tags | undefined): Answer {
  return {
    status: 200,
    type: 'application/xml',
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>${xmlMembers(tags, 'Tag')}</TagSet></Tagging>`,
  };
}

/** The TagSet of a PutBucketTagging / PutObjectTagging body. */
function s3TagSet(body: string): Tags {
  const tags: Tags = new Map();
  for (const m of body.matchAll(/<Tag>\s*<Key>([^<]*)<\/Key>\s*<Value>([^<]*)<\/Value>\s*<\/Tag>/g)) {
    tags.set(unescapeXml(m[1] ?? ''), unescapeXml(m[2] ?? ''));
  }
  return tags;
}

// --- EC2 ----------------------------------------------------------------------------------------------------

/** The store keys of `ResourceId.N`, every one of which must exist (one missing id fails the whole call). */
function ec2Ids(store: Store, query: URLSearchParams, call: Call): string[] {
  const keys = list(query, 'ResourceId').map((id) => `ec2|${call.account}|${call.region}|${id}`);
  const missing = keys.find((key) => !store.has(key));
  if (missing) throw ec2Missing(missing);
  return keys;
}

function ec2Missing(key: string): AwsFault {
  const id = key.slice(key.lastIndexOf('|') + 1);
  const type = ec2TypeOf(id);
  if (type === 'volume') return new AwsFault('InvalidVolume.NotFound', `The volume '${id}' does not exist.`);
  if (type === 'instance')
    return new AwsFault('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
  return new AwsFault('InvalidID', `The ID '${id}' is not valid`);
}

function ec2TypeOf(id: string): string {
  // Longest prefix first: `tgw-attach-` before `tgw-`.
  for (let cut = id.lastIndexOf('-'); cut > 0; cut = id.lastIndexOf('-', cut - 1)) {
    const type = EC2_TYPES.get(id.slice(0, cut));
    if (type) return type;
  }
  return 'resource';
}

/** DeleteTags' `Tag.N.Key` (and optional `Tag.N.Value`). */
function* ec2DeletePairs(query: URLSearchParams): Generator<[string, string | undefined]> {
  for (let i = 1; query.has(`Tag.${i}.Key`); i++) {
    yield [query.get(`Tag.${i}.Key`) as string, query.get(`Tag.${i}.Value`) ?? undefined];
  }
}

/** DescribeTags with `resource-id` filters (and key/value filters), MaxResults and NextToken (an offset). */
function describeTags(store: Store, { query }: Params, call: Call): Answer {
  const q = query as URLSearchParams;
  const filters = new Map<string, string[]>();
  for (let i = 1; q.has(`Filter.${i}.Name`); i++) {
    filters.set(q.get(`Filter.${i}.Name`) as string, list(q, `Filter.${i}.Value`));
  }
  for (const name of filters.keys()) {
    if (!['resource-id', 'key', 'value'].includes(name)) {
      return unknownAnswer(`rated-aws: DescribeTags filter ${name} is not implemented`);
    }
  }
  const ids = filters.get('resource-id');
  if (!ids)
    return unknownAnswer('rated-aws: DescribeTags needs a resource-id filter (a scan is not implemented)');
  const keys = filters.get('key');
  const values = filters.get('value');
  const items: string[] = [];
  for (const id of ids) {
    // AWS answers an unknown id with no tags, not an error.
    const tags = store.get(`ec2|${call.account}|${call.region}|${id}`);
    if (!tags) continue;
    const type = ec2TypeOf(id);
    for (const [k, v] of tags) {
      if ((keys && !keys.includes(k)) || (values && !values.includes(v))) continue;
      items.push(
        `<item><resourceId>${escapeXml(id)}</resourceId><resourceType>${type}</resourceType><key>${escapeXml(k)}</key><value>${escapeXml(v)}</value></item>`,
      );
    }
  }
  const max = Math.min(1000, Math.max(5, Number(q.get('MaxResults') ?? 1000)));
  const start = Number(q.get('NextToken') || 0);
  const page = items.slice(start, start + max);
  const next = start + max < items.length ? `<nextToken>${start + max}</nextToken>` : '';
  return xml(
    `<DescribeTagsResponse xmlns="${XMLNS.ec2}"><requestId>${requestId()}</requestId><tagSet>${page.join('')}</tagSet>${next}</DescribeTagsResponse>`,
  );
}

// --- IAM ----------------------------------------------------------------------------------------------------

/** An IAM request: its query, the entity's type, and its store key in the request's account. */
interface IamEntity {
  query: URLSearchParams;
  type: 'role' | 'user';
  key: string;
}

function iamOf(query: URLSearchParams | undefined, call: Call, type: 'role' | 'user'): IamEntity {
  const q = query as URLSearchParams;
  return {
    query: q,
    type,
    key: `iam|${call.account}|${type}|${q.get(type === 'role' ? 'RoleName' : 'UserName') ?? ''}`,
  };
}

function iamMissing({ query, type }: IamEntity): () => AwsFault {
  const name = query.get(type === 'role' ? 'RoleName' : 'UserName');
  return () => new AwsFault('NoSuchEntity', `The ${type} with name ${name} cannot be found.`, 404);
}

function iamGet(store: Store, request: IamEntity): Answer {
  const { key, type } = request;
  const tags = store.get(key, iamMissing(request));
  const arn = store.iamArn(key) as string;
  const resource = arn.slice(arn.indexOf(':', 'arn:aws:iam::'.length) + 1);
  const path = `/${resource.slice(type.length + 1, resource.lastIndexOf('/') + 1)}`;
  const name = resource.slice(resource.lastIndexOf('/') + 1);
  const tagXml = tags && tags.size > 0 ? `<Tags>${xmlMembers(tags, 'member')}</Tags>` : '';
  const operation = type === 'role' ? 'GetRole' : 'GetUser';
  const entity =
    type === 'role'
      ? `<Role><Path>${path}</Path><AssumeRolePolicyDocument>%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D</AssumeRolePolicyDocument><MaxSessionDuration>3600</MaxSessionDuration><RoleId>AROA${idOf(name)}</RoleId><RoleLastUsed/><RoleName>${escapeXml(name)}</RoleName>${tagXml}<Arn>${escapeXml(arn)}</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate></Role>`
      : `<User><Path>${path}</Path><UserName>${escapeXml(name)}</UserName><UserId>AIDA${idOf(name)}</UserId>${tagXml}<Arn>${escapeXml(arn)}</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate></User>`;
  return xml(
    `<${operation}Response xmlns="${XMLNS.iam}"><${operation}Result>${entity}</${operation}Result>${meta()}</${operation}Response>`,
  );
}

function iamTag(store: Store, entity: IamEntity, operation: string): Answer {
  const tags = store.writable(entity.key, iamMissing(entity));
  for (const [k, v] of memberTags(entity.query, 'Tags.member')) {
    // Keys of users and roles ignore case: a key in another spelling replaces the stored one.
    for (const stored of tags.keys()) if (stored.toLowerCase() === k.toLowerCase()) tags.delete(stored);
    tags.set(k, v);
  }
  return queryOk(operation, XMLNS.iam);
}

function iamUntag(store: Store, entity: IamEntity, operation: string): Answer {
  const tags = store.writable(entity.key, iamMissing(entity));
  const drop = new Set(list(entity.query, 'TagKeys.member').map((k) => k.toLowerCase()));
  for (const stored of [...tags.keys()]) if (drop.has(stored.toLowerCase())) tags.delete(stored);
  return queryOk(operation, XMLNS.iam);
}

function iamList(store: Store, entity: IamEntity, operation: string): Answer {
  const tags = store.get(entity.key, iamMissing(entity));
  return xml(
    `<${operation}Response xmlns="${XMLNS.iam}"><${operation}Result><IsTruncated>false</IsTruncated><Tags>${xmlMembers(tags, 'member')}</Tags></${operation}Result>${meta()}</${operation}Response>`,
  );
}

function idOf(name: string): string {
  let h = 0;
  for (const c of name) h = (h * 31 + (c.codePointAt(0) ?? 0)) >>> 0;
  return h.toString(16).toUpperCase().padStart(17, '0');
}

// --- Resource Groups Tagging API ----------------------------------------------------------------------------

/** The store key of an ARN the request's account may act on; undefined when none exists there. */
function ownKey(store: Store, arn: string, call: Call): string | undefined {
  const key = store.keyOfArn(arn);
  return store.has(key) && store.accountOf(key) === call.account ? key : undefined;
}

/**
 * GetResources: by ResourceARNList (at most 100), or every resource of the request's account; TagFilters and
 * ResourceTypeFilters narrow it. Like AWS, a resource that was never tagged (and an ARN that does not exist in the
 * request's account) is left out.
 */
function getResources(store: Store, { json }: Params, call: Call): Answer {
  const input = json ?? {};
  const arns = input.ResourceARNList as string[] | undefined;
  if (arns && arns.length > 100) {
    return taggingFault(new AwsFault('InvalidParameterException', 'ResourceARNList holds at most 100 ARNs'));
  }
  const filters = (input.TagFilters ?? []) as { Key: string; Values?: string[] }[];
  const types = (input.ResourceTypeFilters ?? []) as string[];
  const candidates: [string, Tags | undefined][] = arns
    ? arns.map((arn) => {
        const key = ownKey(store, arn, call);
        return [arn, key === undefined ? undefined : store.get(key)];
      })
    : [...store.arns(call.account)];
  const matches = candidates.filter(([arn, tags]) => {
    if (!tags || tags.size === 0) return false;
    const [, , service = '', , , resource = ''] = arn.split(':');
    const type = resource.includes('/') ? `${service}:${resource.slice(0, resource.indexOf('/'))}` : service;
    if (types.length > 0 && !types.some((t) => t === service || t === type)) return false;
    return filters.every(
      ({ Key, Values }) => tags.has(Key) && (!Values?.length || Values.includes(tags.get(Key) as string)),
    );
  });
  const per = Math.min(100, Number(input.ResourcesPerPage ?? 100));
  const start = Number(input.PaginationToken || 0);
  const page = matches.slice(start, start + per).map(([arn, tags]) => ({
    ResourceARN: arn,
    Tags: [...(tags as Tags)].map(([Key, Value]) => ({ Key, Value })),
  }));
  const next = start + per < matches.length ? String(start + per) : '';
  return json11({ PaginationToken: next, ResourceTagMappingList: page });
}

/** TagResources / UntagResources: at most 20 ARNs; a missing resource is a FailedResourcesMap entry. */
function taggingWrite(
  store: Store,
  json: Record<string, unknown> | undefined,
  call: Call,
  change: (tags: Tags) => void,
): Answer {
  const arns = (json?.ResourceARNList ?? []) as string[];
  if (arns.length === 0 || arns.length > 20) {
    return taggingFault(new AwsFault('InvalidParameterException', 'ResourceARNList holds 1 to 20 ARNs'));
  }
  const failed: Record<string, unknown> = {};
  for (const arn of arns) {
    const key = ownKey(store, arn, call);
    if (key === undefined) {
      failed[arn] = {
        StatusCode: 400,
        ErrorCode: 'InvalidParameterException',
        ErrorMessage: `The resource ${arn} does not exist`,
      };
      continue;
    }
    change(store.writable(key, () => new AwsFault('InvalidParameterException', arn)));
  }
  return json11({ FailedResourcesMap: failed });
}

// --- Protocol helpers ---------------------------------------------------------------------------------------

/** `prefix.N` values, in order. */
function list(query: URLSearchParams | undefined, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; query?.has(`${prefix}.${i}`); i++) out.push(query.get(`${prefix}.${i}`) as string);
  return out;
}

/** `prefix.N.Key` / `prefix.N.Value` pairs, in order. */
function* memberTags(query: URLSearchParams, prefix: string): Generator<[string, string]> {
  for (let i = 1; query.has(`${prefix}.${i}.Key`); i++) {
    yield [query.get(`${prefix}.${i}.Key`) as string, query.get(`${prefix}.${i}.Value`) ?? ''];
  }
}

function xmlMembers(tags: Tags | undefined, item: string): string {
  let out = '';
  for (const [k, v] of tags ?? [])
    out += `<${item}><Key>${escapeXml(k)}</Key><Value>${escapeXml(v)}</Value></${item}>`;
  return out;
}

function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`,
  );
}

function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(Number.parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e] as string;
  });
}

function meta(): string {
  return `<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata>`;
}

function xml(body: string, status = 200): Answer {
  return { status, type: 'text/xml', body };
}

/** The answer of a query-protocol write: an empty result and the request id. */
function queryOk(operation: string, xmlns: string): Answer {
  return xml(`<${operation}Response xmlns="${xmlns}"><${operation}Result/>${meta()}</${operation}Response>`);
}

function sqsJson(value: unknown): Answer {
  return { status: 200, type: 'application/x-amz-json-1.0', body: JSON.stringify(value) };
}

function json11(value: unknown): Answer {
  return { status: 200, type: 'application/x-amz-json-1.1', body: JSON.stringify(value) };
}

function unknownAnswer(message: string, status = 400): Answer {
  return {
    status,
    type: 'text/xml',
    body: `<ErrorResponse><Error><Type>Sender</Type><Code>RatedAwsUnknownOperation</Code><Message>${escapeXml(message)}</Message></Error>${meta()}</ErrorResponse>`,
  };
}

/** The throttling error each service sends, as it sends it. */
function throttled(service: string): Answer {
  switch (service) {
    case 'sqs':
      return fault('sqs', new AwsFault('RequestThrottled', 'Request is throttled.', 400));
    case 'ec2':
      return fault('ec2', new AwsFault('RequestLimitExceeded', 'Request limit exceeded.', 503));
    case 's3':
      return fault('s3', new AwsFault('SlowDown', 'Please reduce your request rate.', 503));
    case 'tagging-api':
      return fault('tagging-api', new AwsFault('ThrottledException', 'Rate exceeded', 400));
    default:
      return fault(service, new AwsFault('Throttling', 'Rate exceeded', 400));
  }
}

/** An error in the service's own document. */
function fault(service: string, error: AwsFault): Answer {
  const message = escapeXml(error.message);
  switch (service) {
    case 'sqs': {
      // SQS's JSON protocol names the error in __type and, for old query clients, in x-amzn-query-error.
      const queryCode =
        error.code === 'QueueDoesNotExist' ? 'AWS.SimpleQueueService.NonExistentQueue' : error.code;
      return {
        status: error.status,
        type: 'application/x-amz-json-1.0',
        body: JSON.stringify({ __type: `com.amazonaws.sqs#${error.code}`, message: error.message }),
        headers: { 'x-amzn-query-error': `${queryCode};Sender` },
      };
    }
    case 'tagging-api':
      return taggingFault(error);
    case 'ec2':
      return xml(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${error.code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId()}</RequestID></Response>`,
        error.status,
      );
    case 's3':
      return {
        status: error.status,
        type: 'application/xml',
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${message}</Message><RequestId>${requestId()}</RequestId><HostId>rated-aws</HostId></Error>`,
      };
    default: {
      const xmlns = XMLNS[service as keyof typeof XMLNS];
      return xml(
        `<ErrorResponse${xmlns ? ` xmlns="${xmlns}"` : ''}><Error><Type>Sender</Type><Code>${error.code}</Code><Message>${message}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`,
        error.status,
      );
    }
  }
}

function taggingFault(error: AwsFault): Answer {
  return {
    status: error.status,
    type: 'application/x-amz-json-1.1',
    body: JSON.stringify({ __type: error.code, Message: error.message }),
  };
}
