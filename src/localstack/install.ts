// The cached virtualenv with localstack-core: `venv-<hash of the pinned requirements>` in the cache, so that
// two versions never share one. One process installs at a time (an exclusive lock file holding its pid, taken
// over when that pid is gone); the install goes into a directory of its own and is renamed into place once
// complete, so a half-built venv is never used and a crash leaves nothing another process trips on. A pip that
// fails is diagnosed from what it printed.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalStackError } from '../errors.js';
import { alive, sleep } from './process.js';
import { findPython } from './python.js';

/** The localstack-core release the requirements pin (its version and every dependency's). */
const REQUIREMENTS = 'localstack/requirements.txt';
/** What the first install costs, as the log and the README say it: it depends on the network, not on unitag. */
const INSTALL_TIME = 'which takes about half a minute to a few minutes depending on the network';
/** How long a start waits for another process's install before it gives up. */
const LOCK_WAIT_MS = 15 * 60_000;

/** The Python of the cached virtualenv, installed first when there is none for the pinned requirements. */
export async function installIfNeeded(
  cacheDir: string,
  python: string | undefined,
  log: (line: string) => void,
): Promise<string> {
  const requirements = requirementsFile();
  const text = readFileSync(requirements, 'utf8');
  const venv = join(cacheDir, `venv-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`);
  if (complete(venv)) return venvPython(venv);
  cacheStep(`cannot create the cache directory ${cacheDir}`, () => mkdirSync(cacheDir, { recursive: true }));
  const unlock = await lock(`${venv}.lock`, venv, log);
  try {
    if (complete(venv)) return venvPython(venv);
    const base = findPython(python);
    const packages = text.split('\n').filter((line) => /^[A-Za-z0-9]/.test(line)).length;
    log(
      `installing localstack-core into ${venv} with ${base}, once for this version: ${packages} pinned ` +
        `packages from the package index, ${INSTALL_TIME} (later starts reuse it)`,
    );
    await build(base, venv, requirements);
    return venvPython(venv);
  } finally {
    unlock();
  }
}

const complete = (venv: string) => existsSync(join(venv, '.complete'));
const venvPython = (venv: string) => join(venv, 'bin', 'python');

/** Builds the venv in `<venv>.partial-<pid>` and renames it into place; on failure removes what it built. */
async function build(base: string, venv: string, requirements: string): Promise<void> {
  removeAbandoned(venv);
  const partial = `${venv}.partial-${process.pid}`;
  try {
    await step('venv', base, ['-m', 'venv', partial]);
    const pip = ['install', '--quiet', '--no-deps', '--require-virtualenv', '--disable-pip-version-check'];
    await step('pip', join(partial, 'bin', 'python'), ['-m', 'pip', ...pip, '-r', requirements]);
    writeFileSync(join(partial, '.complete'), new Date().toISOString());
    // A venv without its stamp was left by an older unitag that built in place: it is incomplete.
    if (!complete(venv)) rmSync(venv, { recursive: true, force: true });
    if (!complete(venv)) renameSync(partial, venv);
  } catch (error) {
    if (error instanceof LocalStackError) throw error;
    throw new LocalStackError(`cannot put the virtualenv in place at ${venv}: ${(error as Error).message}.`, {
      reason: 'install-failed',
      cause: error,
    });
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/** Removes partial builds whose process is gone (killed mid-install). */
function removeAbandoned(venv: string): void {
  const prefix = `${venv.slice(dirname(venv).length + 1)}.partial-`;
  for (const name of readdirSync(dirname(venv))) {
    if (name.startsWith(prefix) && !alive(Number(name.slice(prefix.length)))) {
      rmSync(join(dirname(venv), name), { recursive: true, force: true });
    }
  }
}

/**
 * Takes the install lock (a file created exclusively, holding this pid); waits while a live process holds
 * it, and takes over one whose process is gone. Returns the release.
 */
async function lock(file: string, venv: string, log: (line: string) => void): Promise<() => void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let waitingFor: number | undefined;
  for (;;) {
    if (tryCreate(file)) {
      return () => {
        if (lockHolder(file) === process.pid) rmSync(file, { force: true });
      };
    }
    const holder = lockHolder(file);
    if (holder === undefined && unwrittenFor(file) > 5000) {
      rmSync(file, { force: true });
      continue;
    }
    if (holder !== undefined && !alive(holder)) {
      rmSync(file, { force: true });
      log(`removed the install lock of pid ${holder}, which has exited (${file})`);
      continue;
    }
    if (holder !== undefined && holder !== waitingFor) {
      log(`waiting for pid ${holder}, which is installing localstack-core into ${venv} (lock ${file})`);
      waitingFor = holder;
    }
    if (Date.now() > deadline) {
      throw new LocalStackError(
        `pid ${holder} has been installing localstack-core into ${venv} for ${LOCK_WAIT_MS / 60_000} minutes: ` +
          `if it is stuck, end it, or remove ${file} if no install is running.`,
        { reason: 'install-failed' },
      );
    }
    await sleep(250);
  }
}

function tryCreate(file: string): boolean {
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new LocalStackError(`cannot create the install lock ${file}: ${(error as Error).message}.`, {
      reason: 'install-failed',
      cause: error,
    });
  }
}

