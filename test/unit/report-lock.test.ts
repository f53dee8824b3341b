// One run per report: the lock file beside it, who holds it, and when a lock left by a killed run is taken over.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockReport, ReportLockedError } from '../../src/jobs/report-lock.js';

const dir = mkdtempSync(join(tmpdir(), 'unitag-lock-'));
let n = 0;
const report = () => join(dir, `r${++n}.json`);

/** The pid of a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('lockReport', () => {
  it('holds the report: a second lock is refused, naming this process and host; released, it is free', () => {
    const path = report();
    const release = lockReport(path);
    expect(JSON.parse(readFileSync(`${path}.lock`, 'utf8'))).toMatchObject({
      pid: process.pid,
      host: hostname(),
    });
    // Held by a live process: this one (as a second run would find it).
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: process.ppid, host: hostname(), since: 'then' }));
    const error = (() => {
      try {
        lockReport(path);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ReportLockedError);
    expect((error as Error).message).toBe(
      `the report ${path} is in use by unitag process ${process.ppid} on ${hostname()} (since then): wait for that run to end`,
    );
    // Our release leaves a lock that is not ours.
    release();
    expect(existsSync(`${path}.lock`)).toBe(true);
  });

  it('releases its own lock once, and the report can be locked again', () => {
    const path = report();
    const release = lockReport(path);
    release();
    release();
    expect(existsSync(`${path}.lock`)).toBe(false);
    lockReport(path)();
  });

  it('takes over the lock of a run on this host that is gone (killed)', () => {
    const path = report();
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: deadPid(), host: hostname(), since: 'then' }));
    const release = lockReport(path);
    expect(JSON.parse(readFileSync(`${path}.lock`, 'utf8')).pid).toBe(process.pid);
    release();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('never takes the lock of a run on another host (it cannot tell it is gone): says how to free it', () => {
    const path = report();
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: deadPid(), host: 'elsewhere', since: 'then' }));
    expect(() => lockReport(path)).toThrow(`if that run is gone, delete ${path}.lock`);
  });

  it('a lock it cannot read (being written, or planted) is held: never written through, never taken', () => {
    const path = report();
    const target = join(dir, 'target.txt');
    writeFileSync(target, 'not a lock');
    symlinkSync(target, `${path}.lock`);
    expect(() => lockReport(path)).toThrow(/in use by another unitag process/);
    expect(readFileSync(target, 'utf8')).toBe('not a lock');
  });
});
