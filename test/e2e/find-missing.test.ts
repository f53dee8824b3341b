// `unitag find --missing KEY` / `--untagged`, the built CLI as its own process, on LocalStack (shared with other
// tests: only the resources created here are looked at). Run `npm run build` first.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createTopic } from '../../fixtures/aws-resources.js';
import { ACCOUNT, awsConfig, endpoint, localTagger, REGION, uniqueName } from '../helpers.js';

const root = new URL('../..', import.meta.url).pathname;
const cli = join(root, 'dist/bin/cli.js');
const env = (extra: Record<string, string> = {}) => ({
  ...process.env,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: REGION,
  AWS_ENDPOINT_URL: endpoint(),
  UNITAG: `${process.execPath} ${cli}`,
  ...extra,
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Standard error without the notes of requests that got no answer in time (and were sent again). */
function withoutSlowNotes(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('unitag: note: no answer from '))
    .join('\n');
}

/** Runs a shell command line (the CLI is `$UNITAG`), with some environment variables added. */
function sh(command: string, extra: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', command], { env: env(extra) }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

// LocalStack does not throttle: AWS's rates (SQS: 5 tag reads a second) would only slow the reads down.
const FIND = '$UNITAG --max-rate off find --type sns --type sqs --regions us-east-1';

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first (npm test does).`);
});

// Each find lists every SNS topic and SQS queue of the shared LocalStack (as many as the tests before made) in
// several CLI runs: tens of seconds on a loaded machine, so the suite's timeout (which only bounds a hang) is
// raised from the project's 60 s.
describe('unitag find --missing / --untagged (built CLI, on LocalStack)', () => {
  it('prints what lacks a key in every format, never what carries it', async () => {
    // Prepare: a topic with owner, one with team only, a queue never tagged.
    const [owned, teamOnly, bare] = await Promise.all([
      createTopic(awsConfig(), uniqueName('fm-o')),
      createTopic(awsConfig(), uniqueName('fm-t')),
      createQueue(awsConfig(), uniqueName('fm-n')),
    ]);
    const tagger = localTagger();
    await tagger.tag(owned, { owner: 'platform' });
    await tagger.tag(teamOnly, { team: 'a' });
    await tagger.destroy();
    const mine = (lines: string[]) => lines.filter((l) => [owned, teamOnly, bare].some((a) => l.includes(a)));

    // Act
    const [arns, csv, json, table, piped] = await Promise.all([
      sh(`${FIND} --missing owner`),
      sh(`${FIND} --missing owner -o csv`),
      sh(`${FIND} --missing owner -o json`),
      sh(`${FIND} --untagged -o table`),
      sh(`${FIND} --missing owner | $UNITAG --max-rate off list - -o csv`),
    ]);

    // Assess
    // A loaded LocalStack may let a request wait past the read timeout: the CLI says so and asks again (that note is
    // its right answer to a slow endpoint); anything else on standard error is a failure.
    expect(arns.code).toBe(0);
    expect(withoutSlowNotes(arns.stderr)).toBe('');
    expect(mine(arns.stdout.split('\n')).sort()).toEqual([teamOnly, bare].sort());
    expect(csv.stdout.split('\n')[0]).toBe('arn,type,missing');
    expect(mine(csv.stdout.split('\n')).sort()).toEqual(
      [`${teamOnly},sns:topic,owner`, `${bare},sqs:queue,owner`].sort(),
    );
    const output = JSON.parse(json.stdout);
    const validate = new Ajv({ allErrors: true, strict: false }).compile(
      JSON.parse(readFileSync(join(root, 'schema/output.schema.json'), 'utf8')),
    );
    expect(validate(output), JSON.stringify(validate.errors)).toBe(true);
    const lines = output.resources.filter((r: { arn: string }) => [owned, teamOnly, bare].includes(r.arn));
    expect(lines).toEqual(
      expect.arrayContaining([
        { arn: teamOnly, type: 'sns:topic', outcome: 'read', tags: { team: 'a' } },
        { arn: bare, type: 'sqs:queue', outcome: 'read', tags: {} },
      ]),
    );
    expect(lines).toHaveLength(2);
    expect(output.totals.failed).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ARN\s+TYPE\s+MISSING$/);
    expect(mine(table.stdout.split('\n'))).toEqual([expect.stringMatching(/sqs:queue\s+\(no tags\)$/)]);
    expect(piped.code).toBe(0);
    expect(mine(piped.stdout.split('\n'))).toEqual([`${teamOnly},team,a`]);
  });

  it('a service that cannot be listed is a failure (exit 1, on stderr and in JSON); the others are listed', async () => {
    const bare = await createTopic(awsConfig(), uniqueName('fm-f'));
    // SQS alone is sent to a port where nothing listens.
    const out = await sh(`${FIND} --missing owner -o json`, { AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9' });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/NetworkError: listing sqs in us-east-1/);
    const output = JSON.parse(out.stdout);
    expect(output.totals.failed).toBe(1);
    expect(output.resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ arn: bare, outcome: 'read' }),
        expect.objectContaining({
          arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:*`,
          outcome: 'failed',
          error: expect.objectContaining({ code: 'NetworkError', service: 'sqs' }),
        }),
      ]),
    );
  });

  it.each([
    ['--missing aws:cloudformation:stack-name', /ReservedKey|aws: system tag/],
    ['--untagged --type cloudwatch:dashboard', /cannot list cloudwatch:dashboard/],
    ["--missing ''", /empty/],
  ])('%s is bad input: exit 2, nothing on stdout', async (args, message) => {
    const out = await sh(`$UNITAG find ${args}`, { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    expect(out).toMatchObject({ code: 2, stdout: '' });
    expect(out.stderr).toMatch(message);
  });

  it.each([
    ['--missing owner --untagged', /--missing and --untagged together/],
    ['--missing owner --regions ,', /--regions "," names no region/],
    ['--missing owner --regions us-east-1,useast1', /--regions "useast1" is not a region name/],
    ['--missing owner --regions us-east-1,cn-north-1', /one partition at a time.*aws, aws-cn/],
  ])('%s is refused: exit 2, nothing on stdout, no call', async (args, message) => {
    const out = await sh(`$UNITAG find ${args}`, { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    expect(out).toMatchObject({ code: 2, stdout: '' });
    expect(out.stderr).toMatch(message);
  });
}, 300_000);

describe('unitag find --missing against an endless account (a local fake AWS)', () => {
  // Answers STS, an SNS ListTopics that never ends (100 topics a page), and tag reads through the tagging API:
  // every topic carries `team` only. Records the regions the calls were signed for.
  const seen = { listPages: 0, regions: new Set<string>() };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const region = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(request.headers.authorization ?? '')?.[1];
      if (region) seen.regions.add(region);
      const answer = fakeAnswer(request.headers['x-amz-target'], body, region ?? 'us-east-1', seen);
      response.writeHead(200, { 'content-type': answer.type });
      response.end(answer.body);
    });
  });
  let endpointUrl = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpointUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('| head -1 ends the search: the reader closing standard output stops the listing (exit 0)', async () => {
    const out = await sh(
      '$UNITAG --max-rate off find --type sns --missing owner --regions us-east-1 | head -1',
      {
        AWS_ENDPOINT_URL: endpointUrl,
      },
    );
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^arn:aws:sns:us-east-1:123456789012:t-\d+\n$/);
    expect(out.stderr).toBe('');
    // Only the page(s) whose topics were being read when the pipe closed were listed, not an endless run.
    expect(seen.listPages).toBeGreaterThan(0);
    expect(seen.listPages).toBeLessThan(100);
  }, 30_000);

  it('regions of another partition build its ARNs (cn-north-1: arn:aws-cn:), each region once', async () => {
    const out = await sh(
      '$UNITAG --max-rate off find --type sns --missing owner --regions cn-north-1,cn-north-1 | head -3',
      { AWS_ENDPOINT_URL: endpointUrl },
    );
    expect(out.code).toBe(0);
    expect(out.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^arn:aws-cn:sns:cn-north-1:123456789012:t-\d+$/),
      expect.stringMatching(/^arn:aws-cn:sns:cn-north-1:/),
      expect.stringMatching(/^arn:aws-cn:sns:cn-north-1:/),
    ]);
    expect(new Set(out.stdout.trim().split('\n')).size).toBe(3);
    expect(seen.regions).toContain('cn-north-1');
  }, 30_000);
});

