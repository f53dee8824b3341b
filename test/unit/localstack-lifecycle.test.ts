// startLocalStack across processes, with real processes and real kills (SIGKILL): one start per port (two
// owners starting on one port at once get one LocalStack: one started: true, the other started: false, whose
// stop leaves it running); an owner killed at any instant of the start leaves nothing running (right after its
// first spawn, before the runtime's pid is recorded; as soon as the pid file appears); a virtualenv build left
// by a killed install is removed by the next start, and the one a live install uses is not. The Python is the
// fake (test/localstack-fake.ts) whose "LocalStack" is a small HTTP server, so each case takes a second or two.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
} from '../localstack-fake.js';

afterAll(removeTempDirs);

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  killOwners();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const quiet = () => {};
const pause = new URL('../localstack-pause.ts', import.meta.url).pathname;
const answers = async (endpoint: string) => (await health(endpoint)) !== undefined;

/** A fresh cache and port, the fake Python, and a file where each fake runtime started writes its pid. */
async function setting() {
  const cacheDir = tempDir();
  const port = await freePort();
  const runtimes = join(tempDir(), 'runtimes');
  cleanups.push(() => stopLocalStack({ cacheDir, port }));
  cleanups.push(() => {
    for (const pid of pids(runtimes)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });
  const options = { cacheDir, port, python: fakePython(), services: ['sns'] };
  return {
    options,
    runtimes,
    runDir: join(cacheDir, 'run', String(port)),
    endpoint: `http://127.0.0.1:${port}`,
  };
}

/** The pids the fake runtimes wrote. */
const pids = (file: string) =>
  existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(Number) : [];

/** The fake virtualenv installed into `cacheDir` (by a start and a stop), and its directory name. */
async function installed(cacheDir: string, python: string): Promise<string> {
  const localstack = await startLocalStack({ cacheDir, python, port: 0, services: ['sns'], log: quiet });
  await localstack.stop();
  return readdirSync(cacheDir).find((name) => /^venv-[0-9a-f]{16}$/.test(name)) as string;
}

describe('one start per port across processes', () => {
  it('two owners starting on one port at once: one starts it (started: true), the other uses it (started: false), whose stop leaves it running', async () => {
    // Prepare: the virtualenv installed, and both owners held until a file exists, so that both look at the
    // port at the same instant; the fake LocalStack's services come up only once the other owner is seen waiting
    // for the one starting it (events, not times: however slow the machine, the two starts overlap).
    const { options, runtimes, runDir, endpoint } = await setting();
    await installed(options.cacheDir, options.python);
    const go = join(tempDir(), 'go');
    const up = join(tempDir(), 'services-up');
    const env = ownerEnv({ FAKE_LOCALSTACK_PIDS: runtimes, FAKE_LOCALSTACK_READY_WHEN: up });
    const both = [
      owner(options, env, 'wait', { startWhen: go }),
      owner(options, env, 'wait', { startWhen: go }),
    ];
    await Promise.all(both.map(({ ready }) => ready));
    // Act
    writeFileSync(go, '');
    const waiting = () => both.some(({ lines }) => lines.some((line) => /waiting for pid \d+/.test(line)));
    expect(await eventually(waiting, 20_000)).toBe(true);
    writeFileSync(up, '');
    const results = await Promise.all(both.map(({ result }) => result));
    // Assess
    expect(results).toEqual([expect.objectContaining({ endpoint }), expect.objectContaining({ endpoint })]);
    expect(results.map((result) => 'started' in result && result.started).sort()).toEqual([false, true]);
    expect(pids(runtimes)).toHaveLength(1);
    const [first, second] = both as [(typeof both)[0], (typeof both)[0]];
    const [starter, user] = (results[0] as { started: boolean }).started ? [first, second] : [second, first];
    expect(user.lines.join('\n')).toMatch(
      /waiting for pid \d+, which is starting or stopping LocalStack on port \d+/,
    );
    await user.stop();
    expect(await answers(endpoint)).toBe(true);
    await starter.stop();
    expect(await answers(endpoint)).toBe(false);
    expect(existsSync(runDir)).toBe(false);
  }, 60_000);
});

describe('a LocalStack on the port that does not answer', () => {
  it('is not replaced: the start fails with port-in-use naming it, and its files stay as they were', async () => {
    // Prepare: a kept LocalStack, stopped (SIGSTOP) so that it answers nothing, as a hung one.
    const { options, runtimes, runDir } = await setting();
    const kept = owner({ ...options, keep: true }, ownerEnv({ FAKE_LOCALSTACK_PIDS: runtimes }), 'exit');
    await kept.result;
    await exited(kept.child);
    const [pid] = pids(runtimes) as [number];
    const files = () =>
      ['owner.json', 'localstack.pid'].map((name) => readFileSync(join(runDir, name), 'utf8'));
    const before = files();
    process.kill(pid, 'SIGSTOP');
    cleanups.unshift(() => process.kill(pid, 'SIGCONT'));
    // Act
    const failure = await startLocalStack({ ...options, log: quiet }).catch((error: unknown) => error);
    // Assess
    expect(failure).toMatchObject({ name: 'LocalStackError', reason: 'port-in-use' });
    expect((failure as Error).message).toMatch(new RegExp(`LocalStack \\(pid ${pid}\\) .*does not answer`));
    expect(files()).toEqual(before);
    expect(pids(runtimes)).toEqual([pid]);
  }, 60_000);
});

describe('an owner killed (SIGKILL) during the start leaves nothing running', () => {
  it('killed right after its first spawn, before the runtime has a pid file; the next start takes the port', async () => {
    // Prepare: the owner blocks right after it spawns (test/localstack-pause.ts) and says what it spawned.
    const { options, runtimes, runDir, endpoint } = await setting();
    await installed(options.cacheDir, options.python);
    const spawned = join(tempDir(), 'spawned');
    const env = ownerEnv({ FAKE_LOCALSTACK_PIDS: runtimes, PAUSE_AFTER_SPAWN_FILE: spawned });
    const { child } = owner(options, env, 'wait', { imports: [pause] });
    expect(await eventually(() => existsSync(spawned), 20_000)).toBe(true);
    const first = Number(readFileSync(spawned, 'utf8'));
    // Act
    child.kill('SIGKILL');
    await exited(child);
    // Assess: what it spawned ends, and so does any runtime started meanwhile.
    expect(await eventually(() => !alive(first), 20_000)).toBe(true);
    expect(await eventually(() => !pids(runtimes).some(alive), 20_000)).toBe(true);
    expect(await answers(endpoint)).toBe(false);
    expect(await eventually(() => !existsSync(runDir), 20_000)).toBe(true);
    // The start lock it held is taken over at once: its pid is gone, so it is removed, never waited for (said
    // by the log rather than timed: the start itself takes what the machine's load makes it take).
    const lines: string[] = [];
    const next = await startLocalStack({ ...options, log: (line) => lines.push(line) });
    expect(next).toMatchObject({ started: true, endpoint });
    expect(lines.join('\n')).toContain(`removed the start lock of pid ${child.pid}, which has exited`);
    expect(lines.join('\n')).not.toMatch(/waiting for pid/);
    await next.stop();
  }, 60_000);

  it('killed as soon as the pid file appears', async () => {
    const { options, runtimes, runDir, endpoint } = await setting();
    await installed(options.cacheDir, options.python);
    const pidFile = join(runDir, 'localstack.pid');
    const { child } = owner(options, ownerEnv({ FAKE_LOCALSTACK_PIDS: runtimes }), 'wait');
    expect(await soon(() => existsSync(pidFile), 20_000)).toBe(true);
    child.kill('SIGKILL');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await exited(child);
    expect(await eventually(() => !alive(pid), 20_000)).toBe(true);
    // The runtime may have been ended before it ran a line (and wrote its pid): none other was started.
    expect(pids(runtimes).filter((other) => other !== pid)).toEqual([]);
    expect(await answers(endpoint)).toBe(false);
    expect(await eventually(() => !existsSync(runDir), 20_000)).toBe(true);
  }, 60_000);
});

describe('a virtualenv build left by a killed install', () => {
  it('is removed by the next start, with the process still writing into it; a live one, and another version’s being installed, are kept', async () => {
    // Prepare
    const cacheDir = tempDir();
    const python = fakePython();
    const venv = await installed(cacheDir, python);
    const dead = await deadPid();
    const live = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    cleanups.push(() => live.kill('SIGKILL'));
    const version = (name: string) => `venv-${createHash('sha256').update(name).digest('hex').slice(0, 16)}`;
    const [other, installing] = [version('another version'), version('a version being installed')];
    const planted = {
      abandoned: `${venv}.partial-${dead}`,
      inUse: `${venv}.partial-${live.pid}`,
      otherAbandoned: `${other}.partial-${dead}`,
      otherLocked: `${installing}.partial-${dead}`,
    };
    for (const name of Object.values(planted)) {
      mkdirSync(join(cacheDir, name, 'lib', 'site-packages'), { recursive: true });
      writeFileSync(join(cacheDir, name, 'lib', 'site-packages', 'module.py'), '');
    }
    // Another version's install holds its lock (from another host): its build is never touched.
    writeFileSync(join(cacheDir, `${installing}.lock`), JSON.stringify({ pid: live.pid, host: 'elsewhere' }));
    // The pip of the killed install, still running from its build (a SIGKILL of node leaves its children).
    const pipArgs = ['-e', 'setInterval(() => {}, 1000)', join(cacheDir, planted.abandoned, 'bin', 'python')];
    const pip = spawn(process.execPath, pipArgs, { stdio: 'ignore' });
    cleanups.push(() => pip.kill('SIGKILL'));
    // Act
    const lines: string[] = [];
    const localstack = await startLocalStack({
      cacheDir,
      python,
      port: 0,
      services: ['sns'],
      log: (l) => lines.push(l),
    });
    await localstack.stop();
    // Assess
    const left = readdirSync(cacheDir);
    expect(left).not.toContain(planted.abandoned);
    expect(left).not.toContain(planted.otherAbandoned);
    expect(left).toContain(planted.inUse);
    expect(left).toContain(planted.otherLocked);
    expect(await eventually(() => pip.exitCode !== null || pip.signalCode !== null, 20_000)).toBe(true);
    expect(lines.join('\n')).toMatch(new RegExp(`removed .*${planted.abandoned.replaceAll('.', '\\.')}`));
  }, 60_000);
});

/** A pid that was a process's and is free now. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await exited(child);
  return child.pid as number;
}

/** Like eventually, polling every few milliseconds. */
async function soon(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return check();
}
