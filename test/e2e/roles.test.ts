// `unitag apply --role-name` as a process on LocalStack, on a job spanning three accounts and one whose role
// cannot be assumed (a proxy refuses it): three lines done, one failed naming the account and the role, exit 1;
// and `--accounts FILE --account-filter` acting only in the accounts it selects.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListQueueTagsCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue } from '../../fixtures/aws-resources.js';
import { ACCOUNT, awsConfig, endpoint, uniqueName } from '../helpers.js';
import { type RolesProxy, startRolesProxy } from '../roles-proxy.js';

const cli = join(new URL('../..', import.meta.url).pathname, 'dist/src/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'unitag-roles-'));
const REFUSED = '333333333333';
const as = (account: string) => ({
  ...awsConfig(),
  credentials: { accessKeyId: account, secretAccessKey: 'test' },
});

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: ACCOUNT,
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
  };
  return new Promise((resolve) => {
    execFile(
      'node',
      [cli, '--endpoint-url', proxy.endpoint, '--max-rate', 'off', ...args],
      { env },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

async function queueTags(account: string, arn: string): Promise<Record<string, string>> {
  const client = new SQSClient(as(account));
  const out = await client.send(
    new ListQueueTagsCommand({ QueueUrl: `${endpoint()}/${account}/${arn.split(':').pop()}` }),
  );
  client.destroy();
  return out.Tags ?? {};
}

let proxy: RolesProxy;
beforeAll(async () => {
  proxy = await startRolesProxy(endpoint(), REFUSED);
});
afterAll(() => proxy.close());

describe('the CLI across accounts', () => {
  it('apply --role-name: a job over four accounts, one of which refuses the role', async () => {
    const name = uniqueName('e2e-roles');
    const accounts = [ACCOUNT, '111111111111', '222222222222', REFUSED];
    const arns = await Promise.all(accounts.map((account) => createQueue(as(account), name)));
    const job = join(dir, `${name}.csv`);
    writeFileSync(job, `arn,key,value\n${arns.map((arn) => `${arn},cost-center,cc-7`).join('\n')}\n`);
    const report = join(dir, `${name}.json`);
    const { code, stderr } = await run(['apply', job, '--role-name', 'unitag-e2e', '--report', report]);
    expect(code).toBe(1);
    const lines = JSON.parse(readFileSync(report, 'utf8')).resources as {
      arn: string;
      outcome: string;
      error?: { code: string; message: string };
    }[];
    const byArn = new Map(lines.map((line) => [line.arn, line]));
    expect(arns.map((arn) => byArn.get(arn)?.outcome)).toEqual(['changed', 'changed', 'changed', 'failed']);
    const refused = byArn.get(arns[3] as string);
    expect(refused?.error?.code).toBe('AccessDenied');
    expect(refused?.error?.message).toContain(
      `arn:aws:iam::${REFUSED}:role/unitag-e2e in account ${REFUSED}`,
    );
    expect(stderr).toContain(REFUSED);
    for (const [i, account] of accounts.slice(0, 3).entries()) {
      expect(await queueTags(account, arns[i] as string)).toEqual({ 'cost-center': 'cc-7' });
    }
  });

  it('--accounts FILE --account-filter: lines of accounts the filter leaves out are refused, no call made for them', async () => {
    const name = uniqueName('e2e-file');
    const arns = await Promise.all(
      ['111111111111', '222222222222'].map((account) => createQueue(as(account), name)),
    );
    const file = join(dir, `${name}.yml`);
    writeFileSync(
      file,
      "accounts:\n- account_id: '111111111111'\n  name: prod\n  role: file-role\n  tags: [env:prod]\n" +
        "- account_id: '222222222222'\n  name: dev\n  role: file-role\n  tags: [env:dev]\n",
    );
    const before = proxy.assumed.length;
    const sent = proxy.bodies.length;
    const args = ['tag', ...arns, '--tag', 'k=v', '--accounts', file, '--account-filter', 'env:prod'];
    const { code, stderr } = await run(args);
    expect(code).toBe(1);
    expect(stderr).toContain("Account 222222222222 is not one of the run's accounts");
    expect(proxy.assumed.slice(before)).toEqual(['arn:aws:iam::111111111111:role/file-role']);
    // Nothing reached AWS about the queue of the account left out.
    expect(proxy.bodies.slice(sent).filter((body) => body.includes('/222222222222/'))).toEqual([]);
    expect(await queueTags('111111111111', arns[0] as string)).toEqual({ k: 'v' });
    expect(await queueTags('222222222222', arns[1] as string)).toEqual({});
  });
});