/** The fake's answer to one request: STS, SNS ListTopics (endless), or the tagging API's GetResources. */
function fakeAnswer(
  target: string | string[] | undefined,
  body: string,
  region: string,
  seen: { listPages: number },
) {
  if (body.includes('Action=GetCallerIdentity')) {
    return {
      type: 'text/xml',
      body: `<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/t</Arn><UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`,
    };
  }
  if (body.includes('Action=ListTopics')) {
    const page = seen.listPages++;
    const partition = region.startsWith('cn-') ? 'aws-cn' : 'aws';
    const arn = (i: number) => `arn:${partition}:sns:${region}:123456789012:t-${page * 100 + i}`;
    const topics = Array.from({ length: 100 }, (_, i) => `<member><TopicArn>${arn(i)}</TopicArn></member>`);
    return {
      type: 'text/xml',
      body: `<ListTopicsResponse><ListTopicsResult><Topics>${topics.join('')}</Topics><NextToken>p${page + 1}</NextToken></ListTopicsResult></ListTopicsResponse>`,
    };
  }
  if (target === 'ResourceGroupsTaggingAPI_20170126.GetResources') {
    const arns: string[] = JSON.parse(body).ResourceARNList ?? [];
    const list = arns.map((arn) => ({ ResourceARN: arn, Tags: [{ Key: 'team', Value: 'a' }] }));
    return { type: 'application/x-amz-json-1.1', body: JSON.stringify({ ResourceTagMappingList: list }) };
  }
  return { type: 'text/xml', body: `<Error><Code>InvalidAction</Code><Message>not faked</Message></Error>` };
}
