import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import logs from '../../adapters/logs.js';
import {
  createBucket,
  createEc2,
  createLogGroup,
  createQueue,
  createTopic,
} from '../../fixtures/aws-resources.js';
import { startFakeAws } from '../fake-aws.js';
import {
  ACCOUNT,
  awsConfig,
  endpoint,
  localTagger,
  pretendNotInstalled,
  REGION,
  uniqueName,
} from '../helpers.js';

const root = new URL('../..', import.meta.url).pathname;
const cli = join(root, 'dist/bin/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'unitag-e2e-'));
const env = () => ({
  ...process.env,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: REGION,
  AWS_ENDPOINT_URL: endpoint(),
});

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
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

/** Runs the built CLI with some environment variables changed ('' removes one). */
function unitagWith(changes: Record<string, string>, args: string[]): Promise<Run> {
  const environment: NodeJS.ProcessEnv = { ...env() };
  for (const [key, value] of Object.entries(changes)) {
    if (value === '') delete environment[key];
    else environment[key] = value;
  }
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: environment }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

/** Runs a shell pipeline of CLI calls. */
function shell(command: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'sh',
      ['-c', command],
      { env: { ...env(), UNITAG: `${process.execPath} ${cli}` } },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first (npm test does).`);
});

// Each test runs the CLI several times: seconds each on a loaded machine, so the suite's timeout (which only
// bounds a hang) is raised from the project's 60 s.
describe('unitag CLI (built, as a separate process, on LocalStack)', () => {
  it('tag, list in every format, untag', async () => {
    const topic = await createTopic(awsConfig(), uniqueName('cli'));
    const queue = await createQueue(awsConfig(), uniqueName('cli'));
    const tagged = await unitag(['tag', topic, queue, '--tag', 'team=payments', '--tag', 'note= padded ']);
    expect(tagged).toMatchObject({ code: 0 });
    expect(tagged.stdout).toMatch(/ARN\s+OUTCOME/);
    expect(tagged.stderr).toMatch(/2 changed, 0 unchanged, 0 failed/);

    const table = await unitag(['list', topic, queue]);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ARN\s+KEY\s+VALUE$/);
    expect(table.stdout).toContain('payments');

    const json = await unitag(['list', topic, queue, '--output', 'json']);
    expect(JSON.parse(json.stdout).resources).toEqual([
      { arn: topic, type: 'sns:topic', outcome: 'read', tags: { team: 'payments', note: ' padded ' } },
      { arn: queue, type: 'sqs:queue', outcome: 'read', tags: { team: 'payments', note: ' padded ' } },
    ]);

    const csv = await unitag(['list', topic, '-o', 'csv']);
    expect(csv.stdout.trim().split('\n')).toEqual([
      'arn,key,value',
      `${topic},team,payments`,
      `${topic},note," padded "`,
    ]);
    // EC2 takes any character: CSV quoting of commas and quotes, and an empty value written as "".
    const volume = await createEc2(awsConfig(), 'volume');
    expect((await unitag(['tag', volume, '--tag', 'q=a,b "c"', '--tag', 'empty='])).code).toBe(0);
    const quoted = await unitag(['list', volume, '-o', 'csv']);
    expect(quoted.stdout.trim().split('\n').slice(1).sort()).toEqual([
      `${volume},empty,""`,
      `${volume},q,"a,b ""c"""`,
    ]);

    const untagged = await unitag(['untag', topic, '--key', 'note', '-o', 'json']);
    expect(untagged.code).toBe(0);
    expect(JSON.parse(untagged.stdout)).toMatchObject({
      totals: { changed: 1 },
      resources: [{ arn: topic, outcome: 'changed' }],
    });
    expect(await localTagger().list(topic)).toEqual({ team: 'payments' });
  });

  it('reads ARNs from a file and from standard input', async () => {
    const topics = await Promise.all([1, 2, 3].map(() => createTopic(awsConfig(), uniqueName('stdin'))));
    const list = file(`${uniqueName('arns')}.txt`, `# topics\n${topics[0]}\n\n${topics[1]}\n`);
    expect((await unitag(['tag', '--file', list, '--tag', 'from=file'])).code).toBe(0);
    expect((await unitag(['tag', '-', '--tag', 'from=stdin'], `${topics[2]}\n`)).code).toBe(0);
    const read = await localTagger().listMany(topics as string[]);
    expect(read.results.map((r) => r.tags)).toEqual([{ from: 'file' }, { from: 'file' }, { from: 'stdin' }]);
  });

  it('pipes find into tag', async () => {
    const marker = uniqueName('pipe');
    const volumes = await Promise.all([1, 2].map(() => createEc2(awsConfig(), 'volume')));
    await localTagger().tagMany(volumes, { team: marker });
    const piped = await shell(`$UNITAG find --tag team=${marker} | $UNITAG tag - --tag owner=b`);
    expect(piped.code).toBe(0);
    const read = await localTagger().listMany(volumes);
    for (const r of read.results) expect(r.tags).toEqual({ team: marker, owner: 'b' });

    const found = await unitag([
      'find',
      '--tag',
      `team=${marker}`,
      '--type',
      'ec2:volume',
      '--output',
      'json',
    ]);
    expect(
      JSON.parse(found.stdout)
        .resources.map((r: { arn: string }) => r.arn)
        .sort(),
    ).toEqual([...volumes].sort());
    const any = await unitag(['find', '--tag', 'team', '--regions', REGION]);
    for (const v of volumes) expect(any.stdout).toContain(v);
  });

  it('keys named like JavaScript properties: --tag, every output format, and a CSV job', async () => {
    // Prepare
    const topic = await createTopic(awsConfig(), uniqueName('proto'));
    const keys = ['constructor', '__proto__', 'toString', 'valueOf'];
    // Act: the CLI once refused --tag constructor=x as "given twice".
    const tagged = await unitag(['tag', topic, ...keys.flatMap((k) => ['--tag', `${k}=${k}-value`])]);
    // Assess
    expect(tagged.code).toBe(0);
    const expected = keys.map((k) => [k, `${k}-value`]).sort();
    const json = JSON.parse((await unitag(['list', topic, '-o', 'json'])).stdout).resources;
    expect(Object.entries(json[0].tags).sort()).toEqual(expected);
    const csv = (await unitag(['list', topic, '-o', 'csv'])).stdout.trim().split('\n').slice(1);
    expect(csv.map((line) => line.split(',').slice(1)).sort()).toEqual(expected);
    const table = (await unitag(['list', topic])).stdout.trim().split('\n');
    expect(table).toHaveLength(keys.length + 1);
    for (const k of keys) expect(table.some((line) => line.includes(` ${k} `))).toBe(true);

    const job = file(
      `${uniqueName('proto')}.csv`,
      [
        'arn,action,key,value',
        `${topic},set-if-absent,constructor,overwritten`,
        `${topic},set-if-absent,hasOwnProperty,new`,
        `${topic},remove,__proto__,`,
        `${topic},set,valueOf,changed`,
      ].join('\n'),
    );
    const planned = JSON.parse((await unitag(['plan', job, '-o', 'json'])).stdout).resources;
    expect(planned[0]).toMatchObject({
      outcome: 'change',
      set: { hasOwnProperty: 'new', valueOf: 'changed' },
      remove: ['__proto__'],
    });
    const report = join(dir, `${uniqueName('proto')}.json`);
    const applied = await unitag(['apply', job, '--report', report]);
    expect(applied.code).toBe(0);
    expect(JSON.parse(readFileSync(report, 'utf8')).resources[0].after).toEqual(
      JSON.parse(
        '{"constructor":"constructor-value","toString":"toString-value","valueOf":"changed","hasOwnProperty":"new"}',
      ),
    );
    expect(Object.entries(await localTagger().list(topic)).sort()).toEqual([
      ['constructor', 'constructor-value'],
      ['hasOwnProperty', 'new'],
      ['toString', 'toString-value'],
      ['valueOf', 'changed'],
    ]);
  });

  it("refuses an ARN of another account than the credentials' (IAM, EC2): exit 1, AccountMismatch, nothing written", async () => {
    const volume = await createEc2(awsConfig(), 'volume');
    const foreign = volume.replace(`:${ACCOUNT}:`, ':111111111111:');
    const run = await unitag(['tag', foreign, '--tag', 'k=v']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${foreign}: AccountMismatch`);
    expect(await localTagger().list(volume)).toEqual({});
  });

  it('a job whose lines break the rules: found before any call; plan, apply and dry run all exit 2', async () => {
    const topic = await createTopic(awsConfig(), uniqueName('badjob'));
    const missing = `arn:aws:sns:${REGION}:${ACCOUNT}:${uniqueName('missing')}`;
    const job = file(
      `${uniqueName('badjob')}.ndjson`,
      [
        { arn: missing, set: { 'aws:reserved': 'x' } },
        { arn: missing, set: { long: 'v'.repeat(257) } },
        { arn: missing, set: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
        { arn: missing, set: { ctl: 'a\u0007b' } },
        { arn: topic, set: { good: 'yes' } },
      ]
        .map((line) => JSON.stringify(line))
        .join('\n'),
    );
    // Reads through each service's own calls, so that the calls count what was read (LocalStack's tagging API
    // pages through every resource it holds, whatever ARNs are asked for).
    const planned = await unitag(['--no-tagging-api', 'plan', job, '-o', 'json']);
    const dry = await unitag(['apply', job, '--dry-run']);
    const applied = await unitag(['apply', job, '-o', 'json']);
    expect([planned.code, dry.code, applied.code]).toEqual([2, 2, 2]);
    // Each bad line is reported with its number and left out; the good line is planned.
    expect(JSON.parse(planned.stdout).resources.map((e: { outcome: string }) => e.outcome)).toEqual([
      'change',
    ]);
    for (const [line, code] of [
      [1, 'ReservedKey'],
      [2, 'InvalidTag'],
      [3, 'TagLimitExceeded'],
      [4, 'InvalidTag'],
    ]) {
      expect(planned.stderr).toContain(`:${line}: ${code}`);
    }
    // Only the good line's resource was read: one read, no ResourceNotFound for the missing topic.
    expect(JSON.parse(planned.stdout).calls).toBe(1);
    expect(await localTagger().list(topic)).toEqual({ good: 'yes' });
  });

  it('bounds every request and its retries: --read-timeout and --retry-for against a server that never answers end with Timeout, exit 1', async () => {
    const fake = await startFakeAws();
    fake.answer = 'hang';
    try {
      const run = await unitag([
        '--endpoint-url',
        fake.endpoint,
        '--read-timeout',
        '0.5',
        '--retry-for',
        '2',
        'tag',
        `arn:aws:sns:${REGION}:${ACCOUNT}:t`,
        '--tag',
        'a=1',
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('Timeout');
      // Timed from the first request (the CLI's start, seconds on a loaded machine, is not what the options
      // bound): a few 0.5 s attempts and backoffs, far from the SDK's 60 s read timeout.
      expect(Date.now() - (fake.arrivals[0] as number)).toBeLessThan(15_000);
    } finally {
      await fake.close();
    }
  });

  it('configuration mistakes are exit 2 before any call, and say what to do', async () => {
    const fake = await startFakeAws();
    const topic = `arn:aws:sns:${REGION}:${ACCOUNT}:t`;
    try {
      const bad = await unitag(['--endpoint-url', 'notaurl', 'list', topic]);
      expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('is not a URL')]);
      const region = await unitag(['--region', 'mars', 'list', topic]);
      expect([region.code, region.stderr]).toEqual([2, expect.stringContaining('not a region name')]);
      const noCredentials = await unitagWith(
        {
          AWS_ACCESS_KEY_ID: '',
          AWS_SECRET_ACCESS_KEY: '',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
        ['--endpoint-url', fake.endpoint, '--profile', 'nosuch', 'tag', topic, '--tag', 'a=1'],
      );
      expect(noCredentials.code).toBe(2);
      expect(noCredentials.stderr).toContain('CredentialsError');
      expect(noCredentials.stderr).toContain('"nosuch"');
      const noRegion = await unitagWith(
        { AWS_REGION: '', AWS_DEFAULT_REGION: '', AWS_CONFIG_FILE: '/dev/null' },
        ['--endpoint-url', fake.endpoint, 'find', '--tag', 'a=1'],
      );
      expect(noRegion.code).toBe(2);
      expect(noRegion.stderr).toContain('You must specify a region');
      expect(fake.requests).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('a reader that closes standard output early ends the output quietly', async () => {
    // Find reaches log groups on LocalStack: two of them, so there is more to print. Its GetResources sees only
    // the log-group tags its own TagResources set, so they are tagged as where the Logs client is not installed.
    const marker = uniqueName('piped');
    const groups = await Promise.all(
      [1, 2].map((i) => createLogGroup(awsConfig(), `/unitag/${marker}-${i}`)),
    );
    const restore = pretendNotInstalled(logs());
    await localTagger({ onNotice: () => {} })
      .tagMany(groups, { piped: marker })
      .finally(restore);
    const topic = await createTopic(awsConfig(), uniqueName('pipe'));
    for (const command of [
      `$UNITAG find --tag piped=${marker} | head -1`,
      '$UNITAG help tag | head -3',
      `$UNITAG list --output csv ${topic} | head -1`,
    ]) {
      const run = await shell(command);
      expect(run.stderr, command).not.toMatch(/EPIPE|Error:|at /);
      expect(run.stdout.length, command).toBeGreaterThan(0);
    }
  });

  it('every command prints one JSON shape, valid against the shipped schema, failures included; --query selects', async () => {
    const ajv = new Ajv({ allErrors: true });
    const validate = ajv.compile(JSON.parse(readFileSync(join(root, 'schema/output.schema.json'), 'utf8')));
    const topic = await createTopic(awsConfig(), uniqueName('json'));
    const missing = `arn:aws:sqs:${REGION}:${ACCOUNT}:${uniqueName('missing')}`;
    const job = file(
      `${uniqueName('json')}.csv`,
      `arn,key,value\n${topic},shape,one\n${missing},shape,one\n`,
    );
    const runs = {
      tag: await unitag(['tag', topic, missing, '--tag', 'json=yes', '-o', 'json']),
      untag: await unitag(['untag', topic, '--key', 'json', '-o', 'json']),
      list: await unitag(['list', topic, missing, '-o', 'json']),
      find: await unitag(['find', '--tag', 'shape', '-o', 'json']),
      plan: await unitag(['plan', job, '-o', 'json']),
      dryRun: await unitag(['apply', job, '--dry-run', '-o', 'json']),
      apply: await unitag(['apply', job, '-o', 'json']),
    };
    for (const [name, run] of Object.entries(runs)) {
      const json = JSON.parse(run.stdout);
      expect(validate(json), `${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      expect(json.version, name).toBe(2);
    }
    // Failures are in the JSON, not only on standard error.
    const listed = JSON.parse(runs.list.stdout);
    expect(listed.resources.map((r: { outcome: string }) => r.outcome)).toEqual(['read', 'failed']);
    expect(JSON.parse(runs.apply.stdout).calls).toBeGreaterThanOrEqual(3); // the plan's reads and the write
    const query = await unitag(['list', topic, '--query', 'resources[].tags.shape']);
    expect(JSON.parse(query.stdout)).toEqual(['one']);
    const bad = await unitag(['list', topic, '--query', 'resources[']);
    expect(bad.code).toBe(2);
  });

  it('report files: written beside under a fresh name (never through a planted link), mode kept, unwritable is exit 2 first', async () => {
    const topic = await createTopic(awsConfig(), uniqueName('report'));
    const job = file(`${uniqueName('report')}.csv`, `arn,key,value\n${topic},r,1\n`);
    // A planted link where the old fixed temporary name was.
    const report = join(dir, `${uniqueName('r')}.json`);
    const victim = file(`${uniqueName('victim')}.txt`, 'precious');
    symlinkSync(victim, `${report}.tmp`);
    writeFileSync(report, '{}');
    chmodSync(report, 0o600);
    const applied = await unitag(['apply', job, '--report', report]);
    expect(applied.code).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(statSync(report).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(report, 'utf8'))).toMatchObject({
      version: 2,
      command: 'apply',
      totals: { changed: 1 },
    });
    // A report that cannot be written stops the command before any call.
    const other = await createTopic(awsConfig(), uniqueName('report'));
    const job2 = file(`${uniqueName('report')}.csv`, `arn,key,value\n${other},r,1\n`);
    const unwritable = await unitag(['apply', job2, '--report', join(dir, 'no-such-dir', 'r.json')]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toContain('cannot write the report');
    expect(await localTagger().list(other)).toEqual({});
  });

  it("resume belongs to its job: another job's report is exit 2 unless forced; a resume reads nothing done", async () => {
    const [a, b] = await Promise.all([
      createTopic(awsConfig(), uniqueName('ja')),
      createTopic(awsConfig(), uniqueName('jb')),
    ]);
    const jobA = file(`${uniqueName('ja')}.csv`, `arn,key,value\n${a},job,a\n`);
    const jobB = file(`${uniqueName('jb')}.csv`, `arn,key,value\n${b},job,b\n`);
    const report = join(dir, `${uniqueName('resume')}.json`);
    expect((await unitag(['apply', jobA, '--report', report])).code).toBe(0);
    const refused = await unitag(['apply', jobB, '--resume', report]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--force-resume');
    expect(await localTagger().list(b)).toEqual({});
    // The same job again: nothing read, nothing written, every line as the report had it.
    const again = await unitag(['apply', jobA, '--resume', report, '-o', 'json']);
    expect(again.code).toBe(0);
    const json = JSON.parse(again.stdout);
    expect(json.calls).toBe(1); // STS, for the job's identity: no read, no write
    expect(json.resources).toMatchObject([{ arn: a, outcome: 'changed', resumed: true }]);
    // Forced: job B runs, taking the report as given.
    const forced = await unitag(['apply', jobB, '--resume', report, '--force-resume']);
    expect(forced.code).toBe(0);
    expect(await localTagger().list(b)).toEqual({ job: 'b' });
  });

  it('more mistakes found before any call: a report that is a directory or the job itself, timeouts a timer cannot hold, bad --regions', async () => {
    const topic = await createTopic(awsConfig(), uniqueName('early'));
    const job = file(`${uniqueName('early')}.csv`, `arn,key,value\n${topic},e,1\n`);
    const runs = [
      await unitag(['apply', job, '--report', dir]),
      await unitag(['apply', job, '--report', job]),
      await unitag(['--read-timeout', '1e9', 'list', topic]),
      await unitag(['find', '--tag', 'a', '--regions', 'US_EAST']),
    ];
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2]);
    expect(await localTagger().list(topic)).toEqual({});
    expect(readFileSync(job, 'utf8')).toBe(`arn,key,value\n${topic},e,1\n`);
  });

  it('--query: functions work; one that fails on the output still reports the writes, exit 2', async () => {
    const topic = await createTopic(awsConfig(), uniqueName('query'));
    const counted = await unitag(['list', topic, '--query', 'length(resources)']);
    expect([counted.code, JSON.parse(counted.stdout)]).toEqual([0, 1]);
    const failing = await unitag(['tag', topic, '--tag', 'q=1', '--query', 'resources && abs(command)']);
    expect(failing.code).toBe(2);
    expect(failing.stderr).toMatch(/1 changed/);
    expect(failing.stderr).toContain('--query could not be applied');
    expect(await localTagger().list(topic)).toEqual({ q: '1' });
  });

  it('exit codes: 0 all succeeded, 1 some failed, 2 bad usage or input', async () => {
    const topic = await createTopic(awsConfig(), uniqueName('codes'));
    const missingQueue = `arn:aws:sqs:${REGION}:${ACCOUNT}:${uniqueName('missing')}`;
    expect((await unitag(['tag', topic, '--tag', 'a=1'])).code).toBe(0);

    const partly = await unitag(['tag', topic, missingQueue, '--tag', 'a=2']);
    expect(partly.code).toBe(1);
    expect(partly.stderr).toContain(`${missingQueue}: ResourceNotFound`);
    expect(await localTagger().list(topic)).toEqual({ a: '2' });

    for (const args of [
      ['tag', topic],
      ['tag', topic, '--tag', 'novalue'],
      ['tag', '--tag', 'a=1'],
      ['tag', 'not-an-arn', '--tag', 'a=1'],
      ['tag', topic, '--tag', 'aws:reserved=1'],
      ['list', topic, '--output', 'yaml'],
      ['frobnicate'],
      ['plan', join(dir, 'no-such-job.csv')],
      ['apply', file('job.txt', 'x')],
      ['--concurrency', '0', 'list', topic],
    ]) {
      const run = await unitag(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).not.toBe('');
    }
    // A list that read nothing prints no table: its one line is the error.
    const unread = await unitag(['list', 'not-an-arn']);
    expect([unread.code, unread.stdout]).toEqual([2, '']);
    expect(unread.stderr).toContain('not-an-arn: InvalidArn');
    expect(await localTagger().list(topic)).toEqual({ a: '2' });
  });

  it('takes --endpoint-url, --region and --profile as the AWS CLI does', async () => {
    // LocalStack takes a 12-digit access key id as the account: the profile's account owns this topic.
    const account = '222222222222';
    const theirs = await createTopic(
      { ...awsConfig(), credentials: { accessKeyId: account, secretAccessKey: 'test' } },
      uniqueName('profile'),
    );
    const credentials = file(
      `${uniqueName('credentials')}`,
      `[other]\naws_access_key_id = ${account}\naws_secret_access_key = test\n`,
    );
    const config = file(`${uniqueName('config')}`, '[profile other]\nregion = us-east-1\n');
    const bare: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_CONFIG_FILE: config,
    };
    for (const key of [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_ENDPOINT_URL',
      'AWS_REGION',
      'AWS_PROFILE',
    ]) {
      delete bare[key];
    }
    const run = (args: string[]) =>
      new Promise<Run>((resolve) =>
        execFile(process.execPath, [cli, ...args], { env: bare }, (error, stdout, stderr) =>
          resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
        ),
      );
    const tagged = await run([
      '--endpoint-url',
      endpoint(),
      '--profile',
      'other',
      'tag',
      theirs,
      '--tag',
      'p=1',
    ]);
    expect(tagged.code, tagged.stderr).toBe(0);
    const listed = await run([
      '--endpoint-url',
      endpoint(),
      '--profile',
      'other',
      '--region',
      REGION,
      'list',
      theirs,
      '-o',
      'json',
    ]);
    expect(JSON.parse(listed.stdout).resources).toEqual([
      { arn: theirs, type: 'sns:topic', outcome: 'read', tags: { p: '1' } },
    ]);
  });

  it('every command has --help with examples', async () => {
    for (const command of ['tag', 'untag', 'list', 'find', 'plan', 'apply']) {
      const help = await unitag([command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).toContain('Examples:');
    }
  });

  it('prints --help from its pages as the program itself prints it', async () => {
    // `--help` alone is printed without loading the commands; a global option first leaves it to commander.
    for (const command of [[], ['tag'], ['apply'], ['report', 'merge']]) {
      const [fast, full] = await Promise.all([
        unitag([...command, '--help']),
        unitag(['--region', REGION, ...command, '--help']),
      ]);
      expect(fast.code, command.join(' ')).toBe(0);
      expect(full.code, command.join(' ')).toBe(0);
      expect(fast.stdout, command.join(' ')).toContain('Usage: unitag');
      expect(fast.stdout, command.join(' ')).toBe(full.stdout);
      expect(fast.stderr).toBe('');
    }
  });

  it('plans a CSV job with bad lines: each reported by line number, the valid lines planned, nothing written', async () => {
    const topic = await createTopic(awsConfig(), uniqueName('job'));
    await localTagger().tag(topic, { Team: 'a' });
    const job = file(
      `${uniqueName('job')}.csv`,
      [
        'arn,action,key,value',
        `${topic},rename,Team,team`,
        `${topic},set,empty,`,
        `${topic},set,blank,""`,
        'not-an-arn,set,a,b',
        `${topic},explode,a,b`,
        `${topic},set-if-absent,owner,platform`,
      ].join('\n'),
    );
    const plan = await unitag(['plan', job]);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain(`${job}:3: empty value for "empty"`);
    expect(plan.stderr).toContain(`${job}:5: InvalidArn: Invalid ARN`);
    expect(plan.stderr).toContain(`${job}:6: unknown action "explode"`);
    expect(plan.stdout).toContain('+ team = "a"');
    expect(plan.stdout).toContain('- Team (was "a")');
    expect(plan.stdout).toContain('+ blank = ""');
    expect(plan.stdout).toMatch(/Plan: 1 to change, 0 unchanged, 0 failed/);
    expect(await localTagger().list(topic)).toEqual({ Team: 'a' });

    const applied = await unitag(['apply', job]);
    expect(applied.code).toBe(2);
    expect(await localTagger().list(topic)).toEqual({ team: 'a', blank: '', owner: 'platform' });
  });

  it('applies JSON and NDJSON jobs, and a dry run writes nothing', async () => {
    const [a, b] = await Promise.all([
      createTopic(awsConfig(), uniqueName('json')),
      createBucket(awsConfig(), uniqueName('json')),
    ]);
    const json = file(
      `${uniqueName('job')}.json`,
      JSON.stringify([
        { arn: a, set: { k: 'json' } },
        { arn: b, set: { k: 'json' } },
      ]),
    );
    const dry = await unitag(['apply', json, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Nothing was written');
    expect(await localTagger().list(a as string)).toEqual({});
    expect((await unitag(['apply', json])).code).toBe(0);
    const ndjson = file(
      `${uniqueName('job')}.ndjson`,
      `{"arn":"${a}","remove":["k"]}\n{"arn":"${b}","rename":{"k":"kk"}}\n{oops\n`,
    );
    const run = await unitag(['apply', ndjson, '--output', 'csv']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${ndjson}:3: not JSON`);
    expect(run.stdout.split('\n')[0]).toBe('arn,outcome,error_code,error_message');
    expect(await localTagger().list(a as string)).toEqual({});
    expect(await localTagger().list(b as string)).toEqual({ kk: 'json' });
    const planJson = await unitag(['plan', json, '--output', 'json']);
    expect(JSON.parse(planJson.stdout)).toMatchObject({
      version: 2,
      command: 'plan',
      totals: { change: 2 },
      resources: [{ outcome: 'change', set: { k: 'json' } }, {}],
    });
  });

  it('an interrupted job keeps its report consistent, and --resume finishes the rest without redoing any', async () => {
    const { topics, job, report, child, proxy } = await startSlowJob('resume', { resumed: 'yes' }, 5);
    try {
      await untilReportHas(report, 5, child);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      // The requests it held were the killed run's: never sent on (a write it did not make stays unmade).
      proxy.stopHolding();

      // The killed run left its journal, a JSON line per finished resource (the last may be cut short), and
      // every resource it calls done really is done.
      expect(existsSync(report)).toBe(false);
      const done = journalLines(report)
        .filter((r) => r.outcome === 'changed')
        .map((r) => r.arn);
      expect(done.length).toBeGreaterThanOrEqual(5);
      expect(done.length).toBeLessThan(150);
      for (const r of (await localTagger().listMany(done)).results)
        expect(r.tags).toEqual({ resumed: 'yes' });

      // Resumed against the same endpoint (the report's job names it), which now holds nothing.
      const resumed = await unitagWith({ AWS_ENDPOINT_URL: proxy.url }, [
        '--max-rate',
        'off',
        'apply',
        job,
        '--resume',
        report,
        '--output',
        'json',
      ]);
      expect(resumed.code, resumed.stderr).toBe(0);
      const final = JSON.parse(readFileSync(report, 'utf8'));
      expect(existsSync(`${report}.journal`)).toBe(false);
      expect(final.totals).toMatchObject({ total: 150, failed: 0, skipped: 0 });
      expect(final.totals.changed + final.totals.unchanged).toBe(150);
      // Nothing already done was touched: resources the first run did are reported as it reported them.
      const second = JSON.parse(resumed.stdout);
      for (const arn of done)
        expect(second.resources.find((r: { arn: string }) => r.arn === arn)).toMatchObject({
          outcome: 'changed',
        });
      const all = await localTagger().listMany(topics);
      for (const r of all.results) expect(r.tags).toEqual({ resumed: 'yes' });
    } finally {
      await proxy.close();
    }
  }, 180_000);

  it('Ctrl-C stops starting new work, writes the report, and exits 130', async () => {
    const { job, report, child, proxy } = await startSlowJob('sigint', { s: '1' }, 3);
    try {
      await untilReportHas(report, 3, child);
      child.kill('SIGINT');
      // The call under way (held) goes on to LocalStack once the signal is sent, and finishes.
      proxy.release();
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(code).toBe(130);
      const saved = JSON.parse(readFileSync(report, 'utf8'));
      expect(saved.totals.changed).toBeGreaterThanOrEqual(3);
      expect(saved.totals.changed).toBeLessThan(150);
      const resumed = await unitagWith({ AWS_ENDPOINT_URL: proxy.url }, [
        '--max-rate',
        'off',
        'apply',
        job,
        '--resume',
        report,
      ]);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(JSON.parse(readFileSync(report, 'utf8')).totals).toMatchObject({ total: 150, changed: 150 });
    } finally {
      await proxy.close();
    }
  }, 180_000);
}, 180_000);

/**
 * Starts `apply` of a job setting `tags` on 150 new topics, one call at a time, with a report, through a proxy
 * to LocalStack that holds every request once the report's journal has `interruptAfter` changed lines: the job
 * cannot finish before the test interrupts it, however the machine shares its time between the two.
 */
async function startSlowJob(prefix: string, tags: Record<string, string>, interruptAfter: number) {
  const topics = await Promise.all(
    Array.from({ length: 150 }, () => createTopic(awsConfig(), uniqueName(prefix))),
  );
  const lines = topics.map((arn) => JSON.stringify({ arn, set: tags }));
  const job = file(`${uniqueName('job')}.ndjson`, lines.join('\n'));
  const report = join(dir, `${uniqueName('report')}.json`);
  const proxy = await holdingProxy(
    () => journalLines(report).filter((line) => line.outcome === 'changed').length >= interruptAfter,
  );
  // One call at a time, at LocalStack's pace: AWS's rate limits are not what these tests look at.
  const args = [
    cli,
    '--concurrency',
    '1',
    '--max-rate',
    'off',
    '--no-tagging-api',
    'apply',
    job,
    '--report',
    report,
  ];
  const child = spawn(process.execPath, args, {
    env: { ...env(), AWS_ENDPOINT_URL: proxy.url },
    stdio: 'ignore',
  });
  return { topics, job, report, child, proxy };
}

/**
 * A proxy to LocalStack that, once `hold()` is true when a request arrives, keeps that request and every later
 * one (never sent on) until `release` (which sends them on) or `stopHolding` (which drops them: their client is
 * gone); after either, every request goes through.
 */
async function holdingProxy(hold: () => boolean) {
  const target = new URL(endpoint());
  let holding = true;
  const held: (() => void)[] = [];
  const proxy = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const forward = () => {
        const out = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            method: request.method,
            path: request.url,
            headers: request.headers,
          },
          (answer) => {
            response.writeHead(answer.statusCode ?? 500, answer.headers);
            answer.pipe(response);
          },
        );
        out.on('error', () => response.destroy());
        out.end(Buffer.concat(chunks));
      };
      if (holding && hold()) held.push(forward);
      else forward();
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    release() {
      holding = false;
      for (const forward of held.splice(0)) forward();
    },
    stopHolding() {
      holding = false;
      held.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}

/** The lines of a report's journal that parse (a kill may cut the last one short). */
function journalLines(report: string): { arn: string; outcome: string }[] {
  if (!existsSync(`${report}.journal`)) return [];
  return readFileSync(`${report}.journal`, 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        return [JSON.parse(line)];
      } catch {
        return [];
      }
    })
    .filter((line) => typeof line.arn === 'string');
}

/**
 * Resolves once the report's journal has `done` changed lines; throws if the job ends first. No deadline of its
 * own: a loaded machine takes longer to get there, and the test's timeout bounds a hang.
 */
async function untilReportHas(path: string, done: number, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `the job ended (exit ${child.exitCode ?? child.signalCode}) before it could be interrupted`,
      );
    if (journalLines(path).filter((line) => line.outcome === 'changed').length >= done) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
