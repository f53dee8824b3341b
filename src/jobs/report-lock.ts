// One run per report: a run that writes or resumes a report holds `REPORT.lock` while it runs. Two runs on one
// report would both do the work left (every write made twice) and then fight over its journal.
import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

/** Who holds a report's lock, as its lock file says. */
export interface LockHolder {
  pid: number;
  host: string;
  /** When the run took the lock (ISO 8601). */
  since: string;
}

/** The report is held by another run that is alive, or may be (on another host). */
export class ReportLockedError extends Error {
  constructor(
    readonly path: string,
    readonly holder: LockHolder | undefined,
  ) {
    const who = holder
      ? `unitag process ${holder.pid} on ${holder.host} (since ${holder.since})`
      : 'another unitag process';
    const gone =
      holder && holder.host !== hostname()
        ? `; if that run is gone, delete ${path}.lock`
        : holder
          ? ''
          : ` (its lock file ${path}.lock is being written; if it stays, delete it)`;
    super(`the report ${path} is in use by ${who}: wait for that run to end${gone}`);
  }
}

/**
 * Takes the lock of the report at `path`: creates `path.lock` exclusively (never through a link), holding this
 * process's pid and host. A lock whose holder ran on this host and is gone (killed) is stale and taken over; a
 * holder alive here, or on another host (which cannot be checked from here), makes this throw
 * {@link ReportLockedError}. Returns the function that releases it (idempotent).
 */
export function lockReport(path: string): () => void {
  const lock = `${path}.lock`;
  const mine: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    if (create(lock, mine)) break;
    const holder = readHolder(lock);
    if (attempt >= 2 || !isStale(holder)) throw new ReportLockedError(path, holder);
    takeOver(lock, holder as LockHolder);
  }
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    // Only our own lock goes: one that another run has taken over since is theirs.
    if (readHolder(lock)?.pid === mine.pid && readHolder(lock)?.host === mine.host) {
      try {
        unlinkSync(lock);
      } catch {}
    }
  };
}

/** Creates the lock file with its holder; false when it exists. */
function create(lock: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(lock, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readHolder(lock: string): LockHolder | undefined {
  try {
    const value = JSON.parse(readFileSync(lock, 'utf8')) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return undefined;
    return { pid: value.pid, host: value.host, since: String(value.since ?? '?') };
  } catch {
    return undefined;
  }
}

/** A holder that ran on this host and is no longer running. */
function isStale(holder: LockHolder | undefined): boolean {
  if (!holder || holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: a process of another user has that pid now; it is alive, so the lock is not taken.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes a stale lock so that `create` can take it. The lock is first moved aside under a name of this process
 * (rename is atomic: of two runs taking over at once, one moves it); if what was moved is not the stale holder's
 * (another run took over between our read and our move), it is put back.
 */
function takeOver(lock: string, stale: LockHolder): void {
  const aside = `${lock}.${process.pid}.stale`;
  try {
    renameSync(lock, aside);
  } catch {
    return; // Moved by another run: the next attempt sees what is there now.
  }
  const moved = readHolder(aside);
  if (moved && moved.pid === stale.pid && moved.host === stale.host) {
    unlinkSync(aside);
    return;
  }
  try {
    // Not the stale one: another run's fresh lock, given back (a link never replaces a lock made since).
    linkSync(aside, lock);
  } catch {}
  try {
    unlinkSync(aside);
  } catch {}
}
