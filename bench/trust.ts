// A fault-and-kill harness for unitag's streamed jobs: a benchmark that re-proves the promises of `unitag apply
// JOB --report R` / `--resume R` and prints what it measured (it asserts nothing line by line; tests do that).
//
// Run it (the CLI is spawned from dist/, so build first):
//   npm run build && npx tsx bench/trust.ts            full: 2 fault scenarios of 11,000 lines, 20 kill trials (~12-15 min)
//   npm run build && npx tsx bench/trust.ts --quick    smaller jobs, 6 kill trials (~4-5 min)
//   ... --seed N                                        the jobs' contents (default: random; faults and kill moments are not seeded)
//
// What it does, against bench/rated-aws.ts (in-memory, rate-limited, stateful AWS) behind a fault proxy:
// - a fault proxy (node:http, 127.0.0.1) in front of the fake injects a fault into a given fraction of requests,
//   STS GetCallerIdentity included, of a kind drawn at random: 503 and 500 with the service's error document, the
//   service's throttling error, 200 with an empty body, 200 with an error document, the connection dropped before
//   forwarding, the request forwarded (the write happens) and then the connection dropped or the answer replaced
//   by a 500 or an empty 200, forwarded and the answer's body cut short, a slow answer, a hang (never answered;
//   the CLI runs with --read-timeout 2), forwarded and then hung. An empty 200 is not injected (not forwarded) on
//   the writes whose real answer is an empty 200 (S3 Put/Delete*Tagging, SQS TagQueue/UntagQueue): no client can
//   tell it from AWS's own answer, so it would measure the proxy, not unitag.
// - jobs (NDJSON) over SNS topics, SQS queues, IAM roles and users, S3 buckets and objects, each with tags made
//   beforehand (`keep=<unique>` that no line touches, so a lost tag shows), with set, remove and rename lines,
//   each named in several windows of 5,000 lines (EC2 volumes, which CreateTags batches, fill the windows), for
//   more than 10,000 lines. A resource's expected tags are its first tags with its lines applied in file order
//   (in a line: rename, set, remove, as src/jobs/plan.ts does).
// - scenarios: (a) a 1,000-resource job applied at 30% and at 60% faults with a small --retry-for, then resumed
//   (twice with the faults on, then with them off) until the report says every line is done; (b) kill trials:
//   SIGKILL (every fourth trial SIGINT) once the report's journal reaches a random line count (some near a window's
//   end), sometimes the first resume killed too, sometimes two resumes started at once, then --resume until done.
//   Kill trials run without faults, so that the fake's write counts are the runs' own.
// - after each job: every resource's tags against the expected ones, and the final report's lines.
//
// Figures, per scenario and in total: tags lost (a `keep` tag missing or changed), written wrong (final tags !=
// expected), reported ok but wrong (the final report says each line of the resource is changed/unchanged, yet its
// tags != expected), double writes (in the two-resumes trials: a resource written more often, across the two runs
// that ran at once, than its lines not yet done need), lines not done at the end, runs, kills, faults injected by
// kind, exit codes, wall time; for the kill trials, the lines written but not yet in the journal at each kill.
// Exits 1 when any of the four counts (or lines not done) is not 0. Each finding comes with its evidence: which
// sequence of the resource's lines its tags match (a line applied twice, a line never applied), its lines with the
// final report's outcome, the faults injected on requests naming it, the runs' error lines for it and, in kill
// trials, the journal and the tags at each kill. The runs spawn a copy of dist/ taken at the start (a rebuild while
// this runs changes nothing). The working directory (the copy, jobs, reports, the journals at each kill, each
// run's standard error, findings.json) is kept and printed.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACCOUNT, type RatedAws, startRatedAws } from './rated-aws.js';

const QUICK = process.argv.includes('--quick');
const seedAt = process.argv.indexOf('--seed');
const SEED = seedAt > 0 ? Number(process.argv[seedAt + 1]) : Math.floor(Math.random() * 2 ** 31);
const WINDOW = 5_000;
const ROOT = new URL('..', import.meta.url).pathname;
/** The CLI the runs spawn: a copy of dist/ taken at the start (others may rebuild dist/ while this runs). */
let CLI = join(ROOT, 'dist/bin/cli.js');
/** AWS's rates times this, in the fake and in the CLI's own pacing alike. */
const RATE_SCALE = 20;
const RETRY_FOR = 15;

const SIZES = QUICK
  ? { faultReal: 200, faultWindows: [WINDOW, 1_000], killReal: 60, killWindows: [WINDOW, 1_000], trials: 6 }
  : {
      faultReal: 1_000,
      faultWindows: [WINDOW, WINDOW, 1_000],
      killReal: 120,
      killWindows: [WINDOW, WINDOW, 500],
      trials: 20,
    };

// --- Random, seeded -----------------------------------------------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/** The jobs' contents: seeded. Faults and kill moments are not (they depend on timing anyway). */
const rng = mulberry32(SEED);
const chance = Math.random;
const pick = <T>(list: readonly T[], random = rng): T => list[Math.floor(random() * list.length)] as T;
const between = (lo: number, hi: number, random = chance) => lo + Math.floor(random() * (hi - lo + 1));
function shuffle<T>(list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [list[i], list[j]] = [list[j] as T, list[i] as T];
  }
  return list;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// --- The fault proxy ----------------------------------------------------------------------------------------

const KINDS = [
  '503',
  '500',
  'throttle',
  'empty 200',
  'error document 200',
  'drop before forwarding',
  'forwarded, then dropped',
  'forwarded, then 500',
  'forwarded, then empty 200',
  'forwarded, body cut short',
  'slow',
  'hang',
  'forwarded, then hang',
] as const;
type Kind = (typeof KINDS)[number];

/** The writes whose real answer is an empty 200 (or 204): an empty 200 there is AWS's own answer. */
const EMPTY_ANSWERS = new Set([
  's3:PutBucketTagging',
  's3:DeleteBucketTagging',
  's3:PutObjectTagging',
  's3:DeleteObjectTagging',
  'sqs:TagQueue',
  'sqs:UntagQueue',
]);

