// `--shard I/N` and `report merge`, the built CLI as its own processes on LocalStack: three processes apply the
// shards of one job side by side, each line is written by exactly one of them, each (account, region) (and a copy's
// source with its copy) stays in one shard, and their merged report is the report a single process writes of the
// same job (lines and totals; timings aside). Also: a search split in shards, a missing shard, and bad --shard
// values refused before any AWS request.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBucket, createQueue, createTopic } from '../../fixtures/aws-resources.js';
import { awsConfig, endpoint, REGION, uniqueName } from '../helpers.js';

const root = new URL('../..', import.meta.url).pathname;
const cli = join(root, 'dist/bin/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'unitag-shards-'));
const SHARDS = 3;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as its own process, against `aws` (LocalStack by default). */
function unitag(args: string[], aws = endpoint()): Promise<Run> {
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL: aws,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

interface Line {
  arn: string;
  window?: number;
  outcome: string;
}

interface Report {
  job: { fingerprint: string; shard?: { index: number; count: number } };
  totals: Record<string, number>;
  resources: Line[];
}

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Report;
const key = (line: Line) => `${line.arn} ${line.window}`;
const unit = (arn: string) => arn.split(':').slice(3, 5).join('/');
/** Lines in one order, as sets of writes compare. */
const sorted = (lines: Line[]) => [...lines].sort((a, b) => (key(a) < key(b) ? -1 : 1));

const run = uniqueName('shard');
const topics: string[] = [];
const queues: string[] = [];
let bucket = '';
let job = '';

beforeAll(async () => {
  const at = (region: string) => ({ ...awsConfig(), region });
  for (const region of ['us-east-1', 'us-west-2', 'eu-west-1']) {
    for (let i = 0; i < 3; i++) topics.push(await createTopic(at(region), `${run}-${i}`));
  }
  for (const region of ['eu-central-1', 'ap-south-1', 'sa-east-1']) {
    for (let i = 0; i < 2; i++) queues.push(await createQueue(at(region), `${run}-${i}`));
  }
  bucket = await createBucket(awsConfig(), run);
  const line = (value: object) => JSON.stringify(value);
  const lines = [...topics, ...queues, bucket].map((arn, i) =>
    line({ arn, set: { env: run, n: String(i) } }),
  );
  // A second line for a topic, and a queue in eu-central-1 copying from a topic in us-west-2: one shard each.
  lines.push(line({ arn: topics[0], set: { owner: 'a' } }));
  lines.push(line({ arn: queues[0], copyFrom: topics[4] }));
  job = join(dir, 'job.ndjson');
  writeFileSync(job, `${lines.join('\n')}\n`);
  // What the job leaves, taken away again: each run starts from resources without tags.
  const keys = ['env', 'n', 'owner'];
  const reset = [...topics, ...queues, bucket].map((arn) => line({ arn, remove: keys }));
  writeFileSync(join(dir, 'reset.ndjson'), `${reset.join('\n')}\n`);
});

describe('apply --shard I/N, three processes side by side, and report merge', () => {
  let single: Report;
  let parts: Report[];

  beforeAll(async () => {
    // Prepare: the whole job by one process, then its tags taken away.
    const whole = await unitag(['apply', job, '--report', join(dir, 'single.json')]);
    expect(whole.code, whole.stderr).toBe(0);
    single = read(join(dir, 'single.json'));
    const reset = await unitag(['apply', join(dir, 'reset.ndjson')]);
    expect(reset.code, reset.stderr).toBe(0);
    // Act: the shards, at once.
    const runs = await Promise.all(
      Array.from({ length: SHARDS }, (_, i) =>
        unitag(['apply', job, '--shard', `${i}/${SHARDS}`, '--report', join(dir, `shard-${i}.json`)]),
      ),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    parts = Array.from({ length: SHARDS }, (_, i) => read(join(dir, `shard-${i}.json`)));
  }, 240_000);

  it('writes every line of the job exactly once, across the shards', () => {
    const keys = parts.flatMap((part) => part.resources.map(key));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(single.resources.map(key).sort());
    expect(single.totals.total).toBe(topics.length + queues.length + 1);
  });

  it('keeps each (account, region) in one shard, and a copy with its source', () => {
    const shardOf = new Map<string, number>();
    parts.forEach((part, i) => {
      expect(part.job.shard).toEqual({ index: i, count: SHARDS });
      for (const line of part.resources) {
        expect(shardOf.get(unit(line.arn)) ?? i, line.arn).toBe(i);
        shardOf.set(unit(line.arn), i);
      }
    });
    expect(shardOf.get(unit(queues[0] as string))).toBe(shardOf.get(unit(topics[4] as string)));
    // Seven (account, region) units (six regions and S3's), six once the copy joins two: no shard is idle.
    for (const part of parts) expect(part.resources.length).toBeGreaterThan(0);
  });

  it("merges into the single process's report: the same lines and totals, of the same job", async () => {
    // Act
    const out = join(dir, 'merged.json');
    const paths = parts.map((_, i) => join(dir, `shard-${i}.json`));
    const merge = await unitag(['report', 'merge', ...paths, '--report', out, '--output', 'json']);
    // Assess
    expect(merge.code, merge.stderr).toBe(0);
    expect(merge.stderr).toContain(`Merged ${SHARDS} of ${SHARDS} shards`);
    const printed = JSON.parse(merge.stdout);
    const merged = read(out);
    expect(printed).toEqual(merged);
    expect(sorted(merged.resources)).toEqual(sorted(single.resources));
    expect(merged.totals).toEqual(single.totals);
    expect(merged.job).toEqual(single.job);
    expect(printed.shards).toEqual({ count: SHARDS, merged: [0, 1, 2], missing: [] });
    expect(printed.accounts['000000000000']).toEqual(single.totals);
    const ajv = new Ajv({ allErrors: true });
    const validate = ajv.compile(JSON.parse(readFileSync(join(root, 'schema/output.schema.json'), 'utf8')));
    expect(validate(printed), ajv.errorsText(validate.errors)).toBe(true);
    expect(validate(parts[0]), ajv.errorsText(validate.errors)).toBe(true);
  });

  it('merges what is there when a shard is missing, names it, and exits 1', async () => {
    const paths = [0, 2].map((i) => join(dir, `shard-${i}.json`));
    const merge = await unitag(['report', 'merge', ...paths, '--output', 'json']);
    expect(merge.code).toBe(1);
    expect(merge.stderr).toContain(`shards missing: 1/${SHARDS}`);
    expect(JSON.parse(merge.stdout).shards.missing).toEqual([1]);
  });

  it('refuses a shard given twice, and a shard resumed as another (exit 2)', async () => {
    const path = join(dir, 'shard-0.json');
    const twice = await unitag(['report', 'merge', path, path]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('are both shard 0/3');
    const resumed = await unitag(['apply', job, '--shard', '1/3', '--resume', path]);
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toContain('it is the report of shard 0/3, and this run is of shard 1/3');
  });
});

describe('find --shard I/N', () => {
  it("lists each region's resources, and the global ones, in exactly one shard", async () => {
    // The queues' regions (SNS's and S3's many resources of other tests would make a long listing), and S3's buckets.
    const regions = ['eu-central-1', 'ap-south-1', 'sa-east-1'].join(',');
    const search = ['find', '--missing', 'nothing', '--type', 'sqs', '--type', 's3'];
    const mine = (r: Run) => r.stdout.split('\n').filter((arn) => arn.includes(run));
    const whole = await unitag([...search, '--regions', regions]);
    expect(whole.code, whole.stderr).toBe(0);
    const parts = await Promise.all(
      [0, 1, 2, 3].map((i) => unitag([...search, '--regions', regions, '--shard', `${i}/4`])),
    );
    for (const part of parts) expect(part.code, part.stderr).toBe(0);
    const found = parts.flatMap(mine);
    expect(new Set(found).size).toBe(found.length);
    expect(found.sort()).toEqual(mine(whole).sort());
    expect(found).toContain(bucket);
    expect(found).toEqual(expect.arrayContaining(queues));
  }, 120_000);
});

describe('bad --shard values: exit 2, before any AWS request', () => {
  let server: Server;
  let requests = 0;
  let aws = '';
  beforeAll(async () => {
    server = createServer((_, res) => {
      requests++;
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    aws = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it.each([
    ['apply', '3/2'],
    ['plan', '0/0'],
    ['find', 'x/y'],
    ['check', '2/2'],
  ])('%s --shard %s', async (command, value) => {
    const args =
      command === 'find'
        ? ['find', '--tag', 'a']
        : command === 'check'
          ? ['check', '--policy', join(dir, 'none.json'), topics[0] as string]
          : [command, job];
    const result = await unitag([...args, '--shard', value], aws);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--shard ${value.includes('x') ? `"${value}"` : value}`);
    expect(requests).toBe(0);
  });
});
