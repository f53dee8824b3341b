// One copy of the AWS SDK in a user's project: unitag's @aws-sdk dependencies are caret ranges, so a project that
// installs a newer client than unitag was tested with gets that one client, unitag's calls included, and
// aws-sdk-client-mock on the project's own SQSClient sees unitag's calls (docs/testing.md's recipe). Packed
// tarball, scratch project, the newest client-sqs the registry serves. Run `npm run build` first (npm test does).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'unitag-sdk-copy-'));
const project = join(work, 'project');

function run(command: string, args: string[], cwd: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    execFile(command, args, { cwd, env, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const tested = (name: string) => lock.packages[`node_modules/${name}`].version as string;
let newest = '';

beforeAll(async () => {
  const packed = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], root);
  if (packed.code !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  const tarball = join(work, packed.stdout.trim().split('\n').at(-1) ?? '');
  const latest = await run('npm', ['view', '@aws-sdk/client-sqs', 'version'], work);
  newest = latest.stdout.trim();
  if (latest.code !== 0 || newest === '') throw new Error(`npm view failed: ${latest.stderr}`);
  rmSync(project, { recursive: true, force: true });
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'scratch', version: '1.0.0', type: 'module', private: true }),
  );
  const args = ['install', '--no-audit', '--no-fund', tarball, `@aws-sdk/client-sqs@${newest}`];
  const installed = await run(
    'npm',
    [...args, `aws-sdk-client-mock@${tested('aws-sdk-client-mock')}`],
    project,
  );
  if (installed.code !== 0) throw new Error(`npm install failed: ${installed.stderr}`);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the packed tarball beside the project's own, newer, SDK client", () => {
  it('installs one copy of client-sqs, the project’s, which unitag uses', async () => {
    const listed = await run('npm', ['ls', '@aws-sdk/client-sqs', '--all', '--json'], project);
    const versions: string[] = [];
    const walk = (node: { dependencies?: Record<string, { version: string }> }) => {
      for (const [name, child] of Object.entries(node.dependencies ?? {})) {
        if (name === '@aws-sdk/client-sqs') versions.push(child.version);
        walk(child as never);
      }
    };
    walk(JSON.parse(listed.stdout));
    expect(new Set(versions)).toEqual(new Set([newest]));
    expect(existsSync(join(project, 'node_modules/unitag/node_modules/@aws-sdk/client-sqs'))).toBe(false);
  });

  it("aws-sdk-client-mock on the project's SQSClient sees unitag's calls, and nothing goes to AWS", async () => {
    writeFileSync(
      join(project, 'mocked.mjs'),
      `import { mockClient } from 'aws-sdk-client-mock';
import { ListQueueTagsCommand, SQSClient, TagQueueCommand } from '@aws-sdk/client-sqs';
import { createTagger } from 'unitag';
const sqs = mockClient(SQSClient);
sqs.onAnyCommand().rejects(new Error('not mocked'));
sqs.on(TagQueueCommand).resolves({});
sqs.on(ListQueueTagsCommand).resolves({ Tags: { team: 'a' } });
const tagger = createTagger({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const arn = 'arn:aws:sqs:us-east-1:123456789012:orders';
await tagger.tag(arn, { team: 'a' });
const tags = await tagger.list(arn);
console.log(JSON.stringify({ tagged: sqs.commandCalls(TagQueueCommand).map((c) => c.args[0].input), tags }));
`,
    );
    const ran = await run(process.execPath, ['mocked.mjs'], project);
    expect(ran.stderr).toBe('');
    expect(JSON.parse(ran.stdout)).toEqual({
      tagged: [{ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders', Tags: { team: 'a' } }],
      tags: { team: 'a' },
    });
  });
});
