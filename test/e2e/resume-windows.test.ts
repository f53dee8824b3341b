// The built CLI on jobs that name a resource in two windows (5,000 lines each), against the rated fake AWS: a
// run killed while the first window is still writing, then resumed, applies every line once, in file order;
// two resumes started at once do the work left once; output and report count the same writes.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RatedAws, startRatedAws } from '../../bench/rated-aws.js';
import { createIam, createTopic } from '../../fixtures/aws-resources.js';
import { awsConfig, endpoint, localTagger, uniqueName } from '../helpers.js';

const root = new URL('../..', import.meta.url).pathname;
const cli = join(root, 'dist/bin/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'unitag-windows-'));
const WINDOW = 5_000;

let fake: RatedAws;
const topic = (run: string) => `arn:aws:sns:us-east-1:123456789012:${run}-twice`;
// Fillers are EC2 volumes, written 1,000 a call: the job's shape without its minutes.
const volume = (run: string, i: number) =>
  `arn:aws:ec2:us-east-1:123456789012:volume/vol-${run}${i.toString(16).padStart(15, '0')}`;

beforeAll(async () => {
  fake = await startRatedAws({ rateScale: 50, latencyMs: 1 });
});
afterAll(() => fake.close());

interface Job {
  path: string;
  /** The resource the job names at line 1 and again in the second window. */
  twice: string;
  /** The resource whose write is held (never answered) in the first window. */
  stuck: string;
  fillers: string[];
}

/**
 * An NDJSON job: line 1 sets `a=1` on `twice`; lines 2..5000 set `cost` on fillers (one of them `stuck`); line
 * 5001 sets `b=2` on `twice`; then 99 more fillers.
 */
function job(run: string): Job {
  const twice = topic(run);
  const fillers = Array.from({ length: WINDOW + 98 }, (_, i) => volume(run, i + 1));
  fake.create([twice, ...fillers], { keep: 'k' });
  const line = (arn: string, set: Record<string, string>) => JSON.stringify({ arn, set });
  const lines = [
    line(twice, { a: '1' }),
    ...fillers.slice(0, WINDOW - 1).map((arn) => line(arn, { cost: run })),
    line(twice, { b: '2' }),
    ...fillers.slice(WINDOW - 1).map((arn) => line(arn, { cost: run })),
  ];
  const path = join(dir, `${run}.ndjson`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  const stuck = fillers[WINDOW - 100] as string;
  return { path, twice, stuck: stuck.slice(stuck.lastIndexOf('/') + 1), fillers };
}

function start(
  args: string[],
  awsEndpoint = fake.endpoint,
): {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
} {
  const child = spawn(process.execPath, [cli, '--max-rate', 'aws', ...args], {
    env: {
      ...process.env,
      AWS_ENDPOINT_URL: awsEndpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'a',
      AWS_SECRET_ACCESS_KEY: 'b',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

/**
 * Resolves once `test` holds; throws if `child` (the run that makes it hold) ends first. No deadline of its own:
 * a loaded machine takes longer to get there, and the test's timeout bounds a hang.
 */
async function until(what: string, test: () => boolean, child: ChildProcess): Promise<void> {
  for (;;) {
    if (test()) return;
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the run ended (exit ${child.exitCode ?? child.signalCode}) before ${what} appeared`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');

/** Starts the job with a report, and kills it (SIGKILL) once `twice`'s first line is written and recorded. */
async function killedInFirstWindow(run: string): Promise<{ job: Job; report: string }> {
  const j = job(run);
  const report = join(dir, `${run}.json`);
  fake.hold = { operations: new Set(['ec2:CreateTags']), text: j.stuck };
  const first = start(['apply', j.path, '--report', report, '-o', 'json']);
  // The first window cannot end (one of its writes is never answered), so the second has not started.
  await until(
    `the journal line of ${j.twice}`,
    () => read(`${report}.journal`).includes(`"arn":"${j.twice}"`),
    first.child,
  );
  first.child.kill('SIGKILL');
  await first.done;
  fake.hold = undefined;
  expect(fake.tagsOf(j.twice)).toEqual({ keep: 'k', a: '1' });
  return { job: j, report };
}

describe('a resource named in two windows', () => {
  it('killed while the first window writes, --resume applies its later line too, in file order', async () => {
    // Prepare
    const { job: j, report } = await killedInFirstWindow('a1');
    // Act
    const resumed = await start(['apply', j.path, '--resume', report, '-o', 'json']).done;
    // Assess
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(fake.tagsOf(j.twice)).toEqual({ keep: 'k', a: '1', b: '2' });
    for (const arn of j.fillers) expect(fake.tagsOf(arn)).toEqual({ keep: 'k', cost: 'a1' });
    const json = JSON.parse(readFileSync(report, 'utf8'));
    const lines = json.resources.filter((r: { arn: string }) => r.arn === j.twice);
    expect(lines.map((r: { window: number; outcome: string }) => [r.window, r.outcome])).toEqual([
      [1, 'changed'],
      [2, 'changed'],
    ]);
    // One meaning of the totals: a line per write, in the output and the report alike.
    const output = JSON.parse(resumed.stdout);
    // (A write the killed run made without recording it is planned again, and found unchanged.)
    expect(json.totals).toMatchObject({ total: WINDOW + 100, failed: 0, skipped: 0 });
    expect(json.totals.changed + json.totals.unchanged).toBe(WINDOW + 100);
    expect(output.totals).toEqual(json.totals);
    expect(json.resources).toHaveLength(json.totals.total);
    expect(output.resources).toHaveLength(output.totals.total);
  }, 120_000);

  it('two resumes started at once: one does the work left, once; the other is exit 2 at once, naming it', async () => {
    // Prepare
    const { job: j, report } = await killedInFirstWindow('b2');
    const all = [j.twice, ...j.fillers];
    const before = new Map(all.map((arn) => [arn, fake.writesOf(arn)]));
    // Act
    const [a, b] = await Promise.all([
      start(['apply', j.path, '--resume', report]).done,
      start(['apply', j.path, '--resume', report]).done,
    ]);
    // Assess
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 2]);
    const loser = a.code === 2 ? a : b;
    // It names the winner, or, when it looked while the winner was still writing its lock file, says that.
    expect(loser.stderr).toMatch(
      new RegExp(
        `the report ${report} is in use by (unitag process \\d+ on ${hostname()}|another unitag process: wait for that run to end \\(its lock file ${report}\\.lock is being written)`,
      ),
    );
    // No resource is written twice by the two runs: the twice-named one once per window at most, the others once.
    const twice = all.filter((arn) => fake.writesOf(arn) - (before.get(arn) ?? 0) > 1);
    expect(twice).toEqual([]);
    expect(fake.writesOf(j.twice) - (before.get(j.twice) ?? 0)).toBe(1); // its second window's line
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json.totals).toMatchObject({ total: WINDOW + 100, failed: 0, skipped: 0 });
    expect(fake.tagsOf(j.twice)).toEqual({ keep: 'k', a: '1', b: '2' });
    expect(existsSync(`${report}.lock`)).toBe(false);
  }, 120_000);
});

describe('on LocalStack, through a proxy that holds one write', () => {
  it("killed while the first window writes, --resume applies a role's later line too", async () => {
    // Prepare: line 1 tags a role, lines 2-5000 a topic (one write: one resource in one window), line 5001 the
    // role again. The proxy never answers the topic's write, so the first window cannot end.
    const role = await createIam(awsConfig(), 'role', uniqueName('twice'));
    const topicArn = await createTopic(awsConfig(), uniqueName('stuck'));
    const lines = [
      JSON.stringify({ arn: role, set: { a: '1' } }),
      ...Array.from({ length: WINDOW - 1 }, (_, i) => JSON.stringify({ arn: topicArn, set: { n: `${i}` } })),
      JSON.stringify({ arn: role, set: { b: '2' } }),
    ];
    const path = join(dir, 'localstack.ndjson');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const report = join(dir, 'localstack.json');
    const target = new URL(endpoint());
    let holding = true;
    const proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const write =
          /Action=TagResource&|TagResources/.test(body) || req.headers['x-amz-target'] !== undefined;
        if (
          holding &&
          write &&
          decodeURIComponent(body).includes(topicArn) &&
          !/GetResources|ListTags/.test(body + String(req.headers['x-amz-target']))
        )
          return;
        const forward = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: req.headers,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 500, answer.headers);
            answer.pipe(res);
          },
        );
        forward.on('error', () => res.destroy());
        forward.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const held = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const first = start(['apply', path, '--report', report], held);
      await until(
        `the journal line of ${role}`,
        () => read(`${report}.journal`).includes(`"arn":"${role}"`),
        first.child,
      );
      first.child.kill('SIGKILL');
      await first.done;
      expect(await localTagger().list(role)).toEqual({ a: '1' });
      // Act: resumed through the same endpoint (the report belongs to it), which now holds nothing.
      holding = false;
      const resumed = await start(['apply', path, '--resume', report], held).done;
      expect(resumed.code, resumed.stderr).toBe(0);
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
    // Assess
    expect(await localTagger().list(role)).toEqual({ a: '1', b: '2' });
    expect(await localTagger().list(topicArn)).toEqual({ n: `${WINDOW - 2}` });
  }, 120_000);
});
