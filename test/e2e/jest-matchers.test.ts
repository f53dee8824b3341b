import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { endpoint, REGION } from '../helpers.js';

const root = new URL('../..', import.meta.url).pathname;
const project = join(root, 'test/fixtures/jest-matchers');

interface JestRun {
  code: number | null;
  output: string;
  /** Jest's --json report; undefined when Jest ended before writing one. */
  report:
    | { success: boolean; numTotalTests: number; numPassedTests: number; numFailedTests: number }
    | undefined;
}

/** Runs Jest 30 on the fixture project, as its own process, against LocalStack through the environment. */
function jest(): Promise<JestRun> {
  const outputFile = join(mkdtempSync(join(tmpdir(), 'unitag-jest-')), 'report.json');
  const args = [
    '--experimental-vm-modules',
    join(root, 'node_modules/jest/bin/jest.js'),
    '--config',
    join(project, 'jest.config.mjs'),
    '--ci',
    '--json',
    '--outputFile',
    outputFile,
  ];
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL: endpoint(),
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  };
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: root, env }, (error, stdout, stderr) => {
      const code = error ? (error.code as number | null) : 0;
      const report = existsSync(outputFile) ? JSON.parse(readFileSync(outputFile, 'utf8')) : undefined;
      resolve({ code, output: stdout + stderr, report });
    });
  });
}

describe('the matchers in Jest 30 (built package, ESM)', () => {
  it('pass, fail, .not, the diff, a failed read and bad input all hold', async () => {
    const run = await jest();
    expect(run.code, run.output).toBe(0);
    expect(run.report, run.output).toMatchObject({
      success: true,
      numTotalTests: 5,
      numPassedTests: 5,
      numFailedTests: 0,
    });
  });
});
