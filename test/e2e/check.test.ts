import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createTopic } from '../../fixtures/aws-resources.js';
import { awsConfig, endpoint, localTagger, REGION, uniqueName } from '../helpers.js';

const root = new URL('../..', import.meta.url).pathname;
const cli = join(root, 'dist/bin/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'unitag-check-e2e-'));
// Nothing listens there: a command that made a call would fail with a network error, not exit 2.
const NOWHERE = 'http://127.0.0.1:9';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function env(url = endpoint()) {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL: url,
    UNITAG: `${process.execPath} ${cli}`,
  };
}

/** Runs the built CLI as its own process, optionally with standard input. */
function unitag(args: string[], options: { input?: string; url?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [cli, ...args],
      { env: env(options.url) },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
    child.stdin?.end(options.input ?? '');
  });
}

/** Runs a shell pipeline ($UNITAG is the built CLI). */
function shell(command: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', command], { env: env() }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const policy = file(
  'policy.json',
  JSON.stringify({
    tags: {
      costcenter: { tag_key: { '@@assign': 'CostCenter' }, tag_value: { '@@assign': ['100', '300*'] } },
      owner: { tag_key: 'Owner', required: true },
    },
  }),
);

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first (npm test does).`);
});

describe('unitag check (built, as a separate process)', () => {
  it('exits 2 on a bad policy, naming the file and the JSON path, before any AWS call', async () => {
    const topic = `arn:aws:sns:${REGION}:000000000000:${uniqueName('never-read')}`;
    const wildcard = file('two-stars.json', '{"tags": {"mail": {"tag_value": ["*@*.com"]}}}');
    const bad = await unitag(['check', '--policy', wildcard, topic], { url: NOWHERE });
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toMatch(
      /two-stars\.json: tags\.mail\.tag_value\[0\]: "\*@\*\.com" holds more than one "\*"/,
    );
    const notPolicy = await unitag(['check', '--policy', file('scp.json', '{"Statement": []}'), topic], {
      url: NOWHERE,
    });
    expect(notPolicy.code).toBe(2);
    expect(notPolicy.stderr).toMatch(/Statement: unknown member: a tag policy holds only "tags"/);
    const missing = await unitag(['check', '--policy', join(dir, 'nope.json'), topic], { url: NOWHERE });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.json/);
    expect((await unitag(['check', topic], { url: NOWHERE })).code).toBe(2);
  });

  it('exits 2 on a bad ARN among good ones, before any AWS call', async () => {
    const topic = `arn:aws:sns:${REGION}:000000000000:${uniqueName('never-read')}`;
    const run = await unitag(
      ['check', '--policy', policy, topic, 'arn:aws:sns:us-east-1:bad', 'not-an-arn'],
      {
        url: NOWHERE,
      },
    );
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/unitag: arn:aws:sns:us-east-1:bad: InvalidArn: /);
    expect(run.stderr).toMatch(/unitag: not-an-arn: InvalidArn: /);
    expect(run.stderr).not.toMatch(/NetworkError|ECONNREFUSED/);
  });

  it('reads ARNs from standard input (find | check -), prints a line per finding, exits 1; 0 when compliant', async () => {
    const [bad, good] = await Promise.all([
      createTopic(awsConfig(), uniqueName('check-e2e')),
      createQueue(awsConfig(), uniqueName('check-e2e')),
    ]);
    const tagger = localTagger();
    await tagger.tag(bad, { costcenter: '999' });
    await tagger.tag(good, { CostCenter: '300-a', Owner: 'anyone' });
    const run = await unitag(['check', '--policy', policy, '-'], {
      input: `${bad}\n\n# a comment\n${good}\n`,
    });
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ARN\s+KEY\s+FINDING\s+DETAIL$/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(
        new RegExp(`^${bad}\\s+CostCenter\\s+key-case\\s+carries "costcenter"; .*"999" not allowed`),
      ),
      expect.stringMatching(new RegExp(`^${bad}\\s+Owner\\s+required-missing\\s+missing`)),
    ]);
    expect(run.stderr).toMatch(
      /Check: 1 compliant, 1 noncompliant \(2 findings, 0 on enforced types\), 0 not read/,
    );

    const csv = await unitag(['check', '--policy', policy, bad, '-o', 'csv']);
    expect(csv.stdout.trim().split('\n')).toEqual([
      'arn,type,key,finding,enforced,detail',
      expect.stringMatching(
        new RegExp(`^${bad},sns:topic,CostCenter,key-case,false,"carries ""costcenter""`),
      ),
      `${bad},sns:topic,Owner,required-missing,false,"missing; the policy requires ""Owner"" on sns:topic"`,
    ]);
    const clean = await unitag(['check', '--policy', policy, good]);
    expect(clean).toMatchObject({ code: 0, stdout: '' });

    // The JSON is the envelope every command prints, valid against the schema the package ships.
    const json = await unitag(['check', '--policy', policy, bad, good, '-o', 'json']);
    const output = JSON.parse(json.stdout);
    const schema = JSON.parse(readFileSync(join(root, 'schema/output.schema.json'), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(output), JSON.stringify(validate.errors)).toBe(true);
    expect(output).toMatchObject({ command: 'check', totals: { total: 2, compliant: 1, noncompliant: 1 } });
    expect(output.resources[0].findings.map((f: { kind: string }) => f.kind)).toEqual([
      'key-case',
      'required-missing',
    ]);
  });

  it('a reader that closes standard output early costs neither the fix file nor a stack trace', async () => {
    const topics = await Promise.all(
      [1, 2, 3].map(async () => {
        const topic = await createTopic(awsConfig(), uniqueName('check-pipe'));
        await localTagger().tag(topic, { costcenter: '100' });
        return topic;
      }),
    );
    const fix = join(dir, `${uniqueName('fix')}.ndjson`);
    const run = await shell(`$UNITAG check --policy ${policy} --fix ${fix} ${topics.join(' ')} | head -1`);
    expect(run.stderr).not.toMatch(/EPIPE|Error:|\n\s+at /);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    const changes = readFileSync(fix, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(changes).toEqual(topics.map((arn) => ({ arn, rename: { costcenter: 'CostCenter' } })));
  });

  it('--fix refuses a symbolic link and a name plan and apply cannot read, before any AWS call', async () => {
    const topic = `arn:aws:sns:${REGION}:000000000000:${uniqueName('never-read')}`;
    const target = file('target.ndjson', 'kept\n');
    const link = join(dir, 'link.ndjson');
    symlinkSync(target, link);
    const linked = await unitag(['check', '--policy', policy, topic, '--fix', link], { url: NOWHERE });
    expect(linked.code).toBe(2);
    expect(linked.stderr).toMatch(/--fix .*link\.ndjson is a symbolic link/);
    expect(readFileSync(target, 'utf8')).toBe('kept\n');
    // The fix never replaces what the check reads: the policy, or the file of ARNs.
    const policyCopy = file('policy-copy.ndjson', readFileSync(policy, 'utf8'));
    const over = await unitag(['check', '--policy', policyCopy, topic, '--fix', policyCopy], {
      url: NOWHERE,
    });
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(/--fix .*policy-copy\.ndjson is .*, which the check reads/);
    expect(readFileSync(policyCopy, 'utf8')).toBe(readFileSync(policy, 'utf8'));
    const named = await unitag(['check', '--policy', policy, topic, '--fix', join(dir, 'fix.txt')], {
      url: NOWHERE,
    });
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/name it \.ndjson \(or \.jsonl\)/);
  });
});

