// The worked example (examples/localstack-vitest) as a user gets it: unitag packed into a tarball, installed
// into a new project with the example's files, whose own Vitest suite starts LocalStack through
// `unitag/localstack`, tags through its own code and asserts with `unitag/testing`; then its type-check. Run
// `npm run build` first (npm test does): the tarball is packed from dist/ as it is.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopic } from '../../fixtures/aws-resources.js';
import { awsConfig, endpoint, localTagger, uniqueName } from '../helpers.js';

const root = new URL('../..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'unitag-consumer-'));
const project = join(work, 'project');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The versions this repository is tested with, for the example's dependencies (what npm's cache holds). */
function pinned(): Record<string, string> {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const version = (name: string) => lock.packages[`node_modules/${name}`].version as string;
  return Object.fromEntries(
    ['@aws-sdk/client-sns', '@aws-sdk/client-sqs', 'vitest', 'typescript', '@types/node'].map((n) => [
      n,
      version(n),
    ]),
  );
}

beforeAll(async () => {
  const packed = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], root);
  if (packed.code !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  const tarball = join(work, packed.stdout.trim().split('\n').at(-1) ?? '');
  cpSync(join(root, 'examples/localstack-vitest'), project, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
  const versions = pinned();
  for (const deps of [manifest.dependencies, manifest.devDependencies]) {
    for (const name of Object.keys(deps)) deps[name] = versions[name] ?? deps[name];
  }
  manifest.dependencies.unitag = `file:${tarball}`;
  writeFileSync(join(project, 'package.json'), JSON.stringify(manifest, null, 2));
  const installed = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], project);
  if (installed.code !== 0) throw new Error(`npm install failed: ${installed.stderr}`);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the worked example, installed from the packed tarball', () => {
  it("runs its own Vitest suite on LocalStack: tags set by its code, asserted with unitag's matchers", async () => {
    const env = { ...process.env, LOCALSTACK_ENDPOINT: endpoint(), AWS_ENDPOINT_URL: '' };
    const out = await run(
      'npx',
      ['vitest', 'run', '--reporter=json', '--outputFile=result.json'],
      project,
      env,
    );
    const result = JSON.parse(readFileSync(join(project, 'result.json'), 'utf8'));
    expect({ code: out.code, passed: result.numPassedTests, failed: result.numFailedTests }).toEqual({
      code: 0,
      passed: 2,
      failed: 0,
    });
  }, 120_000);

  it('type-checks against the declarations the package ships (unitag, unitag/testing, unitag/localstack)', async () => {
    const out = await run('npx', ['tsc', '-p', 'tsconfig.json'], project);
    expect(out.stdout + out.stderr).toBe('');
    expect(out.code).toBe(0);
  }, 120_000);

  it('runs the installed bin (the bundled CLI): --version, --help and a list on LocalStack', async () => {
    const bin = join(project, 'node_modules', '.bin', 'unitag');
    const version = await run(bin, ['--version'], project);
    expect(version).toEqual({
      code: 0,
      stdout: `${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}\n`,
      stderr: '',
    });
    const help = await run(bin, ['tag', '--help'], project);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: unitag tag');
    // A command that runs: its chunks and the packages they load (commander, the SDK) resolve from the install.
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
    };
    const arn = await createTopic(awsConfig(), uniqueName('consumer-bin'));
    await localTagger().tag(arn, { team: 'payments' });
    const listed = await run(bin, ['--endpoint-url', endpoint(), 'list', arn, '-o', 'json'], project, env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).resources).toEqual([
      { arn, type: 'sns:topic', outcome: 'read', tags: { team: 'payments' } },
    ]);
  }, 120_000);

  it('an optional SDK client it did not install: the tagging API serves the type, and it is said once', async () => {
    const script = `
      import { createTagger } from 'unitag';
      const notes = [];
      const tagger = createTagger({ region: 'us-east-1', onNotice: (note) => notes.push(note) });
      const alarm = 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:';
      const adapters = [(await tagger.explain(alarm + 'a')).adapter, (await tagger.explain(alarm + 'b')).adapter];
      console.log(JSON.stringify({ adapters, notes }));`;
    const out = await run(process.execPath, ['--input-type=module', '-e', script], project);
    expect(out.code).toBe(0);
    const { adapters, notes } = JSON.parse(out.stdout);
    expect(adapters).toEqual(['tagging-api', 'tagging-api']);
    expect(notes).toEqual([
      expect.stringMatching(/@aws-sdk\/client-cloudwatch is not installed.*npm install/),
    ]);
  });
});
