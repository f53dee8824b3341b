// A local HTTP server that stands in for every AWS service unitag calls, answering tag reads and writes the way a
// broken proxy or load balancer might: an empty 200, a 200 cut short, a document the API does not define, or a
// connection dropped mid-answer. It records every request by operation, so that a test can assert that no write
// reached it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createTagger, type TaggerOptions } from '../src/index.js';

/**
 * How the server answers a tag read (`answer`) or write (`writeAnswer`): `valid`; `empty`; `truncated` (half of
 * it); `foreign` (HTML, or a JSON array); `wrong-root` (the valid content under another root element or JSON
 * member); `extra` (the valid answer with a member or element added, as AWS adds them over time); `no-value` (the
 * tag `b` without its value member or element, where the answer's tags are a list); `trailing` (the valid answer,
 * then more); `error` (an AWS error document, with status 200); `dropped` (half of it, then the connection
 * closes); `stall` (the headers and half of it, then nothing, the connection left open); `hang` (every request,
 * read or write, is accepted and never answered). A write whose valid answer has no body is made bad from the
 * document a JSON API would send (`{}`) or from an XML one (`<OpResponse></OpResponse>`), all with status 200.
 */
export type Answer =
  | 'valid'
  | 'empty'
  | 'truncated'
  | 'foreign'
  | 'wrong-root'
  | 'extra'
  | 'no-value'
  | 'trailing'
  | 'error'
  | 'dropped'
  | 'stall'
  | 'hang';

/** The operation a request names, whatever the protocol (query, JSON, REST). */
export function operationOf(request: IncomingMessage, body: string): string {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.indexOf('.') + 1);
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1];
  if (action) return action;
  const url = new URL(request.url ?? '/', 'http://x');
  if (url.pathname.startsWith('/2017-03-31/tags/')) {
    return { GET: 'ListTags', POST: 'TagResource', DELETE: 'UntagResource' }[request.method ?? ''] ?? '?';
  }
  if (url.searchParams.has('tagging')) {
    const object = url.pathname.split('/').filter(Boolean).length > 1 ? 'Object' : 'Bucket';
    const verb = { GET: 'Get', PUT: 'Put', DELETE: 'Delete' }[request.method ?? ''] ?? '?';
    return `${verb}${object}Tagging`;
  }
  return `${request.method} ${url.pathname}`;
}

/** The key of a request in VALID: several JSON services name their read ListTagsForResource, kept by target. */
function answerKey(request: IncomingMessage, operation: string): string {
  const target = request.headers['x-amz-target'];
  return typeof target === 'string' && Object.hasOwn(VALID, target) ? target : operation;
}

const ACCOUNT = '123456789012';
const xmlTags = (item: string) =>
  `<member><Key>a</Key><Value>1</Value></member><member><Key>b</Key><Value>2</Value></member>`.replaceAll(
    'member',
    item,
  );