interface Route {
  service: string;
  operation: string;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

class FaultProxy {
  /** The fraction of requests that get a fault. */
  rate = 0;
  requests = 0;
  readonly faults = new Map<string, number>();
  /** Faults on STS GetCallerIdentity (counted in `faults` too). */
  stsFaults = 0;
  /** Which run(s) the requests now come from, for the fault log. */
  label = '';
  /** Every fault injected: the run, the kind, the operation, and the request's URL and body (decoded, cut at 8 KB). */
  readonly log: { label: string; kind: Kind; operation: string; text: string }[] = [];
  #inFlight = 0;
  readonly #held = new Set<Socket>();
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 256 });
  readonly #server = createServer((req, res) => this.#handle(req, res));
  endpoint = '';

  constructor(readonly target: string) {
    this.#server.keepAliveTimeout = 60_000;
    this.#server.on('clientError', (_error, socket) => socket.destroy());
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  snapshot(): { requests: number; faults: Map<string, number>; sts: number } {
    return { requests: this.requests, faults: new Map(this.faults), sts: this.stsFaults };
  }

  /** Waits until no forwarded request is under way (a write a killed client left is carried out first). */
  async idle(): Promise<void> {
    for (let i = 0; i < 500 && this.#inFlight > 0; i++) await sleep(20);
  }

  async close(): Promise<void> {
    for (const socket of this.#held) socket.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#agent.destroy();
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => {});
    res.on('error', () => {});
    req.on('end', () => {
      this.requests++;
      const body = Buffer.concat(chunks);
      const route = routeOf(req, body.toString('utf8'));
      const name = `${route.service}:${route.operation}`;
      let kind: Kind | undefined;
      if (this.rate > 0 && chance() < this.rate) {
        do kind = pick(KINDS, chance);
        while (kind === 'empty 200' && EMPTY_ANSWERS.has(name));
        this.faults.set(kind, (this.faults.get(kind) ?? 0) + 1);
        if (route.service === 'sts') this.stsFaults++;
        let text = `${req.url} ${body.toString('utf8', 0, 8192)}`;
        try {
          text = decodeURIComponent(text.replaceAll('+', ' '));
        } catch {}
        this.log.push({ label: this.label, kind, operation: name, text });
      }
      void this.#answer(kind, route, req, res, body).catch(() => res.destroy());
    });
  }

  async #answer(
    kind: Kind | undefined,
    route: Route,
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
  ): Promise<void> {
    const socket = req.socket;
    switch (kind) {
      case undefined:
        return send(res, await this.#forward(req, body));
      case '503':
        return send(
          res,
          errorAnswer(route.service, 503, route.service === 'ec2' ? 'Unavailable' : 'ServiceUnavailable'),
        );
      case '500':
        return send(res, errorAnswer(route.service, 500, internalCode(route.service)));
      case 'throttle':
        return send(res, throttleAnswer(route.service));
      case 'empty 200':
        return send(res, {
          status: 200,
          headers: { 'content-type': contentType(route.service) },
          body: Buffer.alloc(0),
        });
      case 'error document 200':
        return send(res, errorDocument200(route.service));
      case 'drop before forwarding':
        return void socket.destroy();
      case 'forwarded, then dropped':
        await this.#forward(req, body);
        return void socket.destroy();
      case 'forwarded, then 500':
        await this.#forward(req, body);
        return send(res, errorAnswer(route.service, 500, internalCode(route.service)));
      case 'forwarded, then empty 200':
        await this.#forward(req, body);
        return send(res, {
          status: 200,
          headers: { 'content-type': contentType(route.service) },
          body: Buffer.alloc(0),
        });
      case 'forwarded, body cut short': {
        const answer = await this.#forward(req, body);
        const length = Math.max(answer.body.length, 16);
        res.writeHead(answer.status, { ...answer.headers, 'content-length': String(length) });
        res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)));
        return void setTimeout(() => socket.destroy(), 5);
      }
      case 'slow':
        await sleep(300 + chance() * 1_200);
        return send(res, await this.#forward(req, body));
      case 'hang':
        this.#held.add(socket);
        return;
      case 'forwarded, then hang':
        await this.#forward(req, body);
        this.#held.add(socket);
        return;
    }
  }

  #forward(req: IncomingMessage, body: Buffer): Promise<Answer> {
    const target = new URL(this.target);
    const headers = { ...req.headers };
    delete headers['transfer-encoding'];
    delete headers.connection;
    delete headers['keep-alive'];
    headers['content-length'] = String(body.length);
    this.#inFlight++;
    return new Promise<Answer>((resolve, reject) => {
      const out = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers,
          agent: this.#agent,
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => {
            const h = { ...answer.headers };
            delete h['transfer-encoding'];
            delete h.connection;
            delete h['keep-alive'];
            resolve({ status: answer.statusCode ?? 500, headers: h, body: Buffer.concat(chunks) });
          });
          answer.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    }).finally(() => {
      this.#inFlight--;
    });
  }
}

function send(res: ServerResponse, answer: Answer): void {
  if (res.destroyed) return;
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
  res.end(answer.body);
}

/** Which service and operation a request is, as bench/rated-aws.ts routes it. */
function routeOf(req: IncomingMessage, body: string): Route {
  const scope = /Credential=[^/]+\/\d+\/([^/]+)\/([^/]+)\//.exec(req.headers.authorization ?? '');
  const signing = scope?.[2] ?? '';
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') {
    const [prefix = '', operation = ''] = target.split('.');
    return { service: prefix === 'AmazonSQS' ? 'sqs' : 'tagging-api', operation };
  }
  if (signing === 's3') {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.slice(1);
    const object = path.includes('/') && !path.endsWith('/');
    const verb = { GET: 'Get', PUT: 'Put', DELETE: 'Delete' }[req.method ?? ''] ?? req.method;
    return { service: 's3', operation: `${verb}${object ? 'Object' : 'Bucket'}Tagging` };
  }
  return { service: signing, operation: new URLSearchParams(body).get('Action') ?? '?' };
}

const XMLNS: Record<string, string> = {
  sns: 'http://sns.amazonaws.com/doc/2010-03-31/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
};

function contentType(service: string): string {
  if (service === 'sqs') return 'application/x-amz-json-1.0';
  if (service === 'tagging-api') return 'application/x-amz-json-1.1';
  if (service === 's3') return 'application/xml';
  return 'text/xml';
}

function internalCode(service: string): string {
  if (service === 'tagging-api') return 'InternalServiceException';
  if (service === 'sqs' || service === 'ec2' || service === 's3') return 'InternalError';
  return 'InternalFailure';
}

