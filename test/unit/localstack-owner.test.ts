// An embedded LocalStack belongs to the process that started it: it ends when that process ends (Ctrl-C,
// SIGTERM, SIGKILL, during the start or after), unless `keep` asked for it to stay; a later start on the port
// takes over one whose owner and watchdog are both gone; stop removes its run directory. The Python here is a
// fake (test/localstack-fake.ts) whose "LocalStack" is a small HTTP server, so each case takes a second or two.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { health, startLocalStack, stopLocalStack } from '../../src/localstack.js';
import {
  alive,
  eventually,
  exited,
  fakePython,
  freePort,
  killOwners,
  owner,
  ownerEnv,
  removeTempDirs,
  tempDir,
  watchdogsOf,
} from '../localstack-fake.js';

afterAll(removeTempDirs);

const quiet = () => {};
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  killOwners();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A fresh cache and port, and the options that start the fake LocalStack there. */
async function setting() {
  const cacheDir = tempDir();
  const port = await freePort();
  const python = fakePython();
  const runDir = join(cacheDir, 'run', String(port));
  cleanups.push(() => stopLocalStack({ cacheDir, port }));
  return { cacheDir, port, python, runDir, endpoint: `http://127.0.0.1:${port}`, services: ['sns'] };
}

const answers = async (endpoint: string) => (await health(endpoint)) !== undefined;

describe('an embedded LocalStack and its owner process', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGKILL'] as const)(
    'ends when its owner gets %s, and its run directory goes',
    async (signal) => {
      // Prepare
      const { cacheDir, port, python, runDir, endpoint, services } = await setting();
      const { child, result } = owner({ cacheDir, port, python, services }, ownerEnv(), 'wait');
      expect(await result).toMatchObject({ endpoint, started: true });
      expect(await answers(endpoint)).toBe(true);
      // Act
      child.kill(signal);
      await exited(child);
      // Assess
      expect(await eventually(async () => !(await answers(endpoint)), 20_000)).toBe(true);
      expect(await eventually(() => !existsSync(runDir), 20_000)).toBe(true);
    },
    60_000,
  );

  it('ends when its owner is killed while it waits for the services', async () => {
    const { cacheDir, port, python, runDir, endpoint, services } = await setting();
    // Its services never come up: the file they wait for is never made.
    const env = ownerEnv({ FAKE_LOCALSTACK_READY_WHEN: join(tempDir(), 'never') });
    const { child } = owner({ cacheDir, port, python, services, startTimeout: 60_000 }, env, 'wait');
    expect(await eventually(() => answers(endpoint), 20_000)).toBe(true);
    child.kill('SIGKILL');
    await exited(child);
    expect(await eventually(async () => !(await answers(endpoint)), 20_000)).toBe(true);
    expect(await eventually(() => !existsSync(runDir), 20_000)).toBe(true);
  }, 60_000);

  it('with keep: true it stays after its owner exits; a later start uses it as started: false; stopLocalStack ends it', async () => {
    // Prepare
    const { cacheDir, port, python, runDir, endpoint, services } = await setting();
    const first = owner({ cacheDir, port, python, services, keep: true }, ownerEnv(), 'exit');
    expect(await first.result).toMatchObject({ endpoint, started: true });
    await exited(first.child);
    // Act: once no watchdog is left on it (a kept LocalStack's exits once it is started), nothing will end it,
    // however long the test waits: the event that "it stays" depends on, rather than a time.
    expect(await eventually(() => watchdogsOf(runDir).length === 0, 20_000)).toBe(true);
    expect(await answers(endpoint)).toBe(true);
    const again = await startLocalStack({ cacheDir, port, python, services, log: quiet });
    // Assess
    expect(await answers(endpoint)).toBe(true);
    expect(again).toMatchObject({ endpoint, started: false });
    await again.stop();
    expect(await answers(endpoint)).toBe(true);
    expect(await stopLocalStack({ cacheDir, port })).toBe(true);
    expect(await answers(endpoint)).toBe(false);
    expect(existsSync(runDir)).toBe(false);
  }, 60_000);

  it('a later start on the port takes over (started: true) one whose owner and watchdog are both gone', async () => {
    // Prepare: an owner and its watchdog both killed at once leave the LocalStack running.
    const { cacheDir, port, python, runDir, endpoint, services } = await setting();
    const first = owner({ cacheDir, port, python, services }, ownerEnv(), 'wait');
    await first.result;
    const record = JSON.parse(readFileSync(join(runDir, 'owner.json'), 'utf8')) as { watchdog: number };
    expect(watchdogsOf(runDir)).toEqual([record.watchdog]); // (what the tests that wait for none rely on)
    process.kill(record.watchdog, 'SIGKILL');
    first.child.kill('SIGKILL');
    await exited(first.child);
    expect(await eventually(() => !alive(record.watchdog), 20_000)).toBe(true);
    expect(await answers(endpoint)).toBe(true);
    // Act
    const lines: string[] = [];
    const taken = await startLocalStack({ cacheDir, port, python, services, log: (l) => lines.push(l) });
    // Assess
    expect(taken).toMatchObject({ endpoint, started: true });
    expect(lines.join('\n')).toMatch(/taking over/);
    await taken.stop();
    expect(await answers(endpoint)).toBe(false);
    expect(existsSync(runDir)).toBe(false);
  }, 60_000);

  it('a start on the port while a leftover is being ended by its watchdog waits, then starts its own', async () => {
    const { cacheDir, port, python, runDir, endpoint, services } = await setting();
    const first = owner({ cacheDir, port, python, services }, ownerEnv(), 'wait');
    await first.result;
    const { watchdog } = JSON.parse(readFileSync(join(runDir, 'owner.json'), 'utf8')) as { watchdog: number };
    first.child.kill('SIGKILL');
    await exited(first.child);
    const next = await startLocalStack({ cacheDir, port, python, services, log: quiet });
    expect(next).toMatchObject({ endpoint, started: true });
    // The old watchdog, the one thing that could end the new LocalStack, is gone: it still answers.
    expect(await eventually(() => !alive(watchdog), 20_000)).toBe(true);
    expect(await answers(endpoint)).toBe(true);
    await next.stop();
  }, 60_000);

  it('stop() removes the run directory; a start that failed keeps its log and says where', async () => {
    const { cacheDir, port, python, runDir, services } = await setting();
    const started = await startLocalStack({ cacheDir, port, python, services, log: quiet });
    expect(existsSync(runDir)).toBe(true);
    await started.stop();
    expect(existsSync(runDir)).toBe(false);

    process.env.FAKE_LOCALSTACK_FAIL = 'boom: the fake runtime refused to start';
    try {
      const failure = await startLocalStack({ cacheDir, port, python, services, log: quiet }).catch(
        (e: unknown) => e,
      );
      expect(failure).toMatchObject({ name: 'LocalStackError', reason: 'start-failed' });
      const { message } = failure as Error;
      const log = join(runDir, 'localstack.log');
      expect(message).toContain(log);
      expect(message).toMatch(/boom: the fake runtime refused to start/);
      expect(readFileSync(log, 'utf8')).toMatch(/boom/);
      expect(existsSync(join(runDir, 'data'))).toBe(false);
    } finally {
      delete process.env.FAKE_LOCALSTACK_FAIL;
    }
  }, 60_000);
});

