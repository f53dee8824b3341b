// Standard output that cannot be written (src/cli.ts): a file-size limit, a full disk, a reader that stops early.
// The built CLI runs as its own process under bash, against a fake AWS, with standard output redirected.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../fake-aws.js';

const root = new URL('../..', import.meta.url).pathname;
const cli = join(root, 'dist/bin/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'unitag-stdout-'));
const ACCOUNT = '123456789012';
const topic = (name: string) => `arn:aws:sns:us-east-1:${ACCOUNT}:${name}`;
// 100 topics: their JSON (about 18 KB) is past the 8 KB that `ulimit -f 8` lets a file hold.
const TOPICS = Array.from({ length: 100 }, (_, i) => topic(`topic-${i}`));
const CUT_SHORT = /^unitag: standard output could not be written \((\w+): [^)]+\): the output is cut short$/m;
const STACK_TRACE = /Error:|\n\s+at /;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let fake: FakeAws;

/** Runs a bash script in `dir`, where `$UNITAG` is the built CLI pointed at the fake AWS. */
function bash(script: string): Promise<Run> {
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    UNITAG: `${process.execPath} ${cli} --endpoint-url ${fake.endpoint} --max-rate off`,
  };
  return new Promise((resolve) => {
    execFile('bash', ['-c', script], { env, cwd: dir }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};

/** A CSV job that sets one tag on each of `arns`. */
const job = (name: string, arns: string[]) =>
  file(name, `arn,action,key,value\n${arns.map((arn) => `${arn},set,k,v`).join('\n')}\n`);

/** The lines of standard error that say standard output was cut short. */
const cutShortLines = (stderr: string) => stderr.split('\n').filter((l) => CUT_SHORT.test(l));

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first (npm test does).`);
  fake = await startFakeAws();
});
afterAll(() => fake?.close());

// A test runs the CLI up to twenty times: seconds each on a loaded machine, so the suite's timeout (which only
// bounds a hang) is raised from the project's 60 s.
describe('the CLI when standard output cannot be written', () => {
  it('a file-size limit (ulimit -f 8) is exit 1 and one line, not a stack trace nor a silent cut', async () => {
    // Prepare
    const big = job('big.csv', TOPICS);
    const limited = (command: string, out: string) => bash(`ulimit -f 8; exec $UNITAG ${command} > ${out}`);

    // Act (apply without a report: the limit holds for every file the process writes)
    const list = await limited(`list ${TOPICS.join(' ')} -o json`, 'list.json');
    const plan = await limited(`plan ${big} -o json`, 'plan.json');
    const apply = await limited(`apply ${big} -o json`, 'apply.json');

    // Assess
    for (const [run, out] of [
      [list, 'list.json'],
      [plan, 'plan.json'],
      [apply, 'apply.json'],
    ] as const) {
      expect(run.code, out).toBe(1);
      expect(cutShortLines(run.stderr), out).toEqual([
        'unitag: standard output could not be written (EFBIG: file too large): the output is cut short',
      ]);
      expect(run.stderr, out).not.toMatch(STACK_TRACE);
      // What fitted was written: the limit, to the byte.
      expect(statSync(join(dir, out)).size, out).toBe(8192);
    }
    expect(apply.stderr).toContain('100 changed, 0 unchanged, 0 failed');
  });

  it('apply whose output cannot be written still writes its whole report', async () => {
    // Act
    const run = await bash(`exec $UNITAG apply ${job('kept.csv', TOPICS)} --report kept.json > /dev/full`);

    // Assess
    expect(run.code).toBe(1);
    expect(cutShortLines(run.stderr)).toHaveLength(1);
    const report = JSON.parse(readFileSync(join(dir, 'kept.json'), 'utf8'));
    expect(report.totals).toMatchObject({ total: 100, changed: 100, failed: 0 });
    expect(report.resources).toHaveLength(100);
  });

  it('a full disk (/dev/full) is exit 1 and one line in every command, where the same command to a file is exit 0', async () => {
    // Prepare
    const one = topic('one');
    const small = job('small.csv', [one]);
    const policy = file('policy.json', JSON.stringify({ tags: { a: { tag_key: 'a' } } }));
    const lintable = join(root, 'test/fixtures/policies/clean-sns-abac.json');
    const commands = [
      `tag ${one} --tag k=v -o json`,
      `untag ${one} --key k -o json`,
      `list ${one} -o json`,
      'find --tag a=1 -o json',
      `plan ${small} -o json`,
      `apply ${small} -o json`,
      `check --policy ${policy} ${one} -o json`,
      `explain ${one} -o json`,
      `permissions ${one}`,
      `lint-policy ${lintable} -o json`,
    ];

    for (const command of commands) {
      // Act
      const toFile = await bash(`exec $UNITAG ${command} > out.json`);
      const toFull = await bash(`exec $UNITAG ${command} > /dev/full`);

      // Assess
      expect(toFile.code, command).toBe(0);
      expect(readFileSync(join(dir, 'out.json'), 'utf8').length, command).toBeGreaterThan(0);
      expect(toFull.code, command).toBe(1);
      expect(cutShortLines(toFull.stderr), command).toEqual([
        'unitag: standard output could not be written (ENOSPC: no space left on device): the output is cut short',
      ]);
      expect(toFull.stderr, command).not.toMatch(STACK_TRACE);
    }
  });

  it('a reader that stops early (EPIPE) stays quiet: exit 0, nothing said', async () => {
    // Prepare
    const big = job('piped.csv', TOPICS);

    for (const command of [
      `list ${TOPICS.join(' ')} -o json`,
      `plan ${big} -o json`,
      `apply ${big} -o json`,
      `find --tag a=1 -o json`,
    ]) {
      // Act: the CLI's own exit code, not head's.
      const run = await bash(`$UNITAG ${command} | head -c 10; exit "\${PIPESTATUS[0]}"`);

      // Assess
      expect(run.code, command).toBe(0);
      expect(run.stdout, command).toBe('{\n  "versi');
      expect(run.stderr, command).not.toMatch(/could not be written|EPIPE/);
      expect(run.stderr, command).not.toMatch(STACK_TRACE);
    }
  });
}, 180_000);
