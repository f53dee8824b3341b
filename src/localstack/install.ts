// The cached virtualenv with localstack-core: `venv-<hash of the pinned requirements>` in the cache, so that
// two versions never share one. One process installs at a time (the lock `venv-<hash>.lock`, lock.ts); the
// install goes into `venv-<hash>.partial-<pid>` and is renamed into place once complete, so a half-built venv is
// never used. A build whose process was killed (its pip may still be writing into it) is ended and removed by
// the next start that can take that lock. A pip that fails is diagnosed from what it printed.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalStackError } from '../core/errors.js';
import { acquire, tryAcquire } from './lock.js';
import { alive, commandLine } from './process.js';
import { findPython } from './python.js';

/** The localstack-core release the requirements pin (its version and every dependency's). */
const REQUIREMENTS = 'localstack/requirements.txt';
/** What the first install costs, as the log and docs/testing-with-localstack.md say it: it depends on the network, not on unitag. */
const INSTALL_TIME = 'which takes about half a minute to a few minutes depending on the network';
/** How long a start waits for another process's install before it gives up. */
const LOCK_WAIT_MS = 15 * 60_000;

/**
 * The Python of the cached virtualenv when it is installed (undefined when not), after removing what killed
 * installs left, if no install is running.
 */
export function installed(cacheDir: string, log: (line: string) => void): string | undefined {
  const { venv } = pinned(cacheDir);
  if (!complete(venv)) return undefined;
  if (abandoned(venv).length > 0) {
    const unlock = tryAcquire(`${venv}.lock`, 'install-failed');
    try {
      if (unlock) removeAbandoned(venv, log);
    } finally {
      unlock?.();
    }
  }
  return venvPython(venv);
}

/** The Python of the cached virtualenv, installed first when there is none for the pinned requirements. */
export async function installIfNeeded(
  cacheDir: string,
  python: string | undefined,
  log: (line: string) => void,
): Promise<string> {
  const { venv, text, requirements } = pinned(cacheDir);
  if (complete(venv)) return installed(cacheDir, log) ?? venvPython(venv);
  cacheStep(`cannot create the cache directory ${cacheDir}`, () => mkdirSync(cacheDir, { recursive: true }));
  const unlock = await acquire(`${venv}.lock`, {
    name: 'install',
    reason: 'install-failed',
    doing: `installing localstack-core into ${venv}`,
    waitMs: LOCK_WAIT_MS,
    tooLong: (holder) =>
      new LocalStackError(
        `${holder} has been installing localstack-core into ${venv} for ${LOCK_WAIT_MS / 60_000} minutes: ` +
          `if it is stuck, end it, or remove ${venv}.lock if no install is running.`,
        { reason: 'install-failed' },
      ),
    log,
  });
  try {
    removeAbandoned(venv, log);
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

/** The pinned requirements, and the virtualenv in `cacheDir` that they are installed into. */
function pinned(cacheDir: string): { venv: string; text: string; requirements: string } {
  const requirements = requirementsFile();
  const text = readFileSync(requirements, 'utf8');
  const venv = join(cacheDir, `venv-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`);
  return { venv, text, requirements };
}

const complete = (venv: string) => existsSync(join(venv, '.complete'));
const venvPython = (venv: string) => join(venv, 'bin', 'python');

/** Builds the venv in `<venv>.partial-<pid>` and renames it into place; on failure removes what it built. */
async function build(base: string, venv: string, requirements: string): Promise<void> {
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

const PARTIAL = /^(venv-[0-9a-f]+)\.partial-(\d+)$/;

/**
 * The builds in the cache whose process has exited: `venv`'s (whose lock the caller holds), and other
 * versions' while nobody holds their lock (a build in use has a live pid, or its version's lock is held).
 */
function abandoned(venv: string): { dir: string; pid: number }[] {
  const cache = dirname(venv);
  const found: { dir: string; pid: number }[] = [];
  for (const name of safeList(cache)) {
    const [, version = '', pid = ''] = name.match(PARTIAL) ?? [];
    const mine = join(cache, version) === venv;
    if (!pid || Number(pid) === process.pid || alive(Number(pid))) continue;
    if (mine || !existsSync(join(cache, `${version}.lock`)))
      found.push({ dir: join(cache, name), pid: Number(pid) });
  }
  return found;
}

/**
 * Removes the builds of killed installs. Killing an install's node process leaves its pip running, writing into
 * the build: such processes are ended first, or they would write the directory back.
 */
function removeAbandoned(venv: string, log: (line: string) => void): void {
  for (const { dir, pid } of abandoned(venv)) {
    for (const writer of runningFrom(dir)) {
      try {
        process.kill(writer, 'SIGKILL');
      } catch {
        // It ended meanwhile.
      }
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    log(`removed ${dir}, left by an install (pid ${pid}) that was killed`);
  }
}

/** The processes whose command line runs from `dir` (Linux; elsewhere none are found). */
function runningFrom(dir: string): number[] {
  return safeList('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) =>
      (commandLine(pid) ?? '').split('\0').some((arg) => arg === dir || arg.startsWith(`${dir}/`)),
    );
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
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
