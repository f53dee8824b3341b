// A local HTTP server that answers unitag's requests with answers AWS gave LocalStack's validated tests (the replay
// suite: test/fixtures/aws-replay/, made by scripts/aws-replay-extract.ts; docs/aws-replay.md). It answers one case
// at a time, in the wire protocol of the client that asked: JSON 1.0/1.1 (`__type`, `x-amzn-errortype`, and
// `x-amzn-query-error` for the clients in AWS's query-compatible mode: SQS, CloudWatch), REST-JSON (Lambda), query
// XML (SNS, IAM, STS) and REST-XML (S3). Every request is noted by its operation, so a test can check that the
// recorded answer was the one unitag read.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What unitag is asked to do with a case's resource. */
export type ReplayCall = 'tag' | 'untag' | 'list' | 'find';

/** One answer: its HTTP status and the body as botocore parsed it (an error under `Error`: Code, Message, ...). */
export interface ReplayAnswer {
  operation: string;
  status: number;
  answer: Record<string, unknown>;
}

/** What the answer means for unitag's call: tags read, a resolved write, the resources found, or an error code. */
export type ReplayExpectation =
  | { tags: Record<string, string> }
  | { resolves: true }
  | { found: { arn: string; tags: Record<string, string> }[] }
  | { code: string; why: string };

/** One recorded answer of a LocalStack test, and the unitag call it answers. */
export interface ReplayCase extends ReplayAnswer {
  /** The case's name in the test run: service, operation, source test and snapshot key. */
  name: string;
  /** unitag's adapter: the ARN's service field (`tagging-api` for the Resource Groups Tagging API). */
  service: string;
  /** `<path in github.com/localstack/localstack>::<test>`, the test whose snapshot holds the answer. */
  source: string;
  /** The key of the answer in the test's snapshot (recorded-content). */
  snapshotKey: string;
  /** When LocalStack recorded it against AWS (the snapshot's recorded-date). */
  recordedOn: string;
  /** The localstack/localstack commit the answer was read at. */
  localstackCommit: string;
  call: ReplayCall;
  /** The resource, in the shape the adapter takes (placeholders filled in as {@link concrete} does). */
  arn: string;
  /** The tags `tag` sets, or the tag filter of `find`. */
  tags?: Record<string, string>;
  keys?: string[];
  /** Made-up answers (not recorded) to the calls unitag makes before the recorded one: S3 reads its set first. */
  setup?: ReplayAnswer[];
  expect: ReplayExpectation;
  /** What was added to, or differs from, the recorded answer, and why. */
  notes?: string[];
}

/** The account every replayed ARN names, as LocalStack's snapshots write it; STS answers it. */
export const REPLAY_ACCOUNT = '111111111111';

// LocalStack's snapshots replace what changes from run to run with placeholders; these are filled in the same way
// wherever they appear (ARNs, names, messages), so the answers name the resources the cases' ARNs name.
const NAMED: Readonly<Record<string, string>> = {
  '<partition>': 'aws',
  '<region>': 'us-east-1',
  '<SecretId-0idx>': 'secret-0',
  '<ArnPart-0idx>': '-AbCdEf',
  '<ARN:1>': `arn:aws:ec2:us-east-1:${REPLAY_ACCOUNT}:vpc/vpc-0123456789abcdef0`,
};

/** A snapshot's value with its placeholders filled in: `<role-name:1>` is `role-name-1`, `<custom-tag>` is `custom-tag`. */
export function concrete<T>(value: T): T {
  if (typeof value === 'string') {
    let text: string = value;
    for (const [token, filled] of Object.entries(NAMED)) text = text.replaceAll(token, filled);
    return text.replace(/<([\w-]+):(\d+)>/g, '$1-$2').replace(/<([\w-]+)>/g, '$1') as T;
  }
  if (Array.isArray(value)) return value.map((item) => concrete(item)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, concrete(v)])) as T;
  }
  return value;
}

// The snapshots write timestamps as these words; each protocol gets one time in its own form.
const TIME_WORDS = new Set(['datetime', 'timestamp']);
const TIME = new Date('2025-01-01T00:00:00Z');

