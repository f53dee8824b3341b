// A local HTTP server that stands in for every AWS service unitag calls, answering tag reads the way a broken
// proxy or load balancer might: an empty 200, a 200 cut short, a document the API does not define, or a
// connection dropped mid-answer. It records every request by operation, so that a test can assert that no write
// reached it.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createTagger, type TaggerOptions } from '../src/index.js';

/**
 * How the server answers a tag read: `valid`; `empty`; `truncated` (half of it); `foreign` (HTML, or a JSON
 * array); `wrong-root` (the valid content under another root element or JSON member); `extra` (the valid answer
 * with a member or element added, as AWS adds them over time); `no-value` (the tag `b` without its value member
 * or element, where the answer's tags are a list); `trailing` (the valid answer, then more); `error` (an AWS error document, with status 200); `dropped`
 * (half of it, then the connection closes); `stall` (the headers and half of it, then nothing, the connection
 * left open); `hang` (every request, read or write, is accepted and never answered).
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
export const VALID: Readonly<Record<string, { type: string; body: string }>> = {
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
  'AWSEvents.ListTagsForResource': {
    type: 'application/x-amz-json-1.1',
    body: '{"Tags":[{"Key":"a","Value":"1"},{"Key":"b","Value":"2"}]}',
  },
  GetResources: {
    type: 'application/x-amz-json-1.1',
    body: `{"PaginationToken":"","ResourceTagMappingList":[{"ResourceARN":"arn:aws:logs:us-east-1:${ACCOUNT}:log-group:g","Tags":[{"Key":"a","Value":"1"},{"Key":"b","Value":"2"}]}]}`,
  },
};

/** Answers of writes: what AWS sends on success. */
const WRITE_ANSWERS: Readonly<Record<string, { type: string; body: string }>> = {
  TagQueue: { type: 'application/x-amz-json-1.0', body: '{}' },
  UntagQueue: { type: 'application/x-amz-json-1.0', body: '{}' },
  TagResources: { type: 'application/x-amz-json-1.1', body: '{"FailedResourcesMap":{}}' },
  UntagResources: { type: 'application/x-amz-json-1.1', body: '{"FailedResourcesMap":{}}' },
};

/** A fake AWS endpoint: `answer` says how tag reads are answered; `requests` lists every operation called. */
export interface FakeAws {
  endpoint: string;
  answer: Answer;
  /** Operations accepted and never answered, whatever `answer` says. */
  hang: Set<string>;
  requests: string[];
  /** The requests that were not reads (nor STS): writes. */
  writes(): string[];
  close(): Promise<void>;
}

/** Starts a fake AWS on 127.0.0.1 with a free port. */
export async function startFakeAws(): Promise<FakeAws> {
  const fake: FakeAws = {
    endpoint: '',
    answer: 'valid',
    hang: new Set(),
    requests: [],
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
      const op = answerKey(request, operationOf(request, Buffer.concat(chunks).toString('utf8')));
      fake.requests.push(op);
      if (fake.answer === 'hang' || fake.hang.has(op)) return;
      const valid = Object.hasOwn(VALID, op) ? VALID[op] : undefined;
      if (!valid || op === 'GetCallerIdentity' || fake.answer === 'valid') {
        const answer = valid ?? WRITE_ANSWERS[op] ?? { type: 'text/xml', body: '' };
        response.writeHead(200, { 'content-type': answer.type });
        response.end(answer.body);
        return;
      }
      const body = badAnswer(fake.answer, valid);
      if (fake.answer === 'stall') {
        response.writeHead(200, {
          'content-type': valid.type,
          'content-length': Buffer.byteLength(valid.body),
        });
        response.write(body);
        return;
      }
      if (fake.answer === 'dropped') {
        // Promise the whole answer, send half of it, then drop the connection.
        response.writeHead(200, {
          'content-type': valid.type,
          'content-length': Buffer.byteLength(valid.body),
        });
        response.write(body, () => response.socket?.destroy());
        return;
      }
      response.writeHead(200, { 'content-type': valid.type, 'content-length': Buffer.byteLength(body) });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** A bad answer of the given kind, made from the valid one. */
function badAnswer(kind: Answer, valid: { type: string; body: string }): string {
  const json = valid.type.includes('json');
  switch (kind) {
    case 'empty':
      return '';
    case 'foreign':
      return json ? '[]' : '<html><body>Gateway says hello</body></html>';
    case 'extra':
      return json
        ? valid.body.replace(/^\{/, '{"AddedLater":1,')
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
 * A fake AWS for this test file: started before its tests, reset (requests, hangs, `answer`) before each, closed
 * after them; `tagger()` makes a tagger pointed at it, one attempt per request (a retry only slows a test).
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
    handle.fake.hang.clear();
    handle.fake.answer = answer;
  });
  return handle;
}
