// Locks that one process at a time holds across processes: the install's (`venv-<hash>.lock`) and each port's
// start (`run/<port>.lock`). A lock is a file created exclusively, holding its holder's pid, host and start time;
// the holder touches it every few seconds while it holds it. Others wait while the holder is there, and take over
// a lock whose holder is gone: on this host, a pid that has exited or now belongs to a process started later; from
// another host sharing the cache, a lock left untouched while they watched it for STALE_MS. Taking over is itself
// exclusive (`<lock>.break`), so that two processes finding one stale lock never both end up holding it.
import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { LocalStackError, type LocalStackFailure } from '../core/errors.js';
import { alive, sleep, startedAt } from './process.js';

/** How a lock is waited for, and how it is named in the log. */
export interface LockUse {
  /** Its name in the log: `install`, `start`. */
  name: string;
  /** The reason of the errors it throws. */
  reason: LocalStackFailure;
  /** What its holder is doing, after "which is": `installing localstack-core into ...`. */
  doing: string;
  /** How long to wait for a holder that is still there. */
  waitMs: number;
  /** The error once `waitMs` have passed; `holder` names it as the log does (`pid 123`, `pid 123 on host h`). */
  tooLong: (holder: string) => LocalStackError;
  log: (line: string) => void;
}

/** Gives the lock back, if this process still holds it. */
export type Release = () => void;

/** A holder on another host that no longer touches its lock is gone after this long unchanged. */
const STALE_MS = 60_000;
const TOUCH_MS = 10_000;
/** A lock file with nothing readable in it (its creator killed between creating and writing it) after this long. */
const UNWRITTEN_MS = 5000;

/** Takes the lock `file`: waits while its holder is there, takes it over once that holder is gone. */
export async function acquire(file: string, use: LockUse): Promise<Release> {
  const deadline = Date.now() + use.waitMs;
  const watched = new Watch();
  let waitingFor: string | undefined;
  for (;;) {
    const release = take(file, use.reason);
    if (release) return release;
    const text = read(file);
    const holder = text === undefined ? undefined : parse(text);
    const exited = holder?.local === true && !there(holder);
    const gone = holder
      ? exited || (!holder.local && watched.unchanged(file) > STALE_MS)
      : text !== undefined && watched.unchanged(file) > UNWRITTEN_MS;
    if (gone && text !== undefined && breakLock(file, text, watched, use.reason)) {
      const why = exited ? 'which has exited' : `untouched for ${STALE_MS / 1000} s`;
      if (holder) use.log(`removed the ${use.name} lock of ${named(holder)}, ${why} (${file})`);
      continue;
    }
    if (holder && named(holder) !== waitingFor && !gone) {
      waitingFor = named(holder);
      use.log(`waiting for ${waitingFor}, which is ${use.doing} (lock ${file})`);
    }
    if (Date.now() > deadline) throw use.tooLong(holder ? named(holder) : 'a process');
    await sleep(250);
  }
}

/** Takes the lock `file` at once, or not at all: free, or held by a process of this host that has exited. */
export function tryAcquire(file: string, reason: LocalStackFailure): Release | undefined {
  const release = take(file, reason);
  if (release) return release;
  const text = read(file);
  const holder = text === undefined ? undefined : parse(text);
  if (!holder?.local || there(holder) || !breakLock(file, text as string, new Watch(), reason)) return;
  return take(file, reason);
}

/** Creates the lock `file` holding this process, touched while it is held; undefined when it exists. */
function take(file: string, reason: LocalStackFailure): Release | undefined {
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), started: startedAt(process.pid) });
  if (!create(file, mine, reason)) return undefined;
  const touch = setInterval(() => {
    const now = new Date();
    try {
      if (read(file) === mine) utimesSync(file, now, now);
    } catch {
      // Removed meanwhile: nothing to touch.
    }
  }, TOUCH_MS);
  touch.unref();
  return () => {
    clearInterval(touch);
    if (read(file) === mine) rmSync(file, { force: true });
  };
}

interface Holder {
  pid: number;
  host: string | undefined;
  /** When it started (startedAt), where that could be told. */
  started: string | undefined;
  /** On this host (or written by an older unitag, which wrote the pid alone): its pid says whether it is there. */
  local: boolean;
}

function parse(text: string): Holder | undefined {
  if (/^\d+$/.test(text.trim()))
    return { pid: Number(text), host: undefined, started: undefined, local: true };
  try {
    const { pid, host, started } = JSON.parse(text) as { pid?: unknown; host?: unknown; started?: unknown };
    if (!Number.isInteger(pid) || typeof host !== 'string') return undefined;
    const when = typeof started === 'string' ? started : undefined;
    return { pid: pid as number, host, started: when, local: host === hostname() };
  } catch {
    return undefined;
  }
}

/** True while a holder on this host runs: its pid is alive, and is still the process that took the lock. */
function there(holder: Holder): boolean {
  if (!alive(holder.pid)) return false;
  const now = holder.started === undefined ? undefined : startedAt(holder.pid);
  return now === undefined || now === holder.started;
}

const named = (holder: Holder) =>
  holder.local ? `pid ${holder.pid}` : `pid ${holder.pid} on host ${holder.host}`;

/**
 * Removes the lock `file` if it still holds `stale`, holding `<file>.break` meanwhile: whoever breaks a lock
 * checks, under that guard, that it is the one it judged gone, so that no new holder's lock is removed.
 */
function breakLock(file: string, stale: string, watched: Watch, reason: LocalStackFailure): boolean {
  const guard = `${file}.break`;
  if (!create(guard, String(process.pid), reason)) {
    // A guard is held for an instant; one that stays was left by a process killed while holding it.
    if (watched.unchanged(guard) > UNWRITTEN_MS) rmSync(guard, { force: true });
    return false;
  }
  try {
    if (read(file) === stale) rmSync(file, { force: true });
    return true;
  } finally {
    rmSync(guard, { force: true });
  }
}

function create(file: string, text: string, reason: LocalStackFailure): boolean {
  try {
    writeFileSync(file, text, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new LocalStackError(`cannot create the lock ${file}: ${(error as Error).message}.`, {
      reason,
      cause: error,
    });
  }
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * How long each file has stayed as it is (same content and modification time) while this process watched it:
 * measured on this process's clock alone, so that another host's clock does not count.
 */
class Watch {
  readonly #seen = new Map<string, { state: string; since: number }>();

  unchanged(file: string): number {
    let state = 'gone';
    try {
      state = `${statSync(file).mtimeMs} ${read(file)}`;
    } catch {
      // Gone: a state of its own.
    }
    const seen = this.#seen.get(file);
    if (seen?.state === state) return Date.now() - seen.since;
    this.#seen.set(file, { state, since: Date.now() });
    return 0;
  }
}
