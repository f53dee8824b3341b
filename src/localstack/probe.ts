// One cheap call to each service asked for, once the health check says it is up: LocalStack says "running" for a
// service whose backend cannot start (DynamoDB without the Java it failed to install), which then fails every call.
import { existsSync, readFileSync } from 'node:fs';
import { startFailure } from './services.js';

/** A request LocalStack routes to one service: its signing name, and the call. */
interface Probe {
  signing: string;
  operation: string;
  method?: 'GET' | 'POST';
  path?: string;
  /** Query protocol: the form's Action and Version. */
  query?: string;
  /** JSON protocols: X-Amz-Target and the JSON version. */
  target?: string;
  json?: '1.0' | '1.1';
}

/** The call each service answers (read-only, one item at most), by LocalStack's service name. */
const PROBES: Readonly<Record<string, Probe>> = {
  sns: { signing: 'sns', operation: 'ListTopics', query: 'Version=2010-03-31' },
  sqs: { signing: 'sqs', operation: 'ListQueues', query: 'Version=2012-11-05' },
  ec2: { signing: 'ec2', operation: 'DescribeRegions', query: 'Version=2016-11-15' },
  iam: { signing: 'iam', operation: 'ListRoles', query: 'Version=2010-05-08&MaxItems=1' },
  sts: { signing: 'sts', operation: 'GetCallerIdentity', query: 'Version=2011-06-15' },
  cloudwatch: { signing: 'monitoring', operation: 'ListDashboards', query: 'Version=2010-08-01' },
  cloudformation: { signing: 'cloudformation', operation: 'ListStacks', query: 'Version=2010-05-15' },
  s3: { signing: 's3', operation: 'ListBuckets', method: 'GET', path: '/' },
  lambda: {
    signing: 'lambda',
    operation: 'ListFunctions',
    method: 'GET',
    path: '/2015-03-31/functions/?MaxItems=1',
  },
  logs: { signing: 'logs', operation: 'DescribeLogGroups', target: 'Logs_20140328', json: '1.1' },
  kms: { signing: 'kms', operation: 'ListKeys', target: 'TrentService', json: '1.1' },
  secretsmanager: {
    signing: 'secretsmanager',
    operation: 'ListSecrets',
    target: 'secretsmanager',
    json: '1.1',
  },
  ssm: { signing: 'ssm', operation: 'DescribeParameters', target: 'AmazonSSM', json: '1.1' },
  kinesis: { signing: 'kinesis', operation: 'ListStreams', target: 'Kinesis_20131202', json: '1.1' },
  events: { signing: 'events', operation: 'ListEventBuses', target: 'AWSEvents', json: '1.1' },
  resourcegroupstaggingapi: {
    signing: 'tagging',
    operation: 'GetTagKeys',
    target: 'ResourceGroupsTaggingAPI_20170126',
    json: '1.1',
  },
  stepfunctions: {
    signing: 'states',
    operation: 'ListStateMachines',
    target: 'AWSStepFunctions',
    json: '1.0',
  },
  dynamodb: { signing: 'dynamodb', operation: 'ListTables', target: 'DynamoDB_20120810', json: '1.0' },
};

/** Tries a service this many times, a second apart, before it is taken as failed. */
const ATTEMPTS = 3;

/** What a service answered: its HTTP status, or why there was no answer. */
export interface ProbeAnswer {
  service: string;
  operation: string;
  status?: number;
  failure?: string;
}

/**
 * Makes each service's cheap call (services without one here are left to the health check); resolves with the
 * answers once every one answered (any status below 500: an AWS error is an answer), else throws `start-failed`
 * naming the service, its answer, and the lines of the log that say why (an install or a download that failed).
 */
export async function probeServices(
  endpoint: string,
  services: readonly string[],
  timeoutMs: number,
  embedded: { logFile: string } | undefined,
): Promise<ProbeAnswer[]> {
  const deadline = Date.now() + timeoutMs;
  const answers = await Promise.all(
    services.filter((s) => Object.hasOwn(PROBES, s)).map((s) => probe(endpoint, s, deadline)),
  );
  const failed = answers.filter((a) => a.failure !== undefined);
  if (failed.length === 0) return answers;
  const said = failed.map((a) => `${a.service} (${a.operation}: ${a.failure})`).join('; ');
  const cause = causeInLog(embedded?.logFile);
  throw startFailure(
    `LocalStack says ${failed.map((a) => a.service).join(', ')} ${failed.length === 1 ? 'is' : 'are'} running, ` +
      `but ${failed.length === 1 ? 'it fails' : 'they fail'} a first call: ${said}` +
      (cause ? `. The log says why:\n${cause}\n` : ''),
    embedded,
  );
}

async function probe(endpoint: string, service: string, deadline: number): Promise<ProbeAnswer> {
  const p = PROBES[service] as Probe;
  let failure = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const left = Math.max(1000, deadline - Date.now());
      const response = await fetch(`${endpoint}${p.path ?? '/'}`, {
        ...request(p),
        signal: AbortSignal.timeout(Math.min(left, 60_000)),
      });
      const body = await response.text();
      if (response.status < 500) return { service, operation: p.operation, status: response.status };
      failure = `HTTP ${response.status} ${body.replace(/\s+/g, ' ').slice(0, 200)}`;
    } catch (error) {
      failure = (error as Error).message;
    }
    if (attempt < ATTEMPTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1000));
  }
  return { service, operation: p.operation, failure };
}

/** The request: a signature LocalStack reads the service from (it does not check it), and the call. */
function request(p: Probe): RequestInit {
  const date = '20260101T000000Z';
  const headers: Record<string, string> = {
    authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${p.signing}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0`,
    'x-amz-date': date,
  };
  if (p.query !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    return { method: 'POST', headers, body: `Action=${p.operation}&${p.query}` };
  }
  if (p.target !== undefined) {
    headers['content-type'] = `application/x-amz-json-${p.json}`;
    headers['x-amz-target'] = `${p.target}.${p.operation}`;
    return { method: 'POST', headers, body: '{}' };
  }
  return { method: p.method ?? 'GET', headers };
}

/** The lines of the log that say what failed (an install, a download, a process), the last 8 of them. */
export function causeInLog(logFile: string | undefined): string {
  if (!logFile || !existsSync(logFile)) return '';
  const lines = readFileSync(logFile, 'utf8').split('\n');
  const telling = /(install\w*|download\w*) .*fail|fail\w* to (install|download|start)|not found|exception/i;
  return lines
    .filter((line) => telling.test(line))
    .slice(-8)
    .join('\n');
}
