// Who owns an embedded LocalStack. The process that started it does, and it must not outlive that process
// unless asked to (`keep`). A SIGKILL cannot be caught, so a small watchdog process does the ending: its
// parent is the owner, and once it is reparented (the owner is gone, however it ended) it ends LocalStack's
// process group and removes the run directory. The run directory's owner.json records the owner and its
// watchdog, so that a later start on the port can tell a LocalStack left behind (owner and watchdog both gone:
// it takes it over) from one in use or kept.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, commandLine, isLocalStack, type Runtime, recordedPid } from './process.js';

/** What owner.json says: the owner and its watchdog, or that the LocalStack is kept. */
export type OwnerRecord = { owner: number; watchdog: number } | { keep: true };

const MARK = 'unitag-localstack-watchdog';

// Plain JavaScript for `node -e`, so that it runs the same whether unitag is loaded from dist or through a
// TypeScript loader. process.ppid is read afresh each time: it changes when the owner is gone.
const WATCHDOG = `
const [owner, pid] = process.argv.slice(2, 4).map(Number);
const runDir = process.argv[4];
const fs = require('node:fs');
const path = require('node:path');
const alive = (p) => { try { process.kill(p, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const group = (signal) => { try { process.kill(-pid, signal); } catch {} };
const tick = setInterval(() => {
  if (!alive(pid)) return clearInterval(tick);
  if (process.ppid === owner) return;
  clearInterval(tick);
  group('SIGTERM');
  let waited = 0;
  const end = setInterval(() => {
    waited += 250;
    if (alive(pid) && waited < 10000) return;
    clearInterval(end);
    if (alive(pid)) group('SIGKILL');
    let recorded = '';
    try { recorded = fs.readFileSync(path.join(runDir, 'localstack.pid'), 'utf8').trim(); } catch {}
    if (recorded === String(pid)) fs.rmSync(runDir, { recursive: true, force: true });
  }, 250);
}, 250);
`;

/**
 * Records who owns `runtime`: this process with a new watchdog, or nobody (`keep`: it stays until stopped).
 * Call it right after the spawn, before waiting for the services, so that a kill during the wait is covered.
 */
export function claim(runtime: Runtime, keep: boolean): void {
  const record: OwnerRecord = keep ? { keep: true } : { owner: process.pid, watchdog: watchdog(runtime) };
  writeFileSync(join(runtime.runDir, 'owner.json'), JSON.stringify(record));
}

function watchdog(runtime: Runtime): number {
  const args = ['-e', WATCHDOG, MARK, String(process.pid), String(runtime.pid), runtime.runDir];
  // Its own session: a Ctrl-C sent to the owner's terminal group does not end the watchdog before its work.
  const child = spawn(process.execPath, args, { detached: true, stdio: 'ignore', env: {} });
  child.on('error', () => {});
  child.unref();
  return child.pid ?? 0;
}

/** Ends the watchdog of `runDir`, if it has one (a stop needs none). */
export function release(runDir: string): void {
  const record = ownerRecord(runDir);
  if (!record || !('watchdog' in record) || !isWatchdog(record.watchdog)) return;
  try {
    process.kill(record.watchdog, 'SIGTERM');
  } catch {
    // It ended on its own meanwhile.
  }
}

/** What a start finds in a port's run directory, from its owner record. */
export type Left =
  /** No record, a kept LocalStack, or one whose owner is still there: used as it is, never ended. */
  | { kind: 'not-ours' }
  /** Its owner is gone and its watchdog is ending it (pid 0: no LocalStack recorded). */
  | { kind: 'ending'; pid: number; watchdog: number }
  /** Its owner and its watchdog are both gone, and the LocalStack is still there: nobody will end it. */
  | { kind: 'orphan'; pid: number; owner: number };

export function leftOver(runDir: string): Left {
  const record = ownerRecord(runDir);
  if (!record || 'keep' in record || alive(record.owner)) return { kind: 'not-ours' };
  const pid = recordedPid(runDir);
  if (isWatchdog(record.watchdog)) return { kind: 'ending', pid: pid ?? 0, watchdog: record.watchdog };
  if (pid !== undefined && isLocalStack(pid)) return { kind: 'orphan', pid, owner: record.owner };
  return { kind: 'not-ours' };
}

function ownerRecord(runDir: string): OwnerRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(join(runDir, 'owner.json'), 'utf8')) as Partial<
      Record<string, unknown>
    >;
    if (record.keep === true) return { keep: true };
    const { owner, watchdog: dog } = record;
    return typeof owner === 'number' && typeof dog === 'number' ? { owner, watchdog: dog } : undefined;
  } catch {
    return undefined;
  }
}

function isWatchdog(pid: number): boolean {
  return pid > 0 && (commandLine(pid)?.includes(MARK) ?? alive(pid));
}
