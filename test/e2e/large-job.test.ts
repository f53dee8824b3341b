// The built CLI on a job of many windows against a rate-limited fake AWS (bench/rated-aws.ts, rates raised so
// the test takes seconds): streamed to the end, interrupted and resumed, and stopped promptly by Ctrl-C.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RatedAws, startRatedAws } from '../../bench/rated-aws.js';
import { WINDOW } from '../../src/cli/pipeline.js';

const root = new URL('../..', import.meta.url).pathname;
const cli = join(root, 'dist/bin/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'unitag-large-'));
const LINES = 60_000;
/** The windows a job has under way at once (runPipeline's inFlight, src/cli/pipeline.ts). */
const WINDOWS_IN_FLIGHT = 2;

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

/** The CLI's environment: the rated fake, its region, any key. */
function onFake(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ENDPOINT_URL: fake.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'a',
    AWS_SECRET_ACCESS_KEY: 'b',
  };
}

function start(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; stderr: string }>;
} {
  const child = spawn(process.execPath, [cli, '--max-rate', 'aws', ...args], {
    env: onFake(),
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

/**
 * Resolves once the journal has more than `lines` lines; throws if the run ends first. No deadline of its own: a
 * loaded machine takes longer to get there, and the test's timeout bounds a hang.
 */
async function untilJournalHas(path: string, lines: number, child: ChildProcess): Promise<void> {
  for (;;) {
    if (existsSync(path) && readFileSync(path, 'utf8').split('\n').length > lines) return;
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `the run ended (exit ${child.exitCode ?? child.signalCode}) before its journal had ${lines} lines`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** How many of `arns` the fake holds the job's `cost` tag on. */
const written = (arns: string[], run: string) => arns.filter((arn) => fake.tagsOf(arn)?.cost === run).length;

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

  it('Ctrl-C stops it promptly (the writes under way finish, the report is written); --resume finishes exactly the rest', async () => {
    const { path, arns } = job('a');
    const report = join(dir, 'a.json');
    const first = start(['apply', path, '--report', report]);
    await untilJournalHas(`${report}.journal`, 12_000, first.child);
    const before = written(arns, 'a');
    first.child.kill('SIGINT');
    const { code } = await first.done;
    expect(code).toBe(130);
    // The windows under way finish (at most the pipeline's windows in flight), then the report is written:
    // whatever the job's size, and whatever the machine's speed, no more than that is written after the signal.
    // (Counted in writes, not seconds: a loaded machine takes seconds for the windows under way alone.)
    expect(written(arns, 'a') - before).toBeLessThanOrEqual(WINDOWS_IN_FLIGHT * WINDOW);
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
  }, 600_000); // a minute here; several on a loaded machine, which the test waits out rather than times

  it("on a terminal, the progress bar counts the plan's reads before the first write", async () => {
    const arns = Array.from({ length: 50 }, (_, i) => volume('e', i));
    fake.create(arns, { env: 'prod' });
    const path = join(dir, 'e.csv');
    writeFileSync(path, `arn,action,key,value\n${arns.map((a) => `${a},set,cost,e`).join('\n')}\n`);
    // The write of the job's volumes is never answered: the bar stays on what the plan read.
    const first = arns[0]?.slice(arns[0].lastIndexOf('/') + 1) as string;
    fake.hold = { operations: new Set(['ec2:CreateTags']), text: first };
    // `script` gives the CLI a terminal (its standard error), which the bar needs.
    const command = [process.execPath, cli, '--max-rate', 'aws', 'apply', path]
      .map((a) => `'${a}'`)
      .join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: onFake(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let terminal = '';
    child.stdout?.on('data', (chunk) => {
      terminal += chunk;
    });
    try {
      while (!/\b50 read/.test(terminal)) {
        if (child.exitCode !== null) throw new Error(`the run ended first:\n${terminal}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(terminal).toMatch(/0\/~50 written \| 50 read \| failed 0/);
    } finally {
      if (child.exitCode === null) process.kill(-(child.pid as number), 'SIGKILL');
      fake.hold = undefined;
    }
  }, 120_000);

  it('Ctrl-C while the first window is planned: exit 130, nothing written, and standard error says so', async () => {
    // A small job: only its first window's plan matters here.
    const arns = Array.from({ length: 50 }, (_, i) => volume('c', i));
    fake.create(arns, { env: 'prod' });
    const path = join(dir, 'c.csv');
    writeFileSync(path, `arn,action,key,value\n${arns.map((a) => `${a},set,cost,c`).join('\n')}\n`);
    const report = join(dir, 'c.json');
    // The plan's reads of the volumes (DescribeTags naming the job's first volume) are never answered.
    const first = arns[0]?.slice(arns[0].lastIndexOf('/') + 1) as string;
    fake.hold = { operations: new Set(['ec2:DescribeTags']), text: first };
    const held = fake.heldCount;
    const run = start(['apply', path, '--report', report]);
    while (fake.heldCount === held) {
      if (run.child.exitCode !== null) throw new Error('the run ended before its plan read was held');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    run.child.kill('SIGINT');
    const { code, stderr } = await run.done;
    fake.hold = undefined;
    expect(code).toBe(130);
    expect(stderr).toMatch(
      /interrupted while \d+ line\(s\) were being planned: .*nothing of them was written/,
    );
    expect(arns.every((arn) => fake.tagsOf(arn)?.cost === undefined)).toBe(true);
    // The report says the same: totals of 0 because the run stopped while planning, not because nothing was to do.
    const written = JSON.parse(readFileSync(report, 'utf8'));
    expect(written.totals).toMatchObject({ total: 0, changed: 0 });
    expect(written.interrupted.planning).toBeGreaterThan(0);
    expect(written.interrupted.note).toMatch(
      /being planned: .*nothing of them was written; --resume does them/,
    );
  }, 120_000);
});
