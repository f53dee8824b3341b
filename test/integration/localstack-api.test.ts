// startLocalStack, the API a user's global setup calls: the LocalStack it is given, one it finds, or one it
// starts (a second, embedded one on a free port, from the same virtualenv cache as the shared one), and the
// errors that say what is missing; an embedded one ending with the process that started it, and the documented
// command (docs/testing-with-localstack.md) that stops one left running. The errors that depend on the
// environment, and that command, run the built API in a child process (npm test builds first).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, describe, expect, it } from 'vitest';
import { health, startLocalStack } from '../../src/localstack.js';
import { endpoint, uniqueName } from '../helpers.js';
import {
  eventually,
  exited,
  fakePython,
  freePort,
  killOwners,
  owner,
  ownerEnv,
  removeTempDirs,
} from '../localstack-fake.js';

afterAll(removeTempDirs);

const root = new URL('../..', import.meta.url).pathname;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Runs the built startLocalStack in a child process with `env`; prints the error's code, reason and message. */
function startIn(
  env: Record<string, string>,
  options: object,
): Promise<{ code: string; reason: string; message: string }> {
  const script = `
    import { startLocalStack } from ${JSON.stringify(join(root, 'dist/src/localstack.js'))};
    try { const ls = await startLocalStack(${JSON.stringify(options)}); await ls.stop(); console.log(JSON.stringify({ code: 'none' })); }
    catch (e) { console.log(JSON.stringify({ code: e.code, reason: e.reason, message: e.message })); }`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { env }, (error, stdout) =>
      error ? reject(error) : resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')),
    );
  });
}

