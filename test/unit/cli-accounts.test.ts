// `unitag accounts --from-organizations` through its function (src/cli/commands/accounts.ts), on a mocked
// Organizations: LocalStack has none, so no end-to-end test can reach AWS's answers (test/e2e/accounts.test.ts runs
// the argument errors as a process).
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AccountsOptions, writeAccounts } from '../../src/cli/commands/accounts.js';
import type { GlobalOptions } from '../../src/cli/common.js';
import { parseAccounts } from '../../src/core/accounts.js';
import { fakeOrganizations, MANAGEMENT, ROOT } from '../mocks/fake-organizations.js';
import { awsError, mockClients } from '../mocks/sdk.js';

const { org } = mockClients({ org: OrganizationsClient });
const dir = mkdtempSync(join(tmpdir(), 'unitag-accounts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const global: GlobalOptions = {
  region: 'us-east-1',
  concurrency: 16,
  taggingApi: true,
  progress: false,
  connectTimeout: 60,
  readTimeout: 60,
  retryFor: 300,
};
const options = (more: Partial<AccountsOptions> = {}): AccountsOptions => ({
  fromOrganizations: true,
  ou: [],
  ...more,
});

let stdout: string;
let stderr: string;
beforeEach(() => {
  // The credentials check resolves them as the SDK would: from the environment here.
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'a');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'b');
  vi.stubEnv('AWS_PROFILE', undefined);
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  return () => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  };
});

describe('unitag accounts --from-organizations', () => {
  const fake = fakeOrganizations(org);
  const prod = fake.addOu('Prod');
  fake.addAccount({
    Id: MANAGEMENT,
    Name: 'management',
    Email: 'm@example.com',
    State: 'ACTIVE',
    parent: ROOT,
  });
  fake.addAccount({
    Id: '222222222222',
    Name: 'prod',
    Email: 'p@example.com',
    State: 'ACTIVE',
    parent: prod,
    tags: { env: 'prod' },
  });

  it('writes YAML to standard output by default, and says how many accounts on standard error', async () => {
    expect(await writeAccounts(options({ roleName: 'unitag' }), global)).toBe(0);
    const accounts = await parseAccounts(stdout, 'stdout');
    expect(accounts.map((a) => [a.id, a.name, a.role, a.tags])).toEqual([
      [MANAGEMENT, 'management', ['unitag'], []],
      ['222222222222', 'prod', ['unitag'], ['env:prod']],
    ]);
    expect(stdout).toMatch(/^accounts:\n/);
    expect(stderr).toBe('unitag: wrote 2 account(s) to standard output\n');
  });

  it('writes JSON to a file whose name ends in .json, or where --output json says so', async () => {
    const file = join(dir, 'accounts.json');
    expect(await writeAccounts(options({ outputFile: file, ou: [prod] }), global)).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      accounts: [
        {
          account_id: '222222222222',
          name: 'prod',
          email: 'p@example.com',
          org_id: 'o-exampleorgid',
          tags: ['path:/Prod', 'env:prod'],
        },
      ],
    });
    expect(stdout).toBe('');
    await writeAccounts(options({ output: 'json' }), global);
    expect(JSON.parse(stdout).accounts).toHaveLength(2);
  });

  it('replaces an existing file whole, keeping its mode; YAML for any other name', async () => {
    const file = join(dir, 'accounts.yml');
    writeFileSync(file, 'old', { mode: 0o640 });
    await writeAccounts(options({ outputFile: file }), global);
    expect(readFileSync(file, 'utf8')).toMatch(/^accounts:\n {2}- account_id: "111111111111"/);
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  it.each<[string, Partial<AccountsOptions>, RegExp]>([
    ['no --from-organizations', { fromOrganizations: false }, /give --from-organizations/],
    ['an --ou that is not an OU id', { ou: ['Prod'] }, /--ou "Prod" is not an OU id/],
    ['an --ou that is an account id', { ou: ['123456789012'] }, /--ou "123456789012"/],
    ['a --role-name that is an ARN', { roleName: 'arn:aws:iam::1:role/x' }, /not an IAM role name/],
    ['an --output-file in no directory', { outputFile: join(dir, 'none', 'a.yml') }, /does not exist/],
    ['an --output-file that is a directory', { outputFile: dir }, /is a directory/],
  ])('refuses %s as bad usage before any AWS call', async (_, more, message) => {
    await expect(writeAccounts(options(more), global)).rejects.toThrow(message);
    expect(org.calls()).toHaveLength(0);
  });

  it('refuses an --output-file that is a symbolic link, and --query', async () => {
    const link = join(dir, 'link.yml');
    symlinkSync(join(dir, 'elsewhere.yml'), link);
    await expect(writeAccounts(options({ outputFile: link }), global)).rejects.toThrow(/symbolic link/);
    await expect(writeAccounts(options(), { ...global, query: 'accounts' })).rejects.toThrow(/--query/);
    expect(org.calls()).toHaveLength(0);
  });

  it('fails with the typed AWS error and writes nothing when Organizations refuses', async () => {
    org.on(ListAccountsCommand).rejects(awsError('AccessDeniedException', 400));
    const file = join(dir, 'denied.yml');
    await expect(writeAccounts(options({ outputFile: file }), global)).rejects.toMatchObject({
      code: 'AccessDenied',
    });
    expect(() => statSync(file)).toThrow();
  });
});
