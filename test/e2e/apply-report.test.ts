// `apply` with a report, run as its own process against the rated fake AWS behind a proxy that counts requests
// and can break STS: what is found before any call, and the job's identity when STS fails in passing or for good.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RatedAws, startRatedAws } from '../../bench/rated-aws.js';

const root = new URL('../..', import.meta.url).pathname;
const cli = join(root, 'dist/bin/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'unitag-apply-report-'));

let fake: RatedAws;
let proxy: Server;
let endpoint = '';
/** Requests the proxy saw, STS's included. */
let requests: string[] = [];
/** How STS is answered: as AWS would, or broken (`503` n times, or an empty 200 every time). */
let sts: { fail: '503' | 'empty'; times: number } | undefined;

beforeAll(async () => {
  fake = await startRatedAws({ rateScale: 50, latencyMs: 1 });
  const target = new URL(fake.endpoint);
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const isSts = body.toString('utf8').includes('Action=GetCallerIdentity');
      requests.push(isSts ? 'GetCallerIdentity' : `${req.method} ${req.url}`);
      if (isSts && sts && sts.times > 0) {
        sts.times--;
        if (sts.fail === '503') {
          res.writeHead(503, { 'content-type': 'text/xml' });
          res.end(
            '<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error></ErrorResponse>',
          );
        } else {
          res.writeHead(200, { 'content-type': 'text/xml' });
          res.end('');
        }
        return;
      }
      const forward = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
  await fake.close();
});
beforeEach(() => {
  requests = [];
  sts = undefined;
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function unitag(args: string[]): Promise<Run> {
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'a',
    AWS_SECRET_ACCESS_KEY: 'b',
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, '--max-rate', 'aws', ...args], { env }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

let n = 0;
/** A job of `count` topics setting `env=prod`, made to exist in the fake; its path, report path and ARNs. */
function job(count: number): { path: string; report: string; arns: string[] } {
  const run = `j${++n}`;
  const arns = Array.from({ length: count }, (_, i) => `arn:aws:sns:us-east-1:123456789012:${run}-${i}`);
  fake.create(arns);
  const path = join(dir, `${run}.ndjson`);
  writeFileSync(path, `${arns.map((arn) => JSON.stringify({ arn, set: { env: 'prod' } })).join('\n')}\n`);
  return { path, report: join(dir, `${run}.json`), arns };
}

describe('apply --report: found before any call', () => {
  it('a job of bad lines only is exit 2, each line said, and no request is sent (not even STS)', async () => {
    const path = join(dir, 'bad.ndjson');
    writeFileSync(
      path,
      '{"arn":"nope","set":{"a":"1"}}\n{"arn":"arn:aws:sns:us-east-1:123456789012:t","set":{"aws:x":"1"}}\n',
    );
    const run = await unitag(['apply', path, '--report', join(dir, 'bad.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path}:1: InvalidArn`);
    expect(run.stderr).toContain(`${path}:2: ReservedKey`);
    expect(requests).toEqual([]);
  });

  it('a link planted where the journal goes is exit 2, named as a link, and no request is sent', async () => {
    const { path, report } = job(2);
    symlinkSync(join(dir, 'elsewhere'), `${report}.journal`);
    const run = await unitag(['apply', path, '--report', report]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${report}.journal is a link, not a journal unitag wrote`);
    expect(requests).toEqual([]);
  });
});

describe("apply --resume: the job's identity when STS fails", () => {
  it('an STS fault in passing (a 503, an empty 200) is asked again: the resume goes on, never "another job"', async () => {
    for (const fail of ['503', 'empty'] as const) {
      // Prepare: a finished run, then a resume whose first two STS answers are broken.
      const { path, report } = job(3);
      expect((await unitag(['apply', path, '--report', report])).code).toBe(0);
      sts = { fail, times: 2 };
      // Act
      const run = await unitag(['apply', path, '--resume', report]);
      // Assess
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).not.toContain('another job');
      expect(sts.times).toBe(0);
    }
  });

  it('STS broken for good: exit 1, saying the report could not be checked, with no write', async () => {
    const { path, report, arns } = job(3);
    writeFileSync(
      `${report}.journal`,
      `${JSON.stringify({ unitag: 'journal', version: 2, command: 'apply' })}\n`,
    );
    sts = { fail: 'empty', times: Number.POSITIVE_INFINITY };
    const run = await unitag(['apply', path, '--resume', report]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `cannot check that ${report} belongs to this job: STS GetCallerIdentity failed 3 times`,
    );
    expect(run.stderr).not.toContain('another job');
    expect(requests.filter((r) => r !== 'GetCallerIdentity')).toEqual([]);
    for (const arn of arns) expect(fake.tagsOf(arn)).toEqual({});
  });

  it('a report written while STS was down (its identity without the account) is resumed once STS answers', async () => {
    // Prepare: the first run's STS answers are all broken; it says so, runs, and writes its report.
    const { path, report, arns } = job(3);
    sts = { fail: 'empty', times: Number.POSITIVE_INFINITY };
    const first = await unitag(['apply', path, '--report', report]);
    expect(first.stderr).toContain("the report's job identity leaves out the account");
    expect(JSON.parse(readFileSync(report, 'utf8')).job.account).toBeUndefined();
    sts = undefined;
    // Act
    const run = await unitag(['apply', path, '--resume', report]);
    // Assess
    expect(run.code, run.stderr).toBe(0);
    for (const arn of arns) expect(fake.tagsOf(arn)).toEqual({ env: 'prod' });
  });
});
