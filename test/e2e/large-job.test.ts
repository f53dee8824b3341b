// The built CLI on a job of many windows against a rate-limited fake AWS (bench/rated-aws.ts, rates raised so
// the test takes seconds): streamed to the end, interrupted and resumed, and stopped promptly by Ctrl-C.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RatedAws, startRatedAws } from '../../bench/rated-aws.js';

const root = new URL('../..', import.meta.url).pathname;
const cli = join(root, 'dist/src/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'unitag-large-'));
const LINES = 60_000;

let fake: RatedAws;
const volume = (run: string, i: number) =>
  `arn:aws:ec2:us-east-1:123456789012:volume/vol-${run}${i.toString(16).padStart(16, '0')}`;

beforeAll(async () => {
  // AWS's rates, fifty times over: the job's shape (windows, batches, rate waits) without its minutes.
  fake = await startRatedAws({ rateScale: 50, latencyMs: 2 });
});
afterAll(() => fake.close());

/** A CSV job setting one key on `LINES` new volumes. */
function job(run: string): { path: string; arns: string[] } {
  const arns = Array.from({ length: LINES }, (_, i) => volume(run, i));
  fake.create(arns, { env: 'prod' });
  const path = join(dir, `${run}.csv`);
  writeFileSync(path, `arn,action,key,value\n${arns.map((a) => `${a},set,cost,${run}`).join('\n')}\n`);
  return { path, arns };
}

function start(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; stderr: string }>;
} {
  const child = spawn(process.execPath, [cli, ...args], {
    env: {
      ...process.env,
      AWS_ENDPOINT_URL: fake.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'a',
      AWS_SECRET_ACCESS_KEY: 'b',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stderr })),
  );
  return { child, done };
}

async function untilJournalHas(path: string, lines: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (existsSync(path) && readFileSync(path, 'utf8').split('\n').length > lines) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the journal ${path} did not reach ${lines} lines`);
}

describe('a job of many windows', () => {
  it('an unfinished run is resumed into its own report only: another --report is exit 2, before any call', async () => {
    const { path } = job('b');
    const report = join(dir, 'b.json');
    writeFileSync(`${report}.journal`, '{"unitag":"journal","version":2,"command":"apply"}\n');
    const run = await start(['apply', path, '--resume', report, '--report', join(dir, 'other.json')]).done;
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`resume it into the same report (--resume ${report}, without --report)`);
    expect(existsSync(join(dir, 'other.json.journal'))).toBe(false);
  });

  it('Ctrl-C stops it within seconds (the writes under way finish, the report is written); --resume finishes exactly the rest', async () => {
    const { path, arns } = job('a');
    const report = join(dir, 'a.json');
    const first = start(['apply', path, '--report', report]);
    await untilJournalHas(`${report}.journal`, 12_000);
    const interrupted = Date.now();
    first.child.kill('SIGINT');
    const { code } = await first.done;
    expect(code).toBe(130);
    // The writes under way finish (a CreateTags batch at most per window in flight), then the report is
    // written: a few seconds at most, whatever the job's size.
    expect(Date.now() - interrupted).toBeLessThan(5_000);
    const partial = JSON.parse(readFileSync(report, 'utf8'));
    const done = partial.resources.filter((r: { outcome: string }) => r.outcome === 'changed');
    expect(done.length).toBeGreaterThan(0);
    expect(done.length).toBeLessThan(LINES);
    for (const r of done) expect(fake.tagsOf(r.arn)).toEqual({ env: 'prod', cost: 'a' });

    const second = await start(['apply', path, '--resume', report]).done;
    expect(second.code).toBe(0);
    const final = JSON.parse(readFileSync(report, 'utf8'));
    expect(final.totals).toMatchObject({ total: LINES, changed: LINES, failed: 0, skipped: 0 });
    for (const arn of arns) expect(fake.tagsOf(arn)?.cost).toBe('a');
  }, 120_000);
});
