// `unitag accounts` as a process. LocalStack has no Organizations API, so these runs point the CLI at a fake AWS
// endpoint (test/fake-aws.ts) that records every request: bad usage is exit 2 before any request, and an answer
// that is not Organizations' own is exit 1 with nothing written. test/unit/cli-accounts.test.ts runs the command's
// function on a mocked Organizations.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../fake-aws.js';

const root = new URL('../..', import.meta.url).pathname;
const cli = join(root, 'dist/bin/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'unitag-e2e-accounts-'));
let fake: FakeAws;

beforeAll(async () => {
  fake = await startFakeAws();
});
beforeEach(() => {
  fake.requests.length = 0;
});
afterAll(() => fake.close());

/** Runs the built CLI against the fake AWS endpoint. */
function unitag(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: fake.endpoint,
  };
  delete env.AWS_PROFILE;
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

describe('unitag accounts', () => {
  it.each([
    ['no source', ['accounts'], 'give --from-organizations'],
    ['an --ou that is not an OU id', ['accounts', '--from-organizations', '--ou', 'Prod'], '--ou "Prod"'],
    [
      'a --role-name that is no role name',
      ['accounts', '--from-organizations', '--role-name', 'a b'],
      'not an IAM role name',
    ],
    [
      'an --output-file in no directory',
      ['accounts', '--from-organizations', '--output-file', join(dir, 'none', 'a.yml')],
      'does not exist',
    ],
    ['an unknown format', ['accounts', '--from-organizations', '--output', 'xml'], 'xml'],
    ['--query', ['--query', 'accounts', 'accounts', '--from-organizations'], '--query does not apply'],
  ])('%s: exit 2 before any AWS request', async (_, args, said) => {
    const run = await unitag(args);
    expect([run.code, run.stdout]).toEqual([2, '']);
    expect(run.stderr).toContain(said);
    expect(fake.requests).toEqual([]);
  });

  it('an answer that is not Organizations’ document: exit 1, a malformed answer, no file written', async () => {
    // The fake answers ListAccounts, which it does not know, with an empty 200.
    const file = join(dir, 'accounts.yml');
    const run = await unitag(['accounts', '--from-organizations', '--output-file', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Malformed answer: AWS answered ListAccounts with an empty body');
    expect(fake.requests).toContain('ListAccounts');
    expect(existsSync(file)).toBe(false);
  });

  it('--help prints the examples and the exit codes', async () => {
    const run = await unitag(['accounts', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('unitag accounts --from-organizations --role-name');
    expect(run.stdout).toContain('2    bad usage, found before any AWS call');
  });
});