/** The pid in the lock file; undefined while its creator has yet to write it (or it is gone). */
function lockHolder(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Milliseconds since a lock file with no pid in it was written (0 when it has one or is gone). */
function unwrittenFor(file: string): number {
  try {
    const stats = statSync(file);
    return stats.size === 0 ? Date.now() - stats.mtimeMs : 0;
  } catch {
    return 0;
  }
}

/** Runs one install step, keeping the end of its output; a failure is diagnosed from that output. */
async function step(what: 'venv' | 'pip', command: string, args: string[]): Promise<void> {
  const { code, output, error } = await run(command, args);
  if (code === 0) return;
  const tail = output.trimEnd().split('\n').slice(-20).join('\n');
  const said = tail ? `\n${what === 'pip' ? 'pip' : command} said:\n${tail}` : '';
  const why = error ? `could not run ${command}: ${error.message}` : diagnose(what, output, code);
  throw new LocalStackError(
    `installing localstack-core failed: ${why}. Nothing was kept; the next start retries.${said}`,
    {
      reason: 'install-failed',
      cause: error,
    },
  );
}

const NETWORK =
  /Could not fetch URL|NewConnectionError|Failed to establish a new connection|Temporary failure in name resolution|Name or service not known|nodename nor servname|Network is unreachable|Connection refused|ConnectTimeoutError|ReadTimeoutError|timed out|ProxyError|SSLError|CERTIFICATE_VERIFY_FAILED|Max retries exceeded/i;

/** What went wrong, from what the step printed: the network only when its output says so. */
export function diagnose(what: 'venv' | 'pip', output: string, code: number | string): string {
  if (what === 'venv') {
    if (/ensurepip is not available|No module named (venv|ensurepip)/.test(output)) {
      return 'this Python cannot create virtualenvs (on Debian or Ubuntu, install the python3-venv package for its version)';
    }
    return `creating the virtualenv failed (exit ${code})`;
  }
  if (NETWORK.test(output)) {
    return 'pip could not reach the package index (check the network, a proxy (HTTPS_PROXY) or PIP_INDEX_URL)';
  }
  if (/No space left on device/i.test(output)) return 'the disk is full (no space left on device)';
  if (/No matching distribution found|Could not find a version that satisfies/i.test(output)) {
    return 'pip found no matching distribution for a pinned package (the pins are for Python 3.12 or later on Linux or macOS)';
  }
  if (/Permission denied/i.test(output))
    return 'pip was refused permission to write (check the cache directory)';
  return `pip install failed (exit ${code})`;
}

/** Runs `command`, collecting its standard output and error (the last 64 KB). */
function run(
  command: string,
  args: string[],
): Promise<{ code: number | string; output: string; error?: Error }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-65_536);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => resolve({ code: -1, output, error }));
    child.once('close', (code, signal) => resolve({ code: code ?? signal ?? -1, output }));
  });
}

/** Runs `action`, turning a file-system error into an install failure that names what it was doing. */
function cacheStep(doing: string, action: () => void): void {
  try {
    action();
  } catch (error) {
    throw new LocalStackError(`${doing}: ${(error as Error).message}.`, {
      reason: 'install-failed',
      cause: error,
    });
  }
}

/** The pinned requirements shipped with unitag: found from this module upwards (src/localstack/, dist/src/localstack/). */
function requirementsFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++, dir = dirname(dir)) {
    if (existsSync(join(dir, REQUIREMENTS))) return join(dir, REQUIREMENTS);
  }
  throw new LocalStackError(`${REQUIREMENTS} is missing from the unitag package: reinstall it.`, {
    reason: 'install-failed',
  });
}