describe('startLocalStack', () => {
  it('uses the LocalStack it is given, waits for its services, and leaves it running on stop', async () => {
    const localstack = await startLocalStack({ endpoint: endpoint(), services: ['sns', 'sqs'] });
    expect(localstack).toMatchObject({ endpoint: endpoint(), started: false });
    await localstack.stop();
    expect(await health(endpoint())).toBeDefined();
  });

  it('starts an embedded LocalStack on a free port, serves the services asked for, and stop ends it', async () => {
    const localstack = await startLocalStack({
      endpoint: undefined,
      port: 0,
      services: ['sns'],
      log: () => {},
    });
    try {
      expect(localstack.started).toBe(true);
      expect(localstack.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(localstack.endpoint).not.toBe(endpoint());
      const sns = new SNSClient({ region: 'us-east-1', endpoint: localstack.endpoint, credentials });
      const topic = await sns.send(new CreateTopicCommand({ Name: uniqueName('ls-api') }));
      expect(topic.TopicArn).toMatch(/^arn:aws:sns:us-east-1:000000000000:ls-api-/);
      sns.destroy();
      // A service it was started without is disabled there: asking that LocalStack for it fails at once, not
      // after waiting out startTimeout for it (a bound of half that holds however slow a health check is here).
      const begun = Date.now();
      const asked = { endpoint: localstack.endpoint, services: ['sns', 'sqs'], startTimeout: 60_000 };
      await expect(startLocalStack(asked)).rejects.toMatchObject({
        reason: 'service-disabled',
        message: expect.stringMatching(new RegExp(`${localstack.endpoint} does not run sqs`)),
      });
      expect(Date.now() - begun).toBeLessThan(asked.startTimeout / 2);
    } finally {
      await localstack.stop();
    }
    expect(await health(localstack.endpoint)).toBeUndefined();
    expect(existsSync(dirname(localstack.logFile as string))).toBe(false);
  }, 120_000);

  it('an embedded LocalStack ends when the process that started it is killed (SIGKILL)', async () => {
    const port = await freePort();
    const { child, result } = owner({ port, services: ['sns'] }, ownerEnv(), 'wait');
    try {
      expect(await result).toMatchObject({ started: true, endpoint: `http://127.0.0.1:${port}` });
      child.kill('SIGKILL');
      await exited(child);
      // Its watchdog ends it: SIGTERM, then SIGKILL after 10 s if LocalStack has not ended (slower when loaded).
      const ended = await eventually(async () => !(await health(`http://127.0.0.1:${port}`)), 60_000);
      expect(ended).toBe(true);
    } finally {
      killOwners();
    }
  }, 120_000);

  it('the documented command to stop a LocalStack left running stops it, from a project that installed unitag', async () => {
    // Prepare: a project whose node_modules/unitag is this package (built), and a kept (fake) LocalStack.
    const page = readFileSync(join(root, 'docs', 'testing-with-localstack.md'), 'utf8');
    const command = page.match(/^ *(node -e "import\('unitag\/localstack'\)[^\n]*)$/m)?.[1] as string;
    expect(command).toContain('stopLocalStack({ port: 4566 })');
    const project = mkdtempSync(join(tmpdir(), 'unitag-stop-'));
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(root, join(project, 'node_modules', 'unitag'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'unitag-ls-'));
    const port = await freePort();
    const kept = owner(
      { cacheDir, port, python: fakePython(), services: ['sns'], keep: true },
      ownerEnv(),
      'exit',
    );
    await kept.result;
    await exited(kept.child);
    expect(await health(`http://127.0.0.1:${port}`)).toBeDefined();
    // Act
    const script = command.replace('4566', String(port)).replace(/^node -e "(.*)"$/, '$1');
    await new Promise((resolve, reject) =>
      execFile(
        process.execPath,
        ['-e', script],
        { cwd: project, env: { ...process.env, UNITAG_CACHE_DIR: cacheDir } },
        (error) => (error ? reject(error) : resolve(undefined)),
      ),
    );
    // Assess
    expect(await health(`http://127.0.0.1:${port}`)).toBeUndefined();
    expect(existsSync(join(cacheDir, 'run', String(port)))).toBe(false);
    for (const dir of [project, cacheDir]) rmSync(dir, { recursive: true });
  }, 60_000);

  it('a named endpoint that does not answer is not-answering; nothing is started', async () => {
    await expect(startLocalStack({ endpoint: 'http://127.0.0.1:9' })).rejects.toMatchObject({
      name: 'LocalStackError',
      code: 'LocalStackUnavailable',
      reason: 'not-answering',
      message: expect.stringMatching(/no LocalStack answers at http:\/\/127\.0\.0\.1:9/),
    });
  });

  it('a port taken by another program is port-in-use, and says how to pick another', async () => {
    const server = createServer((_request, response) => response.end('not LocalStack'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await expect(startLocalStack({ endpoint: undefined, port })).rejects.toMatchObject({
        reason: 'port-in-use',
        message: expect.stringMatching(new RegExp(`port ${port} .*taken.*port: 0 picks a free one`)),
      });
    } finally {
      server.close();
    }
  });

  it('a service LocalStack does not have fails the start with the end of its log (kept, and named), and the process is ended', async () => {
    const port = await freePort();
    await expect(
      startLocalStack({ endpoint: undefined, port, services: ['sns', 'no-such-service'], log: () => {} }),
    ).rejects.toMatchObject({
      reason: 'start-failed',
      message: expect.stringMatching(/no service no-such-service[\s\S]*Last lines of .*localstack\.log/),
    });
    expect(await health(`http://127.0.0.1:${port}`)).toBeUndefined();
    const cache = process.env.UNITAG_CACHE_DIR || join(homedir(), '.cache', 'unitag');
    expect(existsSync(join(cache, 'run', String(port), 'localstack.log'))).toBe(true);
    expect(existsSync(join(cache, 'run', String(port), 'localstack.pid'))).toBe(false);
    rmSync(join(cache, 'run', String(port)), { recursive: true });
  }, 120_000);

  it('without a Python 3.12 (and no virtualenv cached yet) it is python-missing, naming what it tried', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'unitag-ls-'));
    const env = { PATH: '/nonexistent', PYENV_ROOT: '/nonexistent', HOME: cacheDir };
    const found = await startIn(env, { port: 0, cacheDir });
    expect(found).toMatchObject({ code: 'LocalStackUnavailable', reason: 'python-missing' });
    expect(found.message).toMatch(
      /needs Python 3\.12 or later.*tried: python3\.13 \(not on PATH\), python3\.12 \(not on PATH\), python3 \(not on PATH\), \/nonexistent\/versions \(no such folder\)\. .*set LOCALSTACK_PYTHON/,
    );
    const old = await startIn(
      { ...env, PATH: process.env.PATH ?? '' },
      { port: 0, cacheDir, python: 'python3.11' },
    );
    expect(old.reason).toBe('python-missing');
    rmSync(cacheDir, { recursive: true, force: true });
    expect(old.message).toMatch(
      /the python option names python3\.11, which is Python 3\.11; .*needs 3\.12 or later/,
    );
  }, 60_000);
});
