// The first install of localstack-core into a cache: one at a time (a lock that a second process waits for),
// a failed pip diagnosed from what pip printed, nothing half-built left behind. The Python is a fake
// (test/localstack-fake.ts) whose pip takes a second or two and whose "LocalStack" is a small HTTP server.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startLocalStack } from '../../src/localstack.js';
import {
  eventually,
  fakePython,
  killOwners,
  owner,
  ownerEnv,
  pipLog,
  removeTempDirs,
  tempDir,
} from '../localstack-fake.js';

afterAll(removeTempDirs);

afterEach(killOwners);

const root = new URL('../..', import.meta.url);
const requirements = new URL('localstack/requirements.txt', root);

/** Starts and stops the fake LocalStack in this process with `env` set; returns its log lines or its error. */
async function startOnce(cacheDir: string, python: string, env: Record<string, string> = {}) {
  const lines: string[] = [];
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    const options = { cacheDir, python, port: 0, services: ['sns'], log: (l: string) => lines.push(l) };
    const localstack = await startLocalStack(options);
    await localstack.stop();
    return { lines };
  } catch (error) {
    return { lines, error: error as Error & { reason?: string } };
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** What the cache holds besides the run directory: the venv, and nothing half-built or locked. */
const cacheEntries = (cacheDir: string) => readdirSync(cacheDir).filter((name) => name !== 'run');

describe('the first install into a cache', () => {
  it('two processes installing into one empty cache at once: one installs, the other waits for it, both start', async () => {
    // Prepare
    const cacheDir = tempDir();
    const python = fakePython();
    const log = join(tempDir(), 'pip.log');
    // The fake pip goes on until this file exists, made once the second process is seen waiting: the two
    // installs overlap however long each process took to start.
    const done = join(tempDir(), 'pip-done');
    const env = ownerEnv({ FAKE_PIP_LOG: log, FAKE_PIP_UNTIL: done });
    const options = { cacheDir, python, port: 0, services: ['sns'] };
    // Act
    const both = [owner(options, env, 'stop'), owner(options, env, 'stop')];
    const waiting = () => both.some(({ lines }) => lines.some((line) => /waiting for pid \d+/.test(line)));
    expect(await eventually(waiting, 20_000)).toBe(true);
    writeFileSync(done, '');
    const results = await Promise.all(both.map(({ result }) => result));
    // Assess
    expect(results).toEqual([
      expect.objectContaining({ started: true }),
      expect.objectContaining({ started: true }),
    ]);
    expect(pipLog(log).map((line) => line.split(' ')[1])).toEqual(['start', 'end']);
    const said = both.flatMap(({ lines }) => lines).join('\n');
    expect(said).toMatch(/waiting for pid \d+, which is installing localstack-core into /);
    expect(cacheEntries(cacheDir)).toEqual([expect.stringMatching(/^venv-[0-9a-f]{16}$/)]);
  }, 60_000);

  it('a lock left by a process that is gone is taken over, and said so', async () => {
    const cacheDir = tempDir();
    const python = fakePython();
    const venv = `venv-${createHash('sha256').update(readFileSync(requirements)).digest('hex').slice(0, 16)}`;
    writeFileSync(join(cacheDir, `${venv}.lock`), '999999999');
    const second = await startOnce(cacheDir, python);
    expect(second.error).toBeUndefined();
    expect(second.lines.join('\n')).toMatch(/removed the install lock of pid 999999999, which has exited/);
    expect(cacheEntries(cacheDir)).toEqual([venv]);
  }, 60_000);

  it('a pip that cannot reach the index is said to be a network problem, with what pip said', async () => {
    const cacheDir = tempDir();
    const network =
      "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError(': Failed to establish a new connection: [Errno -3] Temporary failure in name resolution')': /simple/localstack-core/\n" +
      'ERROR: Could not find a version that satisfies the requirement localstack-core==2026.3.0 (from versions: none)\n' +
      'ERROR: No matching distribution found for localstack-core==2026.3.0';
    const { error } = await startOnce(cacheDir, fakePython(), { FAKE_PIP_FAIL: network });
    expect(error).toMatchObject({ name: 'LocalStackError', reason: 'install-failed' });
    expect(error?.message).toMatch(/could not reach the package index/);
    expect(error?.message).toMatch(/Temporary failure in name resolution/);
    expect(cacheEntries(cacheDir)).toEqual([]);
  }, 60_000);

  it.each([
    [
      'a version missing from the index',
      'ERROR: No matching distribution found for localstack-core==2026.3.0',
      /no matching distribution/i,
    ],
    [
      'a full disk',
      "ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device: '/x'",
      /no space left/i,
    ],
    ['anything else', 'ERROR: something pip-specific went wrong', /pip .*failed \(exit 1\)/],
  ])(
    'a pip failure from %s is not blamed on the network, and shows what pip said',
    async (_what, said, diagnosis) => {
      const cacheDir = tempDir();
      const { error } = await startOnce(cacheDir, fakePython(), { FAKE_PIP_FAIL: said });
      expect(error).toMatchObject({ name: 'LocalStackError', reason: 'install-failed' });
      expect(error?.message).toMatch(diagnosis);
      expect(error?.message).toContain(said);
      expect(error?.message).not.toMatch(/reach|reachable|network/i);
      expect(cacheEntries(cacheDir)).toEqual([]);
    },
    60_000,
  );

  it('a cache directory that cannot be created is install-failed naming it', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    const { error } = await startOnce(join(file, 'cache'), fakePython());
    expect(error).toMatchObject({ name: 'LocalStackError', reason: 'install-failed' });
    expect(error?.message).toContain(join(file, 'cache'));
  });

  it('the install says it happens once and promises no duration; the README and the LocalStack page agree', async () => {
    const { lines } = await startOnce(tempDir(), fakePython());
    const said = lines.find((line) => line.startsWith('installing localstack-core')) ?? '';
    expect(said).toMatch(/once/);
    const estimate = /about half a minute to a few minutes depending on the network/;
    expect(said).toMatch(estimate);
    for (const doc of ['README.md', 'docs/testing-with-localstack.md']) {
      const text = readFileSync(new URL(doc, root), 'utf8');
      const aboutInstall = text.split('\n\n').filter((paragraph) => /virtualenv/.test(paragraph));
      expect(aboutInstall.length, doc).toBeGreaterThan(0);
      for (const paragraph of aboutInstall) {
        expect(paragraph, doc).not.toMatch(/two minutes|about \d+ ?s\b|\b\d+ seconds/);
      }
      expect(text.replace(/\s+/g, ' '), doc).toMatch(estimate);
    }
  }, 60_000);
});
