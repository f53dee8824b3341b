import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import * as unitag from '../../src/index.js';
import * as localstack from '../../src/localstack.js';
import * as testing from '../../src/testing.js';

// The public surface, pinned: a restructure that changes what users import or type fails here first.
describe('public surface', () => {
  it("the package's exported values", () => {
    expect(Object.keys(unitag).sort()).toEqual([
      'ABAC_EXCEPTIONS',
      'AbortedError',
      'AccessDeniedError',
      'AccountMismatchError',
      'ClientMissingError',
      'ConfigurationError',
      'CredentialsError',
      'DEFAULT_RULES',
      'EarlierLineFailedError',
      'InvalidArnError',
      'InvalidIacStateError',
      'InvalidPolicyError',
      'InvalidTagError',
      'LocalStackError',
      'MalformedResponseError',
      'ManagedByIaCError',
      'NetworkError',
      'PARTITIONS',
      'ReservedKeyError',
      'ResourceNotFoundError',
      'SAFE_CHARSET',
      'ServiceError',
      'TagConflictError',
      'TagLimitExceededError',
      'ThrottledError',
      'TimeoutError',
      'UnitagError',
      'UnsupportedResourceError',
      'checkMany',
      'checkResource',
      'checkSearch',
      'cloudFormationStacks',
      'createRegistry',
      'createTagger',
      'dispatch',
      'doneArns',
      'effectiveTagPolicy',
      'filterAccounts',
      'fitFix',
      'fitPolicy',
      'fixResources',
      'formatArn',
      'iacSource',
      'isUnitagError',
      'lintPolicies',
      'lintPolicy',
      'parseAccounts',
      'parseArn',
      'parseTagPolicy',
      'readPulumiExport',
      'readTerraformState',
      'reportToJson',
      'roleArn',
      'typeListed',
      'validateKeys',
      'validateTags',
      'valueAllowed',
    ]);
  });

  it('the unitag/testing entry point: its exports, its matchers, its place in package.json', () => {
    expect(Object.keys(testing).sort()).toEqual(['tagMatchers', 'useTagger']);
    expect(Object.keys(testing.tagMatchers).sort()).toEqual([
      'toHaveExactTags',
      'toHaveTagKeys',
      'toHaveTags',
    ]);
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(Object.entries(manifest.exports['./testing'])).toEqual([
      ['types', './dist/src/testing.d.ts'],
      ['default', './dist/src/testing.js'],
    ]);
  });

  it('the unitag/localstack entry point: its exports and its place in package.json', () => {
    expect(Object.keys(localstack).sort()).toEqual([
      'DEFAULT_SERVICES',
      'LocalStackError',
      'findPython',
      'health',
      'startLocalStack',
      'stopLocalStack',
    ]);
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(Object.entries(manifest.exports['./localstack'])).toEqual([
      ['types', './dist/src/localstack.d.ts'],
      ['default', './dist/src/localstack.js'],
    ]);
    expect(manifest.files).toContain('localstack/requirements.txt');
  });

  it("a tagger's methods", () => {
    const tagger = unitag.createTagger({ region: 'us-east-1' });
    expect(Object.keys(tagger).sort()).toEqual([
      'account',
      'apply',
      'calls',
      'check',
      'destroy',
      'explain',
      'find',
      'list',
      'listMany',
      'organizationTagPolicy',
      'permissions',
      'plan',
      'tag',
      'tagMany',
      'untag',
      'untagMany',
    ]);
  });

  it("the CLI's commands and options", () => {
    const program = buildProgram(() => {});
    const flags = (command: Command) => command.options.map((o) => o.flags).sort();
    expect(flags(program)).toEqual([
      '--account-filter <filter>',
      '--accounts <file>',
      '--concurrency <n>',
      '--connect-timeout <seconds>',
      '--endpoint-url <url>',
      '--external-id <id>',
      '--max-rate <family=N>',
      '--no-progress',
      '--no-tagging-api',
      '--profile <name>',
      '--query <jmespath>',
      '--read-timeout <seconds>',
      '--region <region>',
      '--retry-for <seconds>',
      '--role-duration <seconds>',
      '--role-name <name>',
      '--role-session-name <name>',
      '-V, --version',
    ]);
    const commands = Object.fromEntries(program.commands.map((c) => [c.name(), flags(c)]));
    expect(commands).toEqual({
      tag: ['-f, --file <path>', '-o, --output <format>', '-t, --tag <key=value>'],
      untag: ['-f, --file <path>', '-k, --key <key>', '-o, --output <format>'],
      list: ['-f, --file <path>', '-o, --output <format>'],
      find: [
        '--action <action>',
        '--all',
        '--key <key>',
        '--missing <key>',
        '--regions <list>',
        '--shard <I/N>',
        '--type <type>',
        '--untagged',
        '--value <value>',
        '-o, --output <format>',
        '-t, --tag <key[=value]>',
      ],
      plan: [
        '--action <action>',
        '--arn-column <name>',
        '--cloudformation',
        '--format <format>',
        '--key <key>',
        '--on-conflict <choice>',
        '--pulumi-state <file>',
        '--shard <I/N>',
        '--terraform-ignore-tags <spec>',
        '--terraform-state <file>',
        '--value <value>',
        '-o, --output <format>',
      ],
      apply: [
        '--action <action>',
        '--arn-column <name>',
        '--cloudformation',
        '--dry-run',
        '--force-resume',
        '--format <format>',
        '--iac <mode>',
        '--key <key>',
        '--on-conflict <choice>',
        '--pulumi-state <file>',
        '--report <path>',
        '--resume <path>',
        '--shard <I/N>',
        '--terraform-ignore-tags <spec>',
        '--terraform-state <file>',
        '--value <value>',
        '-o, --output <format>',
      ],
      report: [],
      localstack: [],
      check: [
        '--cloudformation',
        '--fix <file>',
        '--from-organizations',
        '--iac',
        '--policy <file>',
        '--pulumi-state <file>',
        '--regions <list>',
        '--shard <I/N>',
        '--terraform-ignore-tags <spec>',
        '--terraform-state <file>',
        '--type <type>',
        '-f, --file <path>',
        '-o, --output <format>',
      ],
      explain: ['-f, --file <path>', '-o, --output <format>'],
      'lint-policy': [
        '--boundary <file>',
        '--fail-on <level>',
        '--protect <key>',
        '--resource-policy <file>',
        '--scp <file>',
        '-o, --output <format>',
      ],
      permissions: ['--exact', '--for <operations>', '--format <format>', '--max-size <n>'],
      accounts: [
        '--active',
        '--from-organizations',
        '--ou <id>',
        '--output-file <file>',
        '-o, --output <format>',
      ],
    });
  });
});

describe('dependencies a user shares', () => {
  it("takes the AWS SDK as ranges, so that a user's app holds one copy (the lock file pins CI's)", () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const shared = Object.entries(manifest.dependencies).filter(([name]) =>
      /^@(aws-sdk|smithy)\//.test(name),
    );
    expect(shared.length).toBeGreaterThan(0);
    for (const [name, range] of shared) expect(`${name} ${range}`).toMatch(/ \^\d+\.\d+\.\d+$/);
  });
});
