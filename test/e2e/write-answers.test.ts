// `unitag apply` against a fake AWS that answers the tagging API's TagResources with an empty 200: the built CLI
// as its own process must report each resource of the batch failed with MalformedResponse, never changed, and
// end with exit code 1. Run `npm run build` first.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../fake-aws.js';

const root = new URL('../..', import.meta.url).pathname;
const cli = join(root, 'dist/bin/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'unitag-write-answers-'));
// RDS has no adapter of its own: the tagging API reads and writes it.
const ARNS = [1, 2, 3].map((n) => `arn:aws:rds:us-east-1:123456789012:db:db${n}`);

let fake: FakeAws;

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first (npm test does).`);
  fake = await startFakeAws();
});

afterAll(() => fake.close());

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI against the fake AWS. */
function unitag(args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'a',
    AWS_SECRET_ACCESS_KEY: 'b',
    AWS_REGION: 'us-east-1',
  };
  delete env.AWS_ENDPOINT_URL;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, '--endpoint-url', fake.endpoint, ...args],
      { env },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

describe('unitag apply, a batch answered by an empty 200', () => {
  it('reports every resource of the batch failed with MalformedResponse, never changed, exit 1', async () => {
    // Prepare: a job that tags three resources, which the tagging API reads as untagged.
    const job = join(dir, 'job.json');
    const report = join(dir, 'report.json');
    writeFileSync(job, JSON.stringify(ARNS.map((arn) => ({ arn, set: { team: 'a' } }))));
    fake.writeAnswer = 'empty';
    // Act
    const run = await unitag(['apply', job, '--output', 'json', '--report', report]);
    // Assess: one TagResources for the three; its answer says nothing was done, so nothing is reported done.
    expect(fake.writes()).toEqual(['TagResources']);
    expect(run.code).toBe(1);
    const failed = ARNS.map((arn) => ({ arn, outcome: 'failed', error: { code: 'MalformedResponse' } }));
    const output = JSON.parse(run.stdout);
    expect(output).toMatchObject({ command: 'apply', totals: { changed: 0, failed: 3 }, resources: failed });
    expect(JSON.parse(readFileSync(report, 'utf8'))).toMatchObject({ resources: failed });
    expect(run.stderr).toContain('MalformedResponse');
  });
});