/** The replay server: `load` a case, let unitag call it, read `calls`. */
export interface ReplayServer {
  url: string;
  /** The operations requested since the last `load`, in order. */
  calls: string[];
  load(replay: ReplayCase): void;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1, on a port of the system's choosing. */
export async function startReplayServer(): Promise<ReplayServer> {
  let answers = new Map<string, ReplayAnswer>();
  const calls: string[] = [];
  const server = createServer((request, response) => {
    void handle(request, response, answers, calls);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    load(replay) {
      calls.length = 0;
      answers = new Map([...(replay.setup ?? []), replay].map((a) => [a.operation, a]));
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A request as the server reads it: its operation and the protocol its client speaks. */
interface Asked {
  operation: string;
  protocol: 'json' | 'rest-json' | 'query' | 's3';
  /** JSON 1.0 or 1.1: the request's content type, which the answer's repeats. */
  contentType: string;
  /** The client reads error codes from `x-amzn-query-error` (AWS's query-compatible JSON services). */
  queryCompatible: boolean;
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  answers: Map<string, ReplayAnswer>,
  calls: string[],
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const asked = identify(request, Buffer.concat(chunks).toString('utf8'));
  calls.push(asked.operation);
  const answer = answers.get(asked.operation) ?? builtIn(asked.operation);
  if (!answer) {
    const unexpected = {
      Error: { Code: 'ReplayUnexpectedRequest', Message: `no answer for ${asked.operation}` },
    };
    return send(response, asked, { operation: asked.operation, status: 501, answer: unexpected });
  }
  send(response, asked, { ...answer, answer: concrete(answer.answer) });
}

/** The operation a request names, whatever its protocol. */
function identify(request: IncomingMessage, body: string): Asked {
  const contentType = String(request.headers['content-type'] ?? '');
  const base = { contentType, queryCompatible: request.headers['x-amzn-query-mode'] === 'true' };
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') {
    return { ...base, operation: target.slice(target.indexOf('.') + 1), protocol: 'json' };
  }
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1];
  if (action) return { ...base, operation: action, protocol: 'query' };
  const url = new URL(request.url ?? '/', 'http://replay');
  const method = request.method ?? '';
  if (url.pathname.startsWith('/2017-03-31/tags/')) {
    const operation = { GET: 'ListTags', POST: 'TagResource', DELETE: 'UntagResource' }[method] ?? method;
    return { ...base, operation, protocol: 'rest-json' };
  }
  if (url.searchParams.has('tagging')) {
    const kind = url.pathname.split('/').filter(Boolean).length > 1 ? 'Object' : 'Bucket';
    const verb = { GET: 'Get', PUT: 'Put', DELETE: 'Delete' }[method] ?? method;
    return { ...base, operation: `${verb}${kind}Tagging`, protocol: 's3' };
  }
  return { ...base, operation: `${method} ${url.pathname}`, protocol: 'rest-json' };
}

/** Answers the server gives in every case: STS names the account the replayed ARNs name. */
function builtIn(operation: string): ReplayAnswer | undefined {
  if (operation !== 'GetCallerIdentity') return undefined;
  const identity = {
    Account: REPLAY_ACCOUNT,
    Arn: `arn:aws:iam::${REPLAY_ACCOUNT}:user/replay`,
    UserId: 'AIDAREPLAY',
  };
  return { operation, status: 200, answer: identity };
}

function send(response: ServerResponse, asked: Asked, { operation, status, answer }: ReplayAnswer): void {
  const { Error: error, ...body } = answer as { Error?: Record<string, unknown> } & Record<string, unknown>;
  const written = error ? errorAnswer(asked, error, body) : successAnswer(asked, operation, status, body);
  response.writeHead(status, { 'x-amzn-requestid': 'replay-request', ...written.headers });
  response.end(written.body);
}

interface Written {
  headers: Record<string, string>;
  body: string;
}

function successAnswer(
  asked: Asked,
  operation: string,
  status: number,
  body: Record<string, unknown>,
): Written {
  switch (asked.protocol) {
    case 'json':
      return { headers: { 'content-type': asked.contentType }, body: JSON.stringify(epochTimes(body)) };
    case 'rest-json':
      if (status === 204 || Object.keys(body).length === 0) return { headers: {}, body: '' };
      return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(epochTimes(body)) };
    case 'query': {
      const result = Object.entries(body)
        .map(([name, value]) => xml(name, value, 'member'))
        .join('');
      const metadata = '<ResponseMetadata><RequestId>replay-request</RequestId></ResponseMetadata>';
      const text = `<${operation}Response><${operation}Result>${result}</${operation}Result>${metadata}</${operation}Response>`;
      return { headers: { 'content-type': 'text/xml' }, body: text };
    }
    case 's3':
      return s3Success(body);
  }
}

// S3 answers an object's version id in a header, not in the body; only the Get calls have a body (<Tagging>).
function s3Success({ VersionId, TagSet }: Record<string, unknown>): Written {
  const headers: Record<string, string> = VersionId ? { 'x-amz-version-id': String(VersionId) } : {};
  if (TagSet === undefined) return { headers, body: '' };
  const tagging = `<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${xml('TagSet', TagSet, 'Tag')}</Tagging>`;
  return {
    headers: { ...headers, 'content-type': 'application/xml' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${tagging}`,
  };
}

function errorAnswer(asked: Asked, error: Record<string, unknown>, body: Record<string, unknown>): Written {
  const code = String(error.Code);
  const message = String(error.Message ?? '');
  if (asked.protocol === 'json' || asked.protocol === 'rest-json') {
    // botocore keeps only the error shape's modelled members beside Error; AWS's body always carries the message.
    const hasMessage = 'message' in body || 'Message' in body;
    const json = { ...(asked.protocol === 'json' ? { __type: code } : {}), ...body };
    const headers: Record<string, string> = { 'content-type': asked.contentType || 'application/json' };
    headers['x-amzn-errortype'] = code;
    if (asked.queryCompatible) headers['x-amzn-query-error'] = `${code};${String(error.Type ?? 'Sender')}`;
    return { headers, body: JSON.stringify(hasMessage ? json : { ...json, message }) };
  }
  if (asked.protocol === 's3') {
    const members = Object.entries(error)
      .map(([name, value]) => xml(name, value, 'member'))
      .join('');
    return { headers: { 'content-type': 'application/xml' }, body: `<Error>${members}</Error>` };
  }
  const type = xml('Type', error.Type ?? 'Sender', 'member');
  const text = `<ErrorResponse><Error>${type}${xml('Code', code, 'member')}${xml('Message', message, 'member')}</Error><RequestId>replay-request</RequestId></ErrorResponse>`;
  return { headers: { 'content-type': 'text/xml' }, body: text };
}

/** A value as XML: lists as `item` elements, structures as elements, a policy document as IAM sends it. */
function xml(name: string, value: unknown, item: string): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    if (value.length === 0) return `<${name}/>`;
    return `<${name}>${value.map((entry) => xml(item, entry, item)).join('')}</${name}>`;
  }
  // IAM answers a policy document as URL-encoded JSON; botocore decodes it into the object the snapshot holds.
  if (typeof value === 'object' && name.endsWith('PolicyDocument')) {
    return `<${name}>${encodeURIComponent(JSON.stringify(value))}</${name}>`;
  }
  if (typeof value === 'object') {
    const members = Object.entries(value)
      .map(([key, member]) => xml(key, member, item))
      .join('');
    return members === '' ? `<${name}/>` : `<${name}>${members}</${name}>`;
  }
  const text = TIME_WORDS.has(String(value)) ? TIME.toISOString() : String(value);
  return `<${name}>${escapeXml(text)}</${name}>`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A JSON body with the snapshots' time words as epoch seconds, as the JSON protocols send times. */
function epochTimes(value: unknown): unknown {
  if (typeof value === 'string' && TIME_WORDS.has(value)) return TIME.getTime() / 1000;
  if (Array.isArray(value)) return value.map(epochTimes);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, epochTimes(v)]));
  }
  return value;
}