describe('unitag check --policy, repeated: the policies of an organization tree', () => {
  // The root locks the key's spelling and lets children only append or remove values; the OU tries to respell
  // it (left out, as AWS leaves it out), removes 100 and appends 300; the account holds two policies, the first
  // attached of which wins the value of Owner.
  const root = file(
    'root.json',
    JSON.stringify({
      tags: {
        costcenter: {
          tag_key: { '@@assign': 'CostCenter', '@@operators_allowed_for_child_policies': ['@@none'] },
          tag_value: {
            '@@assign': ['100', '200'],
            '@@operators_allowed_for_child_policies': ['@@append', '@@remove'],
          },
        },
      },
    }),
  );
  const ou = file(
    'ou.json',
    JSON.stringify({
      tags: {
        costcenter: {
          tag_key: { '@@assign': 'COSTCENTER' },
          tag_value: { '@@append': ['300'], '@@remove': ['100'] },
        },
      },
    }),
  );
  const account = file(
    'account.json',
    JSON.stringify([
      { tags: { owner: { tag_key: 'Owner', tag_value: { '@@assign': ['platform'] }, required: true } } },
      { tags: { owner: { tag_value: { '@@assign': ['other'] } } } },
    ]),
  );

  it('checks against the merged policy, says what AWS would leave out, and fixes by it', async () => {
    const [removed, misspelt] = await Promise.all([
      createTopic(awsConfig(), uniqueName('check-tree')),
      createTopic(awsConfig(), uniqueName('check-tree')),
    ]);
    const tagger = localTagger();
    await tagger.tag(removed, { CostCenter: '100' });
    await tagger.tag(misspelt, { costcenter: '300', Owner: 'platform' });
    const fix = join(dir, `${uniqueName('tree-fix')}.ndjson`);
    const run = await unitag([
      'check',
      ...['--policy', root, '--policy', ou, '--policy', account],
      ...[removed, misspelt, '--fix', fix, '-o', 'json'],
    ]);
    expect(run.code).toBe(1);
    const output = JSON.parse(run.stdout);
    const findings = output.resources.map((r: { findings: { key: string; kind: string }[] }) =>
      r.findings.map((f) => [f.key, f.kind]),
    );
    expect(findings).toEqual([
      [
        ['CostCenter', 'value-not-allowed'],
        ['Owner', 'required-missing'],
      ],
      [['CostCenter', 'key-case']],
    ]);
    expect(run.stderr).toContain(
      `unitag: note: ${ou}: tags.costcenter.tag_key["@@assign"] does not apply (AWS ignores it too): ${root} allows child policies no operator here`,
    );
    expect(run.stderr).toContain(
      `unitag: note: ${account}[1]: tags.owner.tag_value["@@assign"] does not apply (AWS ignores it too): ${account}[0], attached before it to the same entity, assigns it: the first attached wins`,
    );
    const changes = readFileSync(fix, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(changes).toEqual([
      { arn: removed, setIfAbsent: { Owner: 'platform' } },
      { arn: misspelt, rename: { costcenter: 'CostCenter' } },
    ]);
  });

  it('exits 2 on a bad policy of the tree, naming its file and the JSON path, before any AWS call', async () => {
    const topic = `arn:aws:sns:${REGION}:000000000000:${uniqueName('never-read')}`;
    const bad = file('bad-ou.json', '{"tags": {"costcenter": {"tag_key": {"@@append": ["x"]}}}}');
    const run = await unitag(['check', '--policy', root, '--policy', bad, topic], { url: NOWHERE });
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(
      /bad-ou\.json: tags\.costcenter\.tag_key\["@@append"\]: this setting holds one value: set it with @@assign/,
    );
  });
});
