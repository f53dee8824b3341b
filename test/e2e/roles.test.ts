// `unitag apply --role-name` as a process on LocalStack, on a job spanning three accounts and one whose role
// cannot be assumed (a proxy refuses it): three lines done, one failed naming the account and the role, exit 1;
// and `--accounts FILE --account-filter` acting only in the accounts it selects.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue } from '../../fixtures/aws-resources.js';
import { createTagger } from '../../src/index.js';
import { ACCOUNT, endpoint, uniqueName } from '../helpers.js';
import { as, queueTags, type RolesProxy, startRolesProxy } from '../roles-proxy.js';

const cli = join(new URL('../..', import.meta.url).pathname, 'dist/bin/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'unitag-roles-'));
const REFUSED = '333333333333';

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
    const args = ['apply', job, '--role-name', 'unitag-e2e', '--report', report, '-o', 'json'];
    const { code, stderr, stdout } = await run(args);
    expect(code).toBe(1);
    const lines = JSON.parse(readFileSync(report, 'utf8')).resources as {
      arn: string;
      account: string;
      outcome: string;
      error?: { code: string; message: string };
    }[];
    // Each line of the report and of the output names its account; the output has the totals of each.
    expect(lines.map((line) => line.account).sort()).toEqual([...accounts].sort());
    const output = JSON.parse(stdout);
    expect(output.resources.map((line: { account: string }) => line.account).sort()).toEqual(
      [...accounts].sort(),
    );
    expect(output.accounts[REFUSED]).toEqual({ total: 1, changed: 0, unchanged: 0, failed: 1, skipped: 0 });
    expect(output.accounts[ACCOUNT]).toEqual({ total: 1, changed: 1, unchanged: 0, failed: 0, skipped: 0 });
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
    // The report file has the same totals per account as the output.
    const counted = (changed: number, failed: number) => ({
      total: 1,
      changed,
      unchanged: 0,
      failed,
      skipped: 0,
    });
    const perAccount = Object.fromEntries(
      accounts.map((a) => [a, counted(a === REFUSED ? 0 : 1, a === REFUSED ? 1 : 0)]),
    );
    expect(JSON.parse(readFileSync(report, 'utf8')).accounts).toEqual(perAccount);
    expect(output.accounts).toEqual(perAccount);
    // Resumed (the report rewritten from its journal, each line's last kept): the done lines stay done, the
    // refused one fails again, and the totals per account are counted again from the lines.
    const resumed = await run([...args, '--resume', report]);
    expect(resumed.code).toBe(1);
    const again = JSON.parse(readFileSync(report, 'utf8'));
    expect(again.resources).toHaveLength(4);
    expect(again.accounts).toEqual(perAccount);
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

  it('find --accounts FILE -o json: one document over every account, the account on each line, totals per account', async () => {
    const name = uniqueName('e2e-find');
    const accounts = [ACCOUNT, '111111111111', '222222222222', REFUSED];
    const arns = await Promise.all(accounts.map((account) => createQueue(as(account), name)));
    // Tagged as each account's owner would (LocalStack takes the access key id as the account).
    for (const [i, account] of accounts.entries()) {
      const own = createTagger({ ...as(account), maxRates: false });
      await own.tag(arns[i] as string, { run: name });
      await own.destroy();
    }
    const file = join(dir, `${name}.yml`);
    writeFileSync(
      file,
      `accounts:\n- account_id: '${ACCOUNT}'\n  name: own\n` +
        accounts
          .slice(1)
          .map((id, i) => `- account_id: '${id}'\n  name: a${i}\n  role: find-role\n  regions: [us-east-1]\n`)
          .join(''),
    );
    const args = ['find', '--accounts', file, '--all', '--type', 'sqs', '--tag', `run=${name}`, '-o', 'json'];
    const { code, stdout, stderr } = await run(args);
    // Assess: exit 1 for the refused account, said on standard error; one JSON document for all four.
    expect(code).toBe(1);
    expect(stderr).toContain(`account ${REFUSED} could not be searched`);
    const json = JSON.parse(stdout);
    const lines = json.resources as { arn: string; account: string; outcome: string }[];
    expect(lines.filter((l) => l.outcome === 'read').map((l) => [l.account, l.arn])).toEqual(
      accounts.slice(0, 3).map((account, i) => [account, arns[i]]),
    );
    expect(lines.filter((l) => l.outcome === 'failed').map((l) => l.account)).toEqual([REFUSED]);
    expect(json.totals).toEqual({ total: 4, read: 3, failed: 1, skipped: 0 });
    expect(json.accounts).toEqual({
      [ACCOUNT]: { total: 1, read: 1, failed: 0, skipped: 0 },
      '111111111111': { total: 1, read: 1, failed: 0, skipped: 0 },
      '222222222222': { total: 1, read: 1, failed: 0, skipped: 0 },
      [REFUSED]: { total: 1, read: 0, failed: 1, skipped: 0 },
    });
    // The table names each line's account.
    const table = await run([...args.slice(0, -2), '-o', 'table']);
    for (const account of accounts.slice(0, 3)) expect(table.stdout).toContain(account);
  });

  it('check --policy P --accounts FILE: every resource of each account checked, no ARN given', async () => {
    const name = uniqueName('e2e-check');
    const arn = await createQueue(as('111111111111'), name);
    const own = createTagger({ ...as('111111111111'), maxRates: false });
    await own.tag(arn, { run: 'not-allowed' });
    await own.destroy();
    const file = join(dir, `${name}.yml`);
    writeFileSync(file, "accounts:\n- account_id: '111111111111'\n  name: prod\n  role: check-role\n");
    const policy = join(dir, `${name}.policy.json`);
    writeFileSync(
      policy,
      JSON.stringify({
        tags: { run: { tag_key: { '@@assign': 'run' }, tag_value: { '@@assign': ['ok'] } } },
      }),
    );
    const args = ['check', '--policy', policy, '--accounts', file, '--type', 'sqs', '--regions', 'us-east-1'];
    const { code, stdout } = await run([...args, '-o', 'json']);
    expect(code).toBe(1);
    const json = JSON.parse(stdout);
    const line = json.resources.find((r: { arn: string }) => r.arn === arn);
    expect(line).toMatchObject({ account: '111111111111', outcome: 'noncompliant' });
    expect(line.findings[0]).toMatchObject({ key: 'run', kind: 'value-not-allowed' });
    expect(json.accounts['111111111111'].noncompliant).toBeGreaterThanOrEqual(1);
    // Two shards check every resource of the one search once between them.
    const lines = (out: string) =>
      (JSON.parse(out).resources as { arn: string; outcome: string }[]).map((r) => `${r.arn} ${r.outcome}`);
    const shards = await Promise.all(['0/2', '1/2'].map((i) => run([...args, '--shard', i, '-o', 'json'])));
    const sharded = shards.flatMap((shard) => lines(shard.stdout));
    expect(sharded.sort()).toEqual(lines(stdout).sort());
  });
});