let ids = 0;
const requestId = () => `fa017000-0000-4000-8000-${(++ids).toString(16).padStart(12, '0')}`;

/** An error in the service's own document (as bench/rated-aws.ts writes them). */
function errorAnswer(
  service: string,
  status: number,
  code: string,
  message = 'injected by bench/trust.ts',
): Answer {
  const headers: Record<string, string> = {
    'content-type': contentType(service),
    'x-amzn-requestid': requestId(),
  };
  let body: string;
  switch (service) {
    case 'sqs':
      headers['x-amzn-query-error'] = `${code};${status >= 500 ? 'Receiver' : 'Sender'}`;
      body = JSON.stringify({ __type: `com.amazonaws.sqs#${code}`, message });
      break;
    case 'tagging-api':
      body = JSON.stringify({ __type: code, Message: message });
      break;
    case 'ec2':
      body = `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId()}</RequestID></Response>`;
      break;
    case 's3':
      body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId()}</RequestId><HostId>trust</HostId></Error>`;
      break;
    default: {
      const xmlns = XMLNS[service];
      body = `<ErrorResponse${xmlns ? ` xmlns="${xmlns}"` : ''}><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`;
    }
  }
  return { status, headers, body: Buffer.from(body) };
}

/** The throttling error each service sends, as it sends it. */
function throttleAnswer(service: string): Answer {
  switch (service) {
    case 'sqs':
      return errorAnswer('sqs', 400, 'RequestThrottled', 'Request is throttled.');
    case 'ec2':
      return errorAnswer('ec2', 503, 'RequestLimitExceeded', 'Request limit exceeded.');
    case 's3':
      return errorAnswer('s3', 503, 'SlowDown', 'Please reduce your request rate.');
    case 'tagging-api':
      return errorAnswer('tagging-api', 400, 'ThrottledException', 'Rate exceeded');
    default:
      return errorAnswer(service, 400, 'Throttling', 'Rate exceeded');
  }
}

/** A 200 whose body is an error document. */
function errorDocument200(service: string): Answer {
  const json = service === 'sqs' || service === 'tagging-api';
  return {
    status: 200,
    headers: { 'content-type': contentType(service), 'x-amzn-requestid': requestId() },
    body: Buffer.from(
      json ? '{"__type":"InternalFailure","message":"x"}' : '<Error><Code>InternalError</Code></Error>',
    ),
  };
}

// --- Jobs ---------------------------------------------------------------------------------------------------

type Tags = Record<string, string>;
interface Change {
  rename?: Record<string, string>;
  set?: Tags;
  remove?: string[];
}

interface Job {
  name: string;
  path: string;
  lines: number;
  windows: number;
  /** Every resource of the job: its first tags, its lines (window and change, in file order), its expected tags. */
  resources: Map<
    string,
    { kind: string; initial: Tags; lines: { line: number; window: number; change: Change }[]; expected: Tags }
  >;
  real: number;
  filler: number;
}

const KINDS_OF_RESOURCE = ['sns', 'sqs', 'role', 'user', 'bucket', 'object'] as const;

function arnOf(kind: string, tag: string, i: number): string {
  switch (kind) {
    case 'sns':
      return `arn:aws:sns:us-east-1:${ACCOUNT}:trust-${tag}-t${i}`;
    case 'sqs':
      return `arn:aws:sqs:us-east-1:${ACCOUNT}:trust-${tag}-q${i}`;
    case 'role':
      return `arn:aws:iam::${ACCOUNT}:role/bench/trust-${tag}-r${i}`;
    case 'user':
      return `arn:aws:iam::${ACCOUNT}:user/trust-${tag}-u${i}`;
    case 'bucket':
      return `arn:aws:s3:::trust-${tag}-b${i}`;
    case 'object':
      return `arn:aws:s3:::trust-${tag}-objects/key-${i}.txt`;
    default:
      throw new Error(kind);
  }
}

let volumes = 0;
const volumeArn = () =>
  `arn:aws:ec2:us-east-1:${ACCOUNT}:volume/vol-${(++volumes).toString(16).padStart(17, '0')}`;

/** A line's change, drawn for window `w` of resource `i`: each one writes something that tells the windows apart. */
const OPERATIONS: ((w: number, i: number) => Change)[] = [
  (w) => ({ set: { stage: `w${w}`, env: 'prod' } }),
  (w) => ({ set: { stage: `w${w}` }, remove: ['env'] }),
  (w) => ({ rename: { old: 'legacy' }, set: { stage: `w${w}` } }),
  (w) => ({ rename: { legacy: 'old' }, set: { stage: `w${w}` } }),
  // Renames a key and sets it again (a rotation): unlike the others, applying it twice is not applying it once, so
  // a line made again on top of its own write shows.
  (w, i) => ({ rename: { old: 'legacy' }, set: { old: `n${i}w${w}` } }),
  (w, i) => ({ set: { owner: `o${i}w${w}`, stage: `w${w}` } }),
  (w) => ({ remove: ['owner', 'legacy'], set: { stage: `w${w}` } }),
  () => ({ remove: ['stage'] }),
];

/** Tags after one line, as src/jobs/plan.ts applies it: rename, set, remove. */
function applyChange(before: Tags, change: Change): Tags {
  const after: Tags = { ...before };
  for (const [from, to] of Object.entries(change.rename ?? {})) {
    if (Object.hasOwn(after, from)) {
      const value = after[from] as string;
      delete after[from];
      after[to] = value;
    }
  }
  Object.assign(after, change.set ?? {});
  for (const key of change.remove ?? []) delete after[key];
  return after;
}

/**
 * A job: `real` resources (of every kind in turn) named once in each window (only in the first half of the last
 * window's size when it is short), EC2 volumes filling each window to its size, all shuffled within the window.
 */
function makeJob(fake: RatedAws, dir: string, tag: string, real: number, windows: number[]): Job {
  const resources: Job['resources'] = new Map();
  const reals = Array.from({ length: real }, (_, i) => {
    const kind = KINDS_OF_RESOURCE[i % KINDS_OF_RESOURCE.length] as string;
    const arn = arnOf(kind, tag, i);
    const initial = { keep: `k-${tag}-${i}`, old: `o${i}`, env: 'dev', stage: 'w0' };
    resources.set(arn, { kind, initial, lines: [], expected: initial });
    return { arn, i };
  });
  const text: string[] = [];
  let filler = 0;
  for (const [index, size] of windows.entries()) {
    const w = index + 1;
    const named = size >= real * 2 ? reals : reals.filter(() => rng() < 0.5);
    const entries: ({ arn: string; i: number } | undefined)[] = [...named];
    while (entries.length < size) entries.push(undefined);
    for (const entry of shuffle(entries)) {
      const line = text.length + 1;
      if (entry) {
        const change = pick(OPERATIONS)(w, entry.i);
        const r = resources.get(entry.arn) as NonNullable<ReturnType<Job['resources']['get']>>;
        r.lines.push({ line, window: w, change });
        r.expected = applyChange(r.expected, change);
        text.push(JSON.stringify({ arn: entry.arn, ...change }));
      } else {
        const arn = volumeArn();
        const change = { set: { filler: tag } };
        const initial = { keep: `k-${arn.slice(-8)}` };
        resources.set(arn, {
          kind: 'volume',
          initial,
          lines: [{ line, window: w, change }],
          expected: applyChange(initial, change),
        });
        text.push(JSON.stringify({ arn, ...change }));
        filler++;
      }
    }
  }
  for (const [arn, r] of resources) fake.create([arn], r.initial);
  const path = join(dir, `${tag}.ndjson`);
  writeFileSync(path, `${text.join('\n')}\n`);
  return { name: tag, path, lines: text.length, windows: windows.length, resources, real, filler };
}

// --- Runs of the CLI ----------------------------------------------------------------------------------------

/** The fake, the proxy in front of it, and the working directory, once started. */
const world = {} as { fake: RatedAws; proxy: FaultProxy; dir: string };

interface RunOut {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
}

interface Started {
  child: ChildProcess;
  done: Promise<RunOut>;
}

let runNumber = 0;

/** Starts a run of the CLI through the proxy, counted in the tally, its standard error kept as runs/NNN.stderr. */
function startCli(tally: Tally, args: string[]): Started {
  const { dir, proxy } = world;
  const endpoint = proxy.endpoint;
  const number = ++runNumber;
  tally.runs++;
  tally.runNumbers.push(number);
  proxy.label = `run ${number}`;
  const started = Date.now();
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('AWS_')) delete env[key];
  // Standard error goes to runs/NNN.stderr whole (the failed lines' errors are the findings' evidence).
  const log = openSync(join(dir, 'runs', `${String(number).padStart(3, '0')}.stderr`), 'w');
  writeSync(log, `${args.join(' ')}\n`);
  const child = spawn(
    process.execPath,
    [
      CLI,
      '--read-timeout',
      '2',
      '--connect-timeout',
      '2',
      '--retry-for',
      String(RETRY_FOR),
      '--max-rate',
      MAX_RATE,
      '--no-progress',
      ...args,
    ],
    {
      env: {
        ...env,
        AWS_ENDPOINT_URL: endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'trust',
        AWS_SECRET_ACCESS_KEY: 'trust',
      },
      stdio: ['ignore', 'ignore', log],
    },
  );
  closeSync(log);
  const done = new Promise<RunOut>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, ms: Date.now() - started })),
  );
  return { child, done };
}

/** `--max-rate`: AWS's rates times RATE_SCALE, as the fake enforces them. */
const MAX_RATE = [
  ['sns:tagging', 10],
  ['sqs:tagging', 5],
  ['ec2:non-mutating', 20],
  ['ec2:mutating', 10],
  ['iam:account', 20],
  ['s3:bucket', 50],
  ['s3:object-read', 5500],
  ['s3:object-write', 3500],
  ['tagging:read', 10],
  ['tagging:write', 5],
  ['sts:calls', 100],
]
  .map(([family, rate]) => `${family}=${(rate as number) * RATE_SCALE}`)
  .join(',');

/** Counts a file's lines as it grows, reading only what is new. */
class LineCounter {
  #position = 0;
  lines = 0;
  /** When the file last grew (as polled). */
  grewAt = Date.now();
  constructor(readonly path: string) {}

  poll(): number {
    let size: number;
    try {
      size = statSync(this.path).size;
    } catch {
      return this.lines;
    }
    if (size < this.#position) {
      this.#position = 0;
      this.lines = 0;
    }
    if (size > this.#position) {
      const fd = openSync(this.path, 'r');
      try {
        const buffer = Buffer.alloc(size - this.#position);
        const n = readSync(fd, buffer, 0, buffer.length, this.#position);
        for (let i = buffer.indexOf(10); i !== -1 && i < n; i = buffer.indexOf(10, i + 1)) this.lines++;
        this.#position += n;
        this.grewAt = Date.now();
      } finally {
        closeSync(fd);
      }
    }
    return this.lines;
  }
}

/** Waits until the journal holds `target` lines or the run ends; true when it got there with the run alive. */
async function untilJournal(counter: LineCounter, target: number, run: Started): Promise<boolean> {
  let ended = false;
  void run.done.then(() => {
    ended = true;
  });
  while (!ended) {
    if (counter.poll() >= target) return true;
    await sleep(10);
  }
  return false;
}

// --- Reports ------------------------------------------------------------------------------------------------

interface Line {
  arn: string;
  window?: number;
  outcome: string;
  error?: { code?: string; message?: string };
}

/** The last line of each write (`arn|window`) of a report: its journal if a run left one, else the JSON report. */
function reportLines(path: string): Map<string, Line> {
  const out = new Map<string, Line>();
  const take = (line: Line) => {
    if (typeof line?.arn === 'string') out.set(`${line.arn}|${line.window ?? ''}`, line);
  };
  if (existsSync(`${path}.journal`)) {
    for (const text of readFileSync(`${path}.journal`, 'utf8').split('\n')) {
      try {
        take(JSON.parse(text) as Line);
      } catch {}
    }
  } else if (existsSync(path)) {
    for (const line of (JSON.parse(readFileSync(path, 'utf8')) as { resources: Line[] }).resources)
      take(line);
  }
  return out;
}

const isDone = (line: Line | undefined) => line?.outcome === 'changed' || line?.outcome === 'unchanged';

/** The job's lines the report does not say are done. */
function linesLeft(job: Job, report: string): number {
  const lines = reportLines(report);
  let left = 0;
  for (const [arn, r] of job.resources)
    for (const l of r.lines) if (!isDone(lines.get(`${arn}|${l.window}`))) left++;
  return left;
}

// --- Scenarios ----------------------------------------------------------------------------------------------

/** What a kill left: the journal's lines, and the tags of the job's resources (not the EC2 filler). */
interface KillSnapshot {
  lines: Map<string, Line>;
  tags: Map<string, Tags | undefined>;
}

/**
 * Lines of the job's resources (the EC2 filler aside) that were written when the run was killed but are not done in
 * its journal: the resource's tags then are its tags after that line (or a later one), and the line changed them.
 */
function unrecorded(job: Job, kill: KillSnapshot): number {
  let count = 0;
  for (const [arn, r] of job.resources) {
    if (r.kind === 'volume') continue;
    const states = [r.initial];
    for (const l of r.lines) states.push(applyChange(states.at(-1) as Tags, l.change));
    const tags = kill.tags.get(arn);
    let k = -1;
    for (let i = states.length - 1; i >= 0; i--) {
      if (sameTags(tags, states[i] as Tags)) {
        k = i;
        break;
      }
    }
    for (let i = 0; i < k; i++) {
      const l = r.lines[i] as (typeof r.lines)[number];
      const changed = !sameTags(states[i + 1], states[i] as Tags);
      if (changed && !isDone(kill.lines.get(`${arn}|${l.window}`))) count++;
    }
  }
  return count;
}

interface Tally {
  name: string;
  /** The runs of the scenario, by number (their standard error is runs/NNN.stderr). */
  runNumbers: number[];
  describe: string;
  runs: number;
  sigkill: number;
  sigint: number;
  codes: Map<string, number>;
  faults: Map<string, number>;
  stsFaults: number;
  requests: number;
  lost: number;
  wrong: number;
  okButWrong: number;
  doubleWrites: number;
  notDone: number;
  /** Kill trials: lines written but not in the journal when a run was killed (SIGINT included). */
  unrecorded: number;
  /** Kill trials: ms between the journal's last growth and each SIGKILL. */
  journalQuiet: number[];
  resources: number;
  lines: number;
  ms: number;
  findings: Finding[];
}

interface Finding {
  scenario: string;
  what: 'lost' | 'wrong' | 'reported ok but wrong' | 'double write' | 'not done';
  arn: string;
  kind: string;
  expected?: Tags;
  actual?: Tags | undefined;
  lines?: { line: number; window: number; change: Change; report?: Line | undefined }[];
  writes?: { delta: number; needed: number };
  note?: string;
  /** What the final tags match: a line applied twice, a line left out... */
  cause?: string;
  /** Kill trials: whether each line was in the journal when the run was killed, and the tags then. */
  atKill?: { kill: number; journal: string[]; tags: Tags | undefined }[];
  /** Faults injected on requests that named the resource. */
  faults?: string[];
  /** The runs' error lines for the resource. */
  errors?: string[];
}

function newTally(name: string, describe: string): Tally {
  return {
    name,
    runNumbers: [],
    describe,
    runs: 0,
    sigkill: 0,
    sigint: 0,
    codes: new Map(),
    faults: new Map(),
    stsFaults: 0,
    requests: 0,
    lost: 0,
    wrong: 0,
    okButWrong: 0,
    doubleWrites: 0,
    notDone: 0,
    unrecorded: 0,
    journalQuiet: [],
    resources: 0,
    lines: 0,
    ms: 0,
    findings: [],
  };
}

function noteExit(tally: Tally, out: RunOut): void {
  const key = out.signal ? `killed (${out.signal})` : String(out.code);
  tally.codes.set(key, (tally.codes.get(key) ?? 0) + 1);
}

async function runToEnd(tally: Tally, args: string[]): Promise<RunOut> {
  const out = await startCli(tally, args).done;
  noteExit(tally, out);
  return out;
}

const sameTags = (a: Tags | undefined, b: Tags) => {
  if (!a) return false;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
};

const applyAll = (initial: Tags, changes: Change[]) => changes.reduce(applyChange, initial);

/**
 * What sequence of the resource's lines gives the tags found: lines j..k applied again right after line k (a write
 * made, then planned and made again), or a line left out; undefined when neither does.
 */
function causeOf(
  initial: Tags,
  lines: { line: number; change: Change }[],
  actual: Tags | undefined,
): string | undefined {
  if (!actual) return undefined;
  const changes = lines.map((l) => l.change);
  for (let span = 0; span < changes.length; span++) {
    for (let k = span; k < changes.length; k++) {
      const j = k - span;
      const sequence = [...changes.slice(0, k + 1), ...changes.slice(j, k + 1), ...changes.slice(k + 1)];
      if (sameTags(actual, applyAll(initial, sequence))) {
        const which = j === k ? `line ${lines[k]?.line}` : `lines ${lines[j]?.line}..${lines[k]?.line}`;
        return `${which} applied twice (made again on top of its own write)`;
      }
    }
  }
  for (let j = 0; j < changes.length; j++) {
    if (
      sameTags(
        actual,
        applyAll(
          initial,
          changes.filter((_, i) => i !== j),
        ),
      )
    )
      return `line ${lines[j]?.line} never applied`;
  }
  return undefined;
}

/** Compares every resource's tags with the expected ones, and with what the final report says. */
function check(fake: RatedAws, job: Job, report: string, tally: Tally, kills: KillSnapshot[] = []): void {
  const lines = reportLines(report);
  tally.resources += job.resources.size;
  tally.lines += job.lines;
  for (const [arn, r] of job.resources) {
    const actual = fake.tagsOf(arn);
    const detail = () => ({
      arn,
      kind: r.kind,
      expected: r.expected,
      actual,
      lines: r.lines.map((l) => ({ ...l, report: lines.get(`${arn}|${l.window}`) })),
      ...(kills.length > 0
        ? {
            atKill: kills.map((k, i) => ({
              kill: i + 1,
              journal: r.lines.map(
                (l) =>
                  `line ${l.line}: ${k.lines.get(`${arn}|${l.window}`)?.outcome ?? 'not in the journal'}`,
              ),
              tags: k.tags.get(arn),
            })),
          }
        : {}),
    });
    const done = r.lines.every((l) => isDone(lines.get(`${arn}|${l.window}`)));
    if (!done) {
      tally.notDone++;
      tally.findings.push({ scenario: tally.name, what: 'not done', ...detail() });
    }
    if (actual?.keep !== r.initial.keep) {
      tally.lost++;
      tally.findings.push({ scenario: tally.name, what: 'lost', ...detail() });
    }
    if (!sameTags(actual, r.expected)) {
      tally.wrong++;
      const cause = causeOf(r.initial, r.lines, actual) ?? 'no single replay or left-out line explains it';
      tally.findings.push({ scenario: tally.name, what: 'wrong', cause, ...detail() });
      if (done) {
        tally.okButWrong++;
        tally.findings.push({ scenario: tally.name, what: 'reported ok but wrong', cause, ...detail() });
      }
    }
  }
}

function addFaults(tally: Tally, proxy: FaultProxy, before: ReturnType<FaultProxy['snapshot']>): void {
  for (const [kind, n] of proxy.faults) {
    const d = n - (before.faults.get(kind) ?? 0);
    if (d > 0) tally.faults.set(kind, (tally.faults.get(kind) ?? 0) + d);
  }
  tally.stsFaults += proxy.stsFaults - before.sts;
  tally.requests += proxy.requests - before.requests;
}

/** (a) Apply at `rate` faults, resume twice with the faults on, then with them off until every line is done. */
async function faultScenario(rate: number): Promise<Tally> {
  const { fake, proxy, dir } = world;
  const percent = Math.round(rate * 100);
  const job = makeJob(fake, dir, `f${percent}`, SIZES.faultReal, SIZES.faultWindows);
  const tally = newTally(
    `faults ${percent}%`,
    `${job.real} resources named in every window + ${job.filler} EC2 volumes; ${job.lines} lines, ${job.windows} windows`,
  );
  const started = Date.now();
  const before = proxy.snapshot();
  const report = join(dir, `${job.name}.json`);
  const log: string[] = [];
  proxy.rate = rate;
  let out = await runToEnd(tally, ['apply', job.path, '--report', report, '-o', 'json']);
  log.push(
    `apply ${out.code ?? out.signal} ${(out.ms / 1000).toFixed(1)} s, ${linesLeft(job, report)} lines left`,
  );
  for (let resume = 1; resume <= 8 && linesLeft(job, report) > 0; resume++) {
    proxy.rate = resume <= 2 ? rate : 0;
    out = await runToEnd(tally, ['apply', job.path, '--resume', report, '-o', 'json']);
    log.push(
      `resume (faults ${proxy.rate > 0 ? 'on' : 'off'}) ${out.code ?? out.signal} ${(out.ms / 1000).toFixed(1)} s, ${linesLeft(job, report)} lines left`,
    );
  }
  proxy.rate = 0;
  await proxy.idle();
  addFaults(tally, proxy, before);
  check(fake, job, report, tally);
  tally.ms = Date.now() - started;
  tally.describe += `\n  runs: ${log.join('; ')}`;
  return tally;
}

/** Writes a single run would make for the lines the journal does not say are done, from the tags as they are. */
function writesNeeded(fake: RatedAws, job: Job, report: string): Map<string, number> {
  const lines = reportLines(report);
  const needed = new Map<string, number>();
  for (const [arn, r] of job.resources) {
    let tags = fake.tagsOf(arn) ?? {};
    let n = 0;
    for (const l of r.lines) {
      if (isDone(lines.get(`${arn}|${l.window}`))) continue;
      const after = applyChange(tags, l.change);
      const sets = Object.entries(after).some(([k, v]) => tags[k] !== v);
      const removes = Object.keys(tags).some((k) => !Object.hasOwn(after, k));
      n += (sets ? 1 : 0) + (removes ? 1 : 0);
      tags = after;
    }
    needed.set(arn, n);
  }
  return needed;
}

/** A kill target: the journal's line count at which to kill, sometimes near a window's end. */
function killTarget(job: Job, from: number): number {
  const last = from + job.lines;
  if (chance() < 0.4) {
    const boundaries = Array.from({ length: job.windows - 1 }, (_, i) => from + (i + 1) * WINDOW).filter(
      (b) => b < last,
    );
    if (boundaries.length > 0) return Math.max(from + 1, pick(boundaries, chance) + between(-150, 50));
  }
  return between(from + 1, Math.max(from + 1, last - 50));
}

/** Starts a run and kills it with `signal` once its journal reaches a random line count; the journal's lines then. */
async function killedRun(
  tally: Tally,
  job: Job,
  report: string,
  args: string[],
  signal: NodeJS.Signals,
  kills: KillSnapshot[],
): Promise<{ killed: boolean; at: number; out: RunOut; note: string }> {
  const { fake, proxy } = world;
  const counter = new LineCounter(`${report}.journal`);
  // A resume of a finished (interrupted) report starts its journal with the done lines copied in.
  const from = counter.poll() || reportLines(report).size;
  const target = killTarget(job, from);
  const run = startCli(tally, args);
  const reached = await untilJournal(counter, target, run);
  let killed = false;
  let quiet = 0;
  if (reached) {
    // A random moment after the journal got there: up to a quarter of a second more.
    if (chance() < 0.5) await sleep(chance() * 250);
    counter.poll();
    quiet = Date.now() - counter.grewAt;
    killed = run.child.kill(signal);
    if (killed) {
      if (signal === 'SIGKILL') tally.sigkill++;
      else tally.sigint++;
    }
  }
  const out = await run.done;
  noteExit(tally, out);
  await proxy.idle();
  let note = '';
  if (killed) {
    // What the kill left, for the findings: the journal (kept beside the report) and the tags then.
    const journal = `${report}.journal`;
    if (existsSync(journal)) copyFileSync(journal, `${report}.kill${kills.length + 1}.journal`);
    const tags = new Map<string, Tags | undefined>();
    for (const [arn, r] of job.resources) if (r.kind !== 'volume') tags.set(arn, fake.tagsOf(arn));
    const kill = { lines: reportLines(report), tags };
    kills.push(kill);
    const lag = unrecorded(job, kill);
    tally.unrecorded += lag;
    if (signal === 'SIGKILL') tally.journalQuiet.push(quiet);
    note = ` (journal last grew ${quiet} ms before; ${lag} lines written but not in the journal)`;
  }
  return { killed, at: counter.poll() - from, out, note };
}

/** (b) Kill trials: kill at a random moment (sometimes the first resume too, sometimes two resumes at once). */
async function killTrials(): Promise<Tally> {
  const { fake, proxy, dir } = world;
  const tally = newTally('kill trials', '');
  const started = Date.now();
  const before = proxy.snapshot();
  const log: string[] = [];
  let twoResumeTrials = 0;
  let jobLines = 0;
  let jobReal = 0;
  let jobFiller = 0;
  proxy.rate = 0;
  for (let trial = 1; trial <= SIZES.trials; trial++) {
    const job = makeJob(fake, dir, `k${trial}`, SIZES.killReal, SIZES.killWindows);
    jobLines = job.lines;
    jobReal = job.real;
    jobFiller = job.filler;
    const report = join(dir, `${job.name}.json`);
    const signal: NodeJS.Signals = trial % 4 === 0 ? 'SIGINT' : 'SIGKILL';
    const steps: string[] = [];
    const kills: KillSnapshot[] = [];
    const first = await killedRun(
      tally,
      job,
      report,
      ['apply', job.path, '--report', report, '-o', 'json'],
      signal,
      kills,
    );
    steps.push(
      `${signal} at ${first.at} journal lines${first.note} -> ${first.out.signal ?? first.out.code}`,
    );
    const resumeArgs = ['apply', job.path, '--resume', report, '-o', 'json'];
    if (trial % 3 === 2 && linesLeft(job, report) > 0) {
      const again: NodeJS.Signals = chance() < 0.25 ? 'SIGINT' : 'SIGKILL';
      const second = await killedRun(tally, job, report, resumeArgs, again, kills);
      steps.push(`resume ${again} at +${second.at}${second.note} -> ${second.out.signal ?? second.out.code}`);
    }
    if (trial % 4 === 1 || trial % 4 === 2) {
      // Two resumes at once: one takes the report, the other is exit 2; between them, each write once.
      twoResumeTrials++;
      const needed = writesNeeded(fake, job, report);
      const writesBefore = new Map([...job.resources.keys()].map((arn) => [arn, fake.writesOf(arn)]));
      const a = startCli(tally, resumeArgs);
      const b = startCli(tally, resumeArgs);
      proxy.label = `runs ${runNumber - 1} and ${runNumber}`;
      const [outA, outB] = await Promise.all([a.done, b.done]);
      noteExit(tally, outA);
      noteExit(tally, outB);
      await proxy.idle();
      let doubled = 0;
      for (const [arn, r] of job.resources) {
        const delta = fake.writesOf(arn) - (writesBefore.get(arn) ?? 0);
        const need = needed.get(arn) ?? 0;
        if (delta > need) {
          doubled++;
          tally.doubleWrites++;
          tally.findings.push({
            scenario: tally.name,
            what: 'double write',
            arn,
            kind: r.kind,
            writes: { delta, needed: need },
            note: `trial ${trial}`,
          });
        }
      }
      steps.push(
        `two resumes -> ${outA.code ?? outA.signal} and ${outB.code ?? outB.signal}, ${doubled} written twice`,
      );
    }
    let resumes = 0;
    while (linesLeft(job, report) > 0 && resumes < 5) {
      resumes++;
      const out = await runToEnd(tally, resumeArgs);
      steps.push(`resume -> ${out.code ?? out.signal}`);
    }
    await proxy.idle();
    const wrongBefore = tally.wrong;
    check(fake, job, report, tally, kills);
    for (const f of tally.findings) if (f.scenario === tally.name && !f.note) f.note = `trial ${trial}`;
    log.push(
      `  ${trial}: ${steps.join('; ')}${tally.wrong > wrongBefore ? `; ${tally.wrong - wrongBefore} wrong` : ''}`,
    );
  }
  addFaults(tally, proxy, before);
  tally.ms = Date.now() - started;
  tally.describe = `${SIZES.trials} trials (${twoResumeTrials} with two resumes at once), each a new job of ${jobReal} resources named in every window + ${jobFiller} EC2 volumes, ${jobLines} lines; no faults\n${log.join('\n')}`;
  return tally;
}

// --- Printing -----------------------------------------------------------------------------------------------

const n = (x: number) => x.toLocaleString('en-US');

function print(t: Tally): void {
  console.log(`\n== ${t.name}: ${t.describe}`);
  const codes = [...t.codes].map(([code, count]) => `${code} x${count}`).join(', ');
  console.log(
    `runs ${t.runs} | kills: SIGKILL ${t.sigkill}, SIGINT ${t.sigint} | exit codes: ${codes} | wall ${(t.ms / 1000).toFixed(1)} s`,
  );
  const total = [...t.faults.values()].reduce((a, b) => a + b, 0);
  const kinds = KINDS.filter((k) => t.faults.has(k))
    .map((k) => `${k} ${n(t.faults.get(k) ?? 0)}`)
    .join(', ');
  console.log(
    `faults injected: ${n(total)} of ${n(t.requests)} requests${total ? ` (${kinds}); on STS GetCallerIdentity ${t.stsFaults}` : ''}`,
  );
  console.log(
    `resources checked ${n(t.resources)}, job lines ${n(t.lines)} | tags lost ${t.lost} | written wrong ${t.wrong} | reported ok but wrong ${t.okButWrong} | double writes ${t.doubleWrites} | lines not done at the end ${t.notDone}`,
  );
  if (t.sigkill + t.sigint > 0) {
    const quiet = [...t.journalQuiet].sort((x, y) => x - y);
    const at = (q: number) => quiet[Math.min(quiet.length - 1, Math.floor(q * quiet.length))] ?? 0;
    console.log(
      `at the kills: ${t.unrecorded} lines (of the resources, the EC2 filler aside) written but not yet in the journal; journal quiet before a SIGKILL: median ${at(0.5)} ms, max ${at(1)} ms`,
    );
  }
}

function total(tallies: Tally[]): Tally {
  const all = newTally('total', `${tallies.map((t) => t.name).join(', ')}`);
  for (const t of tallies) {
    for (const key of [
      'runs',
      'sigkill',
      'sigint',
      'stsFaults',
      'requests',
      'lost',
      'wrong',
      'okButWrong',
      'doubleWrites',
      'notDone',
      'unrecorded',
      'resources',
      'lines',
      'ms',
    ] as const)
      all[key] += t[key];
    for (const [k, v] of t.codes) all.codes.set(k, (all.codes.get(k) ?? 0) + v);
    for (const [k, v] of t.faults) all.faults.set(k, (all.faults.get(k) ?? 0) + v);
    all.findings.push(...t.findings);
    all.journalQuiet.push(...t.journalQuiet);
  }
  return all;
}

/** The name a request gives the resource by: its ARN's last part (an S3 object: bucket/key). */
function shortName(arn: string): string {
  if (arn.startsWith('arn:aws:s3:::')) return arn.slice('arn:aws:s3:::'.length);
  const resource = arn.split(':').slice(5).join(':');
  return resource.slice(resource.lastIndexOf('/') + 1);
}

/** Adds to each finding the faults injected on requests naming its resource, and the runs' error lines for it. */
function enrich(findings: Finding[], tallies: Tally[]): void {
  const runsOf = new Map(tallies.map((t) => [t.name, t.runNumbers]));
  const stderr = new Map<number, string[]>();
  const linesOf = (run: number) => {
    let lines = stderr.get(run);
    if (!lines) {
      const path = join(world.dir, 'runs', `${String(run).padStart(3, '0')}.stderr`);
      lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
      stderr.set(run, lines);
    }
    return lines;
  };
  for (const f of findings) {
    const name = shortName(f.arn).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const named = new RegExp(`(^|[^A-Za-z0-9_.-])${name}($|[^A-Za-z0-9_.-])`);
    f.faults = world.proxy.log
      .filter((e) => named.test(e.text))
      .map((e) => `${e.label}: ${e.kind} on ${e.operation}`);
    f.errors = [];
    for (const run of runsOf.get(f.scenario) ?? []) {
      for (const line of linesOf(run)) {
        if (line.startsWith(`unitag: ${f.arn}: `))
          f.errors.push(`run ${run}: ${line.slice(`unitag: ${f.arn}: `.length, 700)}`);
      }
    }
  }
}

function printFindings(findings: Finding[]): void {
  if (findings.length === 0) return;
  const causes = new Map<string, number>();
  for (const f of findings) {
    if (f.what !== 'wrong') continue;
    const key = `${f.scenario}: ${f.cause?.replace(/lines? [\d.]+ /, 'a line ') ?? '?'}`;
    causes.set(key, (causes.get(key) ?? 0) + 1);
  }
  if (causes.size > 0) {
    console.log('\nWritten wrong, by what the final tags match:');
    for (const [cause, count] of causes) console.log(`  ${cause}: ${count}`);
  }
  console.log('\nFindings (at most 3 of each scenario and kind; every one is in findings.json):');
  const shown = new Map<string, number>();
  for (const f of findings) {
    const key = `${f.scenario}|${f.what}`;
    if ((shown.get(key) ?? 0) >= 3) continue;
    shown.set(key, (shown.get(key) ?? 0) + 1);
    console.log(`- ${f.scenario}, ${f.what}: ${f.arn} (${f.kind})${f.note ? `, ${f.note}` : ''}`);
    if (f.cause) console.log(`    cause: ${f.cause}`);
    if (f.writes) console.log(`    writes ${f.writes.delta} where ${f.writes.needed} were needed`);
    if (f.expected)
      console.log(`    expected ${JSON.stringify(f.expected)}\n    actual   ${JSON.stringify(f.actual)}`);
    for (const l of f.lines ?? []) {
      const r = l.report;
      const said = r
        ? `${r.outcome}${r.error ? ` ${r.error.code}: ${(r.error.message ?? '').slice(0, 200)}` : ''}`
        : 'no report line';
      console.log(
        `    line ${l.line} (window ${l.window}) ${JSON.stringify(l.change)} -> final report: ${said}`,
      );
    }
    for (const k of f.atKill ?? [])
      console.log(`    at kill ${k.kill}: journal ${k.journal.join(', ')}; tags ${JSON.stringify(k.tags)}`);
    for (const fault of (f.faults ?? []).slice(0, 8)) console.log(`    fault: ${fault}`);
    if ((f.faults?.length ?? 0) > 8) console.log(`    ... ${(f.faults?.length ?? 0) - 8} more faults`);
    for (const error of (f.errors ?? []).slice(0, 6)) console.log(`    error: ${error}`);
  }
}

// --- Main ---------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  if (!existsSync(CLI)) {
    console.error(`bench/trust.ts: ${CLI} is missing: run npm run build first`);
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'unitag-trust-'));
  mkdirSync(join(dir, 'runs'));
  // The runs use a copy of dist/ as it is now: a rebuild by someone else while this runs changes nothing here.
  const built = Math.max(
    ...readdirSync(join(ROOT, 'dist/src'), { recursive: true }).map(
      (f) => statSync(join(ROOT, 'dist/src', String(f))).mtimeMs,
    ),
  );
  const copy = join(dir, 'unitag');
  cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  CLI = join(copy, 'dist/bin/cli.js');
  console.log(`unitag trust harness (${QUICK ? 'quick' : 'full'}), seed ${SEED}, working directory ${dir}`);
  console.log(`CLI: a copy of dist/ (newest file built ${new Date(built).toISOString()})`);
  console.log(
    `rated fake at ${RATE_SCALE}x AWS's rates (CLI --max-rate alike), CLI --read-timeout 2 --connect-timeout 2 --retry-for ${RETRY_FOR}`,
  );
  const fake = await startRatedAws({ rateScale: RATE_SCALE, latencyMs: 2 });
  const proxy = new FaultProxy(fake.endpoint);
  await proxy.start();
  Object.assign(world, { fake, proxy, dir });
  const started = Date.now();
  const tallies: Tally[] = [];
  try {
    for (const rate of [0.3, 0.6]) {
      const t = await faultScenario(rate);
      print(t);
      tallies.push(t);
    }
    const t = await killTrials();
    print(t);
    tallies.push(t);
  } finally {
    await proxy.close();
    await fake.close();
  }
  const all = total(tallies);
  all.ms = Date.now() - started;
  print(all);
  const unknown = fake.unknown();
  if (Object.keys(unknown).length > 0)
    console.log(`requests the fake could not answer: ${JSON.stringify(unknown)}`);
  enrich(all.findings, tallies);
  writeFileSync(join(dir, 'findings.json'), JSON.stringify(all.findings, null, 1));
  printFindings(all.findings);
  const bad = all.lost + all.wrong + all.okButWrong + all.doubleWrites + all.notDone;
  console.log(
    bad === 0 ? '\nAll counts 0.' : `\nNot all counts are 0: see above and ${join(dir, 'findings.json')}.`,
  );
  return bad === 0 ? 0 : 1;
}

process.exitCode = await main();
