// The lock files of src/localstack/lock.ts (the install's and each port's start), across real processes: one
// holder at a time, also when several find the same lock left by a killed holder at once (taking over is itself
// exclusive); a lock whose holder is alive is waited for and never taken over; one whose pid now names a
// later process is.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tryAcquire } from '../../src/localstack/lock.js';
import { eventually, exited, removeTempDirs, tempDir } from '../localstack-fake.js';

afterAll(removeTempDirs);

const lockModule = new URL('../../src/localstack/lock.ts', import.meta.url).pathname;

/**
 * A process that says it is ready (a line in `ready`), takes `file` once `go` exists, notes when it held it in
 * `journal`, holds it `ms`, and gives it back.
 */
function contender(file: string, go: string, ready: string, journal: string, ms: number) {
  const script = `
    import { appendFileSync, existsSync } from 'node:fs';
    import { acquire } from ${JSON.stringify(lockModule)};
    appendFileSync(${JSON.stringify(ready)}, process.pid + '\\n');
    while (!existsSync(${JSON.stringify(go)})) await new Promise((resolve) => setTimeout(resolve, 2));
    const use = { name: 'test', reason: 'start-failed', doing: 'testing', waitMs: 20000, tooLong: () => new Error('too long'), log: () => {} };
    const release = await acquire(${JSON.stringify(file)}, use);
    appendFileSync(${JSON.stringify(journal)}, process.pid + ' in ' + Date.now() + '\\n');
    await new Promise((resolve) => setTimeout(resolve, ${ms}));
    appendFileSync(${JSON.stringify(journal)}, process.pid + ' out ' + Date.now() + '\\n');
    release();`;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: 'inherit',
  });
}

/** A pid that was a process's and is free now. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await exited(child);
  return child.pid as number;
}

describe('a lock file', () => {
  it('left by a killed holder and found by four processes at once, is held by one at a time, and by each in turn', async () => {
    // Prepare
    const dir = tempDir();
    const file = join(dir, 'run', '4566.lock');
    const journal = join(dir, 'journal');
    mkdirSync(join(dir, 'run'));
    writeFileSync(file, JSON.stringify({ pid: await deadPid(), host: hostname() }));
    const go = join(dir, 'go');
    const ready = join(dir, 'ready');
    const all = [1, 2, 3, 4].map(() => contender(file, go, ready, journal, 150));
    // All four wait for `go` (however long they took to start), so that they find the lock at once.
    const readyLines = () => (existsSync(ready) ? readFileSync(ready, 'utf8').trim().split('\n').length : 0);
    expect(await eventually(() => readyLines() === 4, 20_000)).toBe(true);
    // Act
    writeFileSync(go, '');
    await Promise.all(all.map(exited));
    // Assess: each "in" is followed by the same process's "out" before anyone else's "in".
    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(8);
    for (let i = 0; i < lines.length; i += 2) {
      const [pid, what] = (lines[i] as string).split(' ');
      expect([what, (lines[i + 1] as string).split(' ').slice(0, 2)]).toEqual(['in', [pid, 'out']]);
    }
    expect(existsSync(file)).toBe(false);
  }, 60_000);

  it('held by a live process (or being written, or from another host) is not taken at once; one whose holder has exited, or whose pid a later process has, is', async () => {
    const file = join(tempDir(), 'venv-0123456789abcdef.lock');
    const held = [
      JSON.stringify({ pid: process.ppid, host: hostname() }),
      JSON.stringify({ pid: await deadPid(), host: 'another-host' }),
      '',
    ];
    for (const text of held) {
      writeFileSync(file, text);
      expect(tryAcquire(file, 'install-failed')).toBeUndefined();
      expect(readFileSync(file, 'utf8')).toBe(text);
    }
    const gone = [
      JSON.stringify({ pid: await deadPid(), host: hostname() }),
      String(await deadPid()),
      JSON.stringify({ pid: process.ppid, host: hostname(), started: '1' }),
    ];
    for (const text of gone) {
      writeFileSync(file, text);
      const release = tryAcquire(file, 'install-failed');
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
      release?.();
      expect(existsSync(file)).toBe(false);
    }
  });
});