describe('localstack/control.ts', () => {
  it('start leaves a LocalStack running after it exits; stop ends it and removes its run directory', async () => {
    // Prepare
    const { cacheDir, port, python, runDir, endpoint } = await setting();
    const env = ownerEnv({
      UNITAG_CACHE_DIR: cacheDir,
      LOCALSTACK_PORT: String(port),
      LOCALSTACK_PYTHON: python,
    });
    // Act
    const started = await control('start', env);
    // Assess: once no watchdog is left on it (start keeps it: its watchdog exits once it is started), nothing
    // will end it, however long the test waits.
    expect(started).toMatchObject({ code: 0, stdout: `${endpoint}\n` });
    expect(await eventually(() => watchdogsOf(runDir).length === 0, 20_000)).toBe(true);
    expect(await answers(endpoint)).toBe(true);
    expect(await control('stop', env)).toMatchObject({ code: 0, stderr: expect.stringMatching(/stopped/) });
    expect(await answers(endpoint)).toBe(false);
    expect(existsSync(runDir)).toBe(false);
  }, 60_000);
});

/** Runs `tsx localstack/control.ts <command>` with `env`. */
function control(command: string, env: NodeJS.ProcessEnv) {
  const script = new URL('../../localstack/control.ts', import.meta.url).pathname;
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script, command], { env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('a LocalStack already running without a service asked for', () => {
  it('fails at once with service-disabled, naming the endpoint, the services and what to do', async () => {
    // Prepare
    const { cacheDir, port, python, endpoint } = await setting();
    const running = await startLocalStack({ cacheDir, port, python, services: ['sns'], log: quiet });
    const asked = { cacheDir, python, services: ['sns', 'sqs', 'kms'], startTimeout: 30_000, log: quiet };
    for (const where of [{ port }, { endpoint }]) {
      // Act
      const begun = Date.now();
      const failure = await startLocalStack({ ...asked, ...where }).catch((e: unknown) => e);
      // Assess: at once, not after waiting out startTimeout for the services (half of it bounds that, however
      // slow the machine).
      expect(Date.now() - begun).toBeLessThan(asked.startTimeout / 2);
      expect(failure).toMatchObject({ name: 'LocalStackError', reason: 'service-disabled' });
      const { message } = failure as Error;
      expect(message).toContain(endpoint);
      expect(message).toMatch(/sqs, kms/);
      expect(message).toMatch(/SERVICES/);
    }
    await running.stop();
  }, 60_000);
});