/** A valid answer to each tag read (and STS), as AWS sends it; `valid` answers these whole. */
export const VALID: Readonly<Record<string, Valid>> = {
  GetCallerIdentity: {
    type: 'text/xml',
    body: `<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::${ACCOUNT}:user/t</Arn><UserId>AIDA</UserId><Account>${ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
  },
  ListTagsForResource: {
    type: 'text/xml',
    body: `<ListTagsForResourceResponse><ListTagsForResourceResult><Tags>${xmlTags('member')}</Tags></ListTagsForResourceResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></ListTagsForResourceResponse>`,
  },
  ListQueueTags: { type: 'application/x-amz-json-1.0', body: '{"Tags":{"a":"1","b":"2"}}' },
  ListTags: { type: 'application/json', body: '{"Tags":{"a":"1","b":"2"}}' },
  GetBucketTagging: {
    type: 'application/xml',
    body: `<?xml version="1.0" encoding="UTF-8"?><Tagging><TagSet>${xmlTags('Tag')}</TagSet></Tagging>`,
  },
  GetObjectTagging: {
    type: 'application/xml',
    body: `<?xml version="1.0" encoding="UTF-8"?><Tagging><TagSet>${xmlTags('Tag')}</TagSet></Tagging>`,
  },
  GetUser: {
    type: 'text/xml',
    body: `<GetUserResponse><GetUserResult><User><Path>/</Path><UserName>alice</UserName><UserId>AIDA1</UserId><Arn>arn:aws:iam::${ACCOUNT}:user/alice</Arn><CreateDate>2020-01-01T00:00:00Z</CreateDate><Tags>${xmlTags('member')}</Tags></User></GetUserResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetUserResponse>`,
  },
  ListPolicyTags: {
    type: 'text/xml',
    body: `<ListPolicyTagsResponse><ListPolicyTagsResult><IsTruncated>false</IsTruncated><Tags>${xmlTags('member')}</Tags></ListPolicyTagsResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></ListPolicyTagsResponse>`,
  },
  DescribeTags: {
    type: 'text/xml',
    body: `<DescribeTagsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>1</requestId><tagSet><item><resourceId>vol-0123456789abcdef0</resourceId><resourceType>volume</resourceType><key>a</key><value>1</value></item><item><resourceId>vol-0123456789abcdef0</resourceId><resourceType>volume</resourceType><key>b</key><value>2</value></item></tagSet></DescribeTagsResponse>`,
  },
  'Logs_20140328.ListTagsForResource': {
    type: 'application/x-amz-json-1.1',
    body: '{"tags":{"a":"1","b":"2"}}',
  },
  ListTagsForStream: {
    type: 'application/x-amz-json-1.1',
    body: '{"Tags":[{"Key":"a","Value":"1"},{"Key":"b","Value":"2"}],"HasMoreTags":false}',
  },
  'AWSStepFunctions.ListTagsForResource': {
    type: 'application/x-amz-json-1.0',
    body: '{"tags":[{"key":"a","value":"1"},{"key":"b","value":"2"}]}',
  },
  'AWSOrganizationsV20161128.ListTagsForResource': {
    type: 'application/x-amz-json-1.1',
    body: '{"Tags":[{"Key":"a","Value":"1"},{"Key":"b","Value":"2"}]}',
  },
  'AWSEvents.ListTagsForResource': {
    type: 'application/x-amz-json-1.1',
    body: '{"Tags":[{"Key":"a","Value":"1"},{"Key":"b","Value":"2"}]}',
  },
  GetResources: {
    type: 'application/x-amz-json-1.1',
    body: `{"PaginationToken":"","ResourceTagMappingList":[{"ResourceARN":"arn:aws:logs:us-east-1:${ACCOUNT}:log-group:g","Tags":[{"Key":"a","Value":"1"},{"Key":"b","Value":"2"}]}]}`,
  },
};

/** A valid answer: its content type, its body and, where it is not 200, its status. */
interface Valid {
  type: string;
  body: string;
  status?: number;
}

const queryXml = (operation: string, namespace: string, content: string): Valid => ({
  type: 'text/xml',
  body: `<${operation}Response xmlns="${namespace}">${content}</${operation}Response>`,
});
const IAM_TYPES = [
  'User',
  'Role',
  'InstanceProfile',
  'ServerCertificate',
  'Policy',
  'OpenIDConnectProvider',
  'SAMLProvider',
  'MFADevice',
];
const json10 = (body: string): Valid => ({ type: 'application/x-amz-json-1.0', body });
const json11 = (body: string): Valid => ({ type: 'application/x-amz-json-1.1', body });
const pair = (target: string, tag: string, untag: string, answer: Valid) => ({
  [`${target}.${tag}`]: answer,
  [`${target}.${untag}`]: answer,
});

/**
 * A valid answer to each tag write, as AWS sends it, by {@link writeKey}: the query protocols' `<OpResponse>`
 * document; the JSON protocols' empty body (outputs without members, "an HTTP 200 response with an empty HTTP
 * body") or `{}` (outputs defined as an empty structure); REST writes' empty 204 (or 200) answers; the tagging
 * API's FailedResourcesMap.
 */
export const WRITES: Readonly<Record<string, Valid>> = {
  ...Object.fromEntries(
    ['TagResource', 'UntagResource'].map((op) => [
      op,
      queryXml(
        op,
        'https://sns.amazonaws.com/doc/2010-03-31/',
        `<${op}Result/><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>`,
      ),
    ]),
  ),
  ...Object.fromEntries(
    IAM_TYPES.flatMap((type) => [`Tag${type}`, `Untag${type}`]).map((op) => [
      op,
      queryXml(
        op,
        'https://iam.amazonaws.com/doc/2010-05-08/',
        '<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>',
      ),
    ]),
  ),
  ...Object.fromEntries(
    ['CreateTags', 'DeleteTags'].map((op) => [
      op,
      queryXml(
        op,
        'http://ec2.amazonaws.com/doc/2016-11-15/',
        '<requestId>1</requestId><return>true</return>',
      ),
    ]),
  ),
  'Lambda.TagResource': { type: 'application/json', body: '', status: 204 },
  'Lambda.UntagResource': { type: 'application/json', body: '', status: 204 },
  PutBucketTagging: { type: 'application/xml', body: '', status: 204 },
  DeleteBucketTagging: { type: 'application/xml', body: '', status: 204 },
  PutObjectTagging: { type: 'application/xml', body: '' },
  DeleteObjectTagging: { type: 'application/xml', body: '', status: 204 },
  ...pair('AmazonSQS', 'TagQueue', 'UntagQueue', json10('{}')),
  ...pair('GraniteServiceVersion20100801', 'TagResource', 'UntagResource', json10('{}')),
  ...pair('TrentService', 'TagResource', 'UntagResource', json11('')),
  ...pair('DynamoDB_20120810', 'TagResource', 'UntagResource', json10('')),
  ...pair('Logs_20140328', 'TagResource', 'UntagResource', json11('')),
  ...pair('Kinesis_20131202', 'AddTagsToStream', 'RemoveTagsFromStream', json11('')),
  ...pair('AWSStepFunctions', 'TagResource', 'UntagResource', json10('{}')),
  ...pair('AWSEvents', 'TagResource', 'UntagResource', json11('{}')),
  ...pair('secretsmanager', 'TagResource', 'UntagResource', json11('')),
  ...pair('AmazonSSM', 'AddTagsToResource', 'RemoveTagsFromResource', json11('{}')),
  ...pair('AWSOrganizationsV20161128', 'TagResource', 'UntagResource', json11('')),
  ...pair(
    'ResourceGroupsTaggingAPI_20170126',
    'TagResources',
    'UntagResources',
    json11('{"FailedResourcesMap":{}}'),
  ),
};

/**
 * The key of a write in WRITES: the JSON protocols' target (`TrentService.TagResource`: several services name
 * their write TagResource), Lambda's REST operation as `Lambda.TagResource`, else the operation.
 */
function writeKey(request: IncomingMessage, operation: string): string {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') return target;
  const lambda = new URL(request.url ?? '/', 'http://x').pathname.startsWith('/2017-03-31/tags/');
  return lambda ? `Lambda.${operation}` : operation;
}

/**
 * A fake AWS endpoint: `answer` says how tag reads are answered, `writeAnswer` how tag writes are; `requests`
 * lists every operation called.
 */
export interface FakeAws {
  endpoint: string;
  answer: Answer;
  writeAnswer: Answer;
  /** Operations accepted and never answered, whatever `answer` and `writeAnswer` say. */
  hang: Set<string>;
  requests: string[];
  /** When each request of `requests` arrived (Date.now()): what a test times a wait from, whatever the load. */
  arrivals: number[];
  /** The requests that were not reads (nor STS): writes. */
  writes(): string[];
  close(): Promise<void>;
}

/** Starts a fake AWS on 127.0.0.1 with a free port. */
export async function startFakeAws(): Promise<FakeAws> {
  const fake: FakeAws = {
    endpoint: '',
    answer: 'valid',
    writeAnswer: 'valid',
    hang: new Set(),
    requests: [],
    arrivals: [],
    writes: () => fake.requests.filter((op) => !Object.hasOwn(VALID, op)),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const op = answerKey(request, operationOf(request, body));
      fake.requests.push(op);
      fake.arrivals.push(Date.now());
      if (fake.answer === 'hang' || fake.hang.has(op)) return;
      const read = Object.hasOwn(VALID, op) ? VALID[op] : undefined;
      if (read) answer(response, op === 'GetCallerIdentity' ? 'valid' : fake.answer, read, op);
      else {
        const key = writeKey(request, op);
        // A request the fake does not know (none of unitag's) gets the empty 200 it always got.
        const valid = Object.hasOwn(WRITES, key) ? (WRITES[key] as Valid) : { type: 'text/xml', body: '' };
        answer(response, fake.writeAnswer, valid, op);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** Answers a request as `kind` says, from its valid answer. */
function answer(response: ServerResponse, kind: Answer, valid: Valid, operation: string): void {
  if (kind === 'hang') return;
  if (kind === 'valid') {
    response.writeHead(valid.status ?? 200, { 'content-type': valid.type });
    response.end(valid.body);
    return;
  }
  const json = valid.type.includes('json');
  // An answer without a body is made bad from the document a JSON or XML API would send.
  const whole = valid.body || (json ? '{}' : `<${operation}Response></${operation}Response>`);
  const body = badAnswer(kind, { type: valid.type, body: whole });
  if (kind === 'stall' || kind === 'dropped') {
    // Promise the whole answer, send half of it, then (dropped) drop the connection.
    response.writeHead(200, { 'content-type': valid.type, 'content-length': Buffer.byteLength(whole) });
    if (kind === 'stall') response.write(body);
    else response.write(body, () => response.socket?.destroy());
    return;
  }
  response.writeHead(200, { 'content-type': valid.type, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** A bad answer of the given kind, made from the valid one. */
function badAnswer(kind: Answer, valid: Valid): string {
  const json = valid.type.includes('json');
  switch (kind) {
    case 'empty':
      return '';
    case 'foreign':
      return json ? '[]' : '<html><body>Gateway says hello</body></html>';
    case 'extra':
      return json
        ? valid.body.replace(/^\{/, valid.body === '{}' ? '{"AddedLater":1' : '{"AddedLater":1,')
        : valid.body.replace(/(<\/[A-Za-z]+>)$/, '<AddedLater>1</AddedLater>$1');
    case 'no-value':
      return valid.body.replace(/,"(?:Value|value)":"2"/, '').replace(/<(Value|value)>2<\/\1>/, '');
    case 'wrong-root':
      return json
        ? `{"Wrapper":${valid.body}}`
        : valid.body
            .replace(/<(\/?)([A-Za-z]+)([ >])/, '<$1Wrapper$3')
            .replace(/<\/[A-Za-z]+>$/, '</Wrapper>');
    case 'trailing':
      return `${valid.body}${json ? '{}' : '<Extra/>'}`;
    case 'error':
      return json
        ? '{"__type":"ResourceNotFoundException","message":"gone"}'
        : '<Error><Code>NoSuchTagSet</Code><Message>The TagSet does not exist</Message></Error>';
    default:
      return valid.body.slice(0, Math.floor(valid.body.length / 2));
  }
}

/**
 * A fake AWS for this test file: started before its tests, reset (requests, hangs, `answer`, `writeAnswer`) before
 * each, closed after them; `tagger()` makes a tagger pointed at it, one attempt per request (a retry only slows a
 * test).
 */
export function useFakeAws(answer: Answer = 'valid') {
  const handle = {
    fake: undefined as unknown as FakeAws,
    tagger: (options: TaggerOptions = {}) =>
      createTagger({
        endpoint: handle.fake.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        clientConfig: { maxAttempts: 1 },
        // Each answer is what a test looks at: a failure is not retried (test/unit/retry.test.ts tests that).
        retryFor: 0,
        ...options,
      }),
  };
  beforeAll(async () => {
    handle.fake = await startFakeAws();
  });
  afterAll(() => handle.fake.close());
  beforeEach(() => {
    handle.fake.requests.length = 0;
    handle.fake.arrivals.length = 0;
    handle.fake.hang.clear();
    handle.fake.answer = answer;
    handle.fake.writeAnswer = 'valid';
  });
  return handle;
}
