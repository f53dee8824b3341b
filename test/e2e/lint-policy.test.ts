import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const cli = join(root, 'dist/bin/cli.js');
const fixture = (name: string) => join(root, 'test/fixtures/policies', name);

// No credentials, no region, no endpoint: lint-policy makes no AWS call and must not need any.
const env = () => {
  const environment: NodeJS.ProcessEnv = { ...process.env, AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
  for (const key of [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_REGION',
  ]) {
    delete environment[key];
  }
  return environment;
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as its own process. */
function unitag(args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [cli, ...args], { env: env() }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
    child.stdin?.end(input ?? '');
  });
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first (npm test does).`);
});

describe('unitag lint-policy (built, as a separate process)', () => {
  it('exits 0 on a clean policy, with nothing on standard output', async () => {
    const run = await unitag(['lint-policy', fixture('clean-sns-abac.json')]);
    expect(run).toMatchObject({ code: 0, stdout: '' });
    expect(run.stderr).toMatch(/protected tag keys: project \(inferred from the policy/);
    expect(run.stderr).toMatch(/no findings/);
  });

  it('exits 1 on findings, with a table of rule, statement and message', async () => {
    const run = await unitag(['lint-policy', fixture('broken-retag-any--sns-no-resource-tag.json')]);
    expect(run.code).toBe(1);
    const [header, row, ...rest] = run.stdout.trim().split('\n');
    expect(header).toMatch(/^RULE\s+SEVERITY\s+STATEMENT\s+MESSAGE$/);
    expect(row).toMatch(
      /^retag-any\s+error\s+Statement\[0\] \(Sid CreateAndTagOwnTopics, line \d+\)\s+sns:TagResource /,
    );
    expect(rest).toEqual([]);
    expect(run.stderr).toMatch(/1 finding \(1 error, 0 warnings\)/);
  });

  it('--output json: the findings and the protected keys', async () => {
    const path = fixture('broken-self-retag--iam-tag-user.json');
    const run = await unitag(['lint-policy', path, '--output', 'json']);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({
      command: 'lint-policy',
      policy: path,
      protectedKeys: ['project'],
      inferred: true,
      totals: { findings: 1, errors: 1, warnings: 0 },
      findings: [
        {
          rule: 'self-retag',
          severity: 'error',
          statement: { index: 1, sid: 'TagUsers' },
          actions: ['iam:TagUser'],
          keys: ['project'],
        },
      ],
    });
    expect(json.findings[0].message).toMatch(/change its own project tag/);
  });

  it('--fail-on: errors fail by default, warnings only with --fail-on warning, nothing with never', async () => {
    const warning = fixture('broken-s3-object-generic-tag-keys--get-object.json');
    const error = fixture('broken-self-retag--iam-tag-user.json');
    expect((await unitag(['lint-policy', warning])).code).toBe(0);
    expect((await unitag(['lint-policy', warning, '--fail-on', 'warning'])).code).toBe(1);
    expect((await unitag(['lint-policy', error])).code).toBe(1);
    expect((await unitag(['lint-policy', error, '--fail-on', 'never'])).code).toBe(0);
    expect((await unitag(['lint-policy', error, '--fail-on', 'sometimes'])).code).toBe(2);
  });

  it('--output sarif: a SARIF 2.1.0 log valid against its schema, a result per finding on its line', async () => {
    const path = fixture('broken-retag-any--sns-no-resource-tag.json');
    const run = await unitag(['lint-policy', path, '--output', 'sarif']);
    expect(run.code).toBe(1);
    const log = JSON.parse(run.stdout);
    const schema = JSON.parse(
      readFileSync(
        join(root, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'),
        'utf8',
      ),
    );
    // The schema is written in JSON Schema draft-04, whose keywords it uses are draft-07's but for `id`.
    const { $schema: _, id: __, ...draft07 } = schema;
    // One of its patterns (a language tag's) is not valid in Unicode mode: patterns are read as plain RegExps.
    const validate = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false }).compile(draft07);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    // The validator does refuse what is not SARIF 2.1.0.
    expect(validate({ ...log, version: '2.0.0' })).toBe(false);
    const [result, ...others] = log.runs[0].results;
    expect(others).toEqual([]);
    const line =
      readFileSync(path, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('CreateAndTagOwnTopics')) + 1;
    expect(result).toMatchObject({
      ruleId: 'retag-any',
      level: 'error',
      locations: [
        { physicalLocation: { artifactLocation: { uri: path }, region: { startLine: expect.any(Number) } } },
      ],
    });
    expect(Math.abs(result.locations[0].physicalLocation.region.startLine - line)).toBeLessThanOrEqual(2);
    const rules = log.runs[0].tool.driver.rules;
    expect(rules[result.ruleIndex].id).toBe('retag-any');
    // Every rule the linter has is described, with its severity as its default level.
    expect(rules.map((r: { id: string }) => r.id).sort()).toEqual([
      'abac-bypassed',
      'create-without-request-tag',
      'createtags-createaction-wildcard',
      'passrole-by-tag',
      'principal-tag-wildcard',
      'resource-tag-if-exists',
      'retag-any',
      'retag-away',
      'retag-unconditioned',
      's3-bucket-tag-condition',
      's3-object-generic-tag-keys',
      'self-retag',
      'unsupported-condition-key',
    ]);
    // A clean policy: a log with no results.
    const clean = await unitag(['lint-policy', fixture('clean-sns-abac.json'), '-o', 'sarif']);
    expect(JSON.parse(clean.stdout).runs[0].results).toEqual([]);
  });

  it('several policies: a hole split across two files is found, a boundary or an SCP closes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unitag-lint-'));
    const write = (name: string, statement: object) => {
      writeFileSync(
        join(dir, name),
        JSON.stringify({ Version: '2012-10-17', Statement: [statement] }, null, 2),
      );
      return join(dir, name);
    };
    const objects = 'arn:aws:s3:::amzn-s3-demo-bucket/*';
    const read = write('read.json', {
      Sid: 'ReadProduction',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: objects,
      Condition: { StringEquals: { 's3:ExistingObjectTag/environment': 'production' } },
    });
    const tag = write('tag.json', {
      Sid: 'TagWithOwner',
      Effect: 'Allow',
      Action: 's3:PutObjectTagging',
      Resource: objects,
      Condition: { 'ForAnyValue:StringEquals': { 's3:RequestObjectTagKeys': ['Owner', 'CreationDate'] } },
    });
    expect((await unitag(['lint-policy', read])).code).toBe(0);
    expect((await unitag(['lint-policy', tag])).code).toBe(0);
    const both = await unitag(['lint-policy', read, tag, '-o', 'json']);
    expect(both.code).toBe(1);
    expect(JSON.parse(both.stdout)).toMatchObject({
      policy: read,
      policies: [read, tag],
      protectedKeys: ['environment'],
      findings: [{ rule: 'retag-unconditioned', statement: { policy: tag, index: 0, sid: 'TagWithOwner' } }],
    });
    const table = await unitag(['lint-policy', read, tag]);
    expect(table.stdout).toContain(`${tag} Statement[0] (Sid TagWithOwner`);
    const sarif = JSON.parse((await unitag(['lint-policy', read, tag, '-o', 'sarif'])).stdout);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(tag);

    const boundary = write('boundary.json', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
    const bounded = await unitag(['lint-policy', read, tag, '--boundary', boundary, '-o', 'json']);
    expect(bounded.code).toBe(0);
    expect(JSON.parse(bounded.stdout)).toMatchObject({
      findings: [],
      closed: [{ rule: 'retag-unconditioned', closedBy: 'boundary' }],
    });
    expect(bounded.stderr).toContain('1 more closed by another policy: retag-unconditioned (boundary)');
    const scp = write('scp.json', {
      Effect: 'Deny',
      Action: 's3:PutObjectTagging',
      Resource: '*',
      Condition: { 'ForAnyValue:StringEquals': { 's3:RequestObjectTagKeys': 'environment' } },
    });
    // S3 replaces an object's whole tag set: a Deny of requests that name environment does not keep a request
    // without it from removing it, so the hole stays open.
    expect((await unitag(['lint-policy', read, tag, '--scp', scp])).code).toBe(1);
    const allowList = write('allow-list.json', { Effect: 'Allow', Action: 's3:Get*', Resource: '*' });
    const listed = await unitag(['lint-policy', read, tag, '--scp', allowList, '-o', 'json']);
    expect(JSON.parse(listed.stdout).closed).toEqual([
      expect.objectContaining({ closedBy: `scp ${allowList}` }),
    ]);
    const twice = await unitag(['lint-policy', '-', '--boundary', '-'], '{}');
    expect(twice).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/- \(standard input\) can be given once/),
    });
    const broken = write('broken.json', { Effect: 'Allow', Action: 'sns:Publsh', Resource: '*' });
    const named = await unitag(['lint-policy', read, '--scp', broken]);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain(`${broken}: Statement[0]`);
  });

  it('reads standard input with -, takes --protect, and applies --query', async () => {
    const text = readFileSync(fixture('clean-tagging-api-minimal.json'), 'utf8');
    const run = await unitag(['lint-policy', '-', '--protect', 'team', '-o', 'json'], text);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      policy: '-',
      protectedKeys: ['team'],
      inferred: false,
      findings: [],
    });
    const query = await unitag([
      'lint-policy',
      fixture('broken-passrole-by-tag--iam.json'),
      '--query',
      'findings[].rule',
    ]);
    expect(query.code).toBe(1);
    expect(JSON.parse(query.stdout)).toEqual(['passrole-by-tag']);
  });

  it.each([
    ['a missing file', [fixture('no-such-policy.json')], undefined, /cannot read .*no-such-policy\.json/],
    ['text that is not JSON', ['-'], '{"Statement": [', /not JSON at line 1, column 16/],
    ['JSON that is not a policy', ['-'], '{"Version": "2012-10-17"}', /has no Statement/],
    [
      'an unknown action',
      [fixture('invalid-tagging-api-singular-action.json')],
      undefined,
      /Statement\[1\] \(Sid "TaggingApi", line \d+\): "tag:TagResource" .* did you mean "tag:TagResources"\?/,
    ],
    [
      'an empty --protect',
      [fixture('clean-sns-abac.json'), '--protect', ''],
      undefined,
      /--protect takes a tag key/,
    ],
    [
      'an aws: --protect',
      [fixture('clean-sns-abac.json'), '--protect', 'aws:x'],
      undefined,
      /the protected tag key "aws:x" starts with aws:, which AWS reserves/,
    ],
    [
      'a key given twice',
      ['-'],
      '{\n  "Statement": {\n    "Effect": "Allow",\n    "Effect": "Deny"\n  }\n}',
      /the key "Effect" is given twice in one object \(lines 3 and 4\)/,
    ],
    [
      'an unknown top-level element',
      [fixture('invalid-unknown-top-level-element.json')],
      undefined,
      /unknown element "Versoin": did you mean "Version"\?/,
    ],
  ])('exits 2 on %s', async (_, args, input, message) => {
    const run = await unitag(['lint-policy', ...args], input);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });
});
