// A LocalStack for integration tests, as a global setup calls it: one named by the environment, one already
// listening on the port, or an embedded one (localstack-core from PyPI in a virtualenv, no Docker) started here.
// The virtualenv lives in a cache outside the caller's repository and is built once per LocalStack version; an
// embedded LocalStack ends with the process that started it unless `keep` is set. One process at a time looks
// at a port and starts a LocalStack there, or stops one (the port's start lock, held from the health check until
// the runtime answers): a second process starting on the port meanwhile waits, then finds the first one's
// LocalStack and uses it (started: false). The parts: options (checks and defaults), install (the virtualenv),
// lock (the locks across processes), python (finding one), process (the runtime's process), owner (the watchdog
// that starts the runtime and ends it with its owner) and services (the health check and the wait).
// localstack/ imports only the core (errors, argument checks): starting LocalStack never loads the tagger.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { optionsArgument, refuse } from './core/arguments.js';
import { ConfigurationError, LocalStackError } from './core/errors.js';
import { installed, installIfNeeded } from './localstack/install.js';
import { acquire, type Release } from './localstack/lock.js';
import {
  type LocalStackOptions,
  type Settled,
  START_TIMEOUT,
  settle,
  cacheDir as settledCacheDir,
  log as settledLog,
  port as settledPort,
} from './localstack/options.js';
import { claim, launch, leftOver, release } from './localstack/owner.js';
import { probeServices } from './localstack/probe.js';
import {
  alive,
  endRuntime,
  freePort,
  isLocalStack,
  listening,
  loopback,
  type Runtime,
  recordedPid,
  runDirOf,
  runtimeAt,
  runtimeSpec,
  sleep,
} from './localstack/process.js';
import { findPython as findPythonAt } from './localstack/python.js';
import { health, waitForServices } from './localstack/services.js';

export { LocalStackError, type LocalStackFailure } from './core/errors.js';
export { DEFAULT_SERVICES, type LocalStackOptions } from './localstack/options.js';

/**
 * A Python 3.12 or later: `given` (which must be one), else `LOCALSTACK_PYTHON`, else the first found on PATH or
 * under pyenv. Throws `ConfigurationError` when `given` is not a path or command name, and `LocalStackError`
 * (`python-missing`) naming what it tried.
 */
export function findPython(given?: string): string {
  if (given !== undefined && !(typeof given === 'string' && given.trim() !== '')) {
    refuse(
      ConfigurationError,
      'findPython: given',
      'the path or command name of a Python 3.12 or later',
      given,
    );
  }
  return findPythonAt(given);
}
export { health, type LocalStackHealth } from './localstack/services.js';

/** A LocalStack to test against. */
export interface RunningLocalStack {
  /** Its URL, e.g. `http://127.0.0.1:4566`: pass it as the tagger's (and your clients') `endpoint`. */
  endpoint: string;
  /**
   * True when this call started it (or took over one left behind) and `stop` ends it; false for one already
   * there, such as one another process started on the port (also while both were starting: one starts it).
   */
  started: boolean;
  /** The runtime log of an embedded LocalStack started here (removed with its run directory by `stop`). */
  logFile?: string | undefined;
  /** Ends the LocalStack this call started, and nothing else; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Returns a LocalStack with `services` running: the one `endpoint` (or `LOCALSTACK_ENDPOINT`/`AWS_ENDPOINT_URL`)
 * names, one already listening on the port (a Docker one you started, or one another process is starting: this
 * call waits for it), or an embedded one started here, which ends when this process ends (however it ends,
 * at whatever instant) unless `keep` is set.
 * Throws `ConfigurationError` for an option that is wrong, before anything runs, and `LocalStackError` saying
 * what is missing: a Python 3.12+, a free port, a service that is disabled or did not start.
 *
 * @example
 * const localstack = await startLocalStack({ services: ['sqs', 'kms'], port: 0 });
 * // ... tests against localstack.endpoint ...
 * await localstack.stop();
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<RunningLocalStack> {
  // Each option is checked by settle; an array (no options at all, to settle) is refused here.
  optionsArgument(options, 'startLocalStack: options', {});
  const settled = settle(options);
  if (settled.endpoint) return useRunning(settled.endpoint, settled);
  const port = settled.port === 0 ? await freePort() : settled.port;
  let python: string | undefined;
  for (;;) {
    const unlock = await lockPort(runDirOf(settled.cacheDir, port), port, lockWait(settled), settled.log);
    try {
      // A port picked here is one no other process was given: nothing of theirs to find on it.
      const found = settled.port === 0 ? undefined : await onPort(settled);
      if (found) return found;
      python ??= installed(settled.cacheDir, settled.log);
      if (python) return await startEmbedded(settled, port, python);
    } finally {
      unlock();
    }
    // The first install takes minutes and has a lock of its own: the port is not held meanwhile.
    python = await installIfNeeded(settled.cacheDir, settled.python, settled.log);
  }
}

/** How long a start waits for another process's start on the port: as long as that one may wait for its services. */
const lockWait = (options: { startTimeout: number }) => options.startTimeout + 60_000;

/**
 * Takes the start lock of `port` (`run/<port>.lock` in the cache, beside its run directory), which a start holds
 * from its look at the port until its LocalStack answers, and a stop while it ends one.
 */
async function lockPort(
  runDir: string,
  port: number,
  waitMs: number,
  log: (line: string) => void,
): Promise<Release> {
  const file = `${runDir}.lock`;
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (cause) {
    // As for the virtualenv: the cache directory is unusable.
    throw new LocalStackError(`cannot create ${dirname(file)} in the cache: ${(cause as Error).message}.`, {
      reason: 'install-failed',
      cause,
    });
  }
  return acquire(file, {
    name: 'start',
    reason: 'port-in-use',
    doing: `starting or stopping LocalStack on port ${port}`,
    waitMs,
    tooLong: (holder) =>
      new LocalStackError(
        `${holder} has been starting or stopping LocalStack on port ${port} for ${Math.round(waitMs / 1000)} s: ` +
          `if it is stuck, end it (or remove ${file} if no start is running), or pass another port.`,
        { reason: 'port-in-use' },
      ),
    log,
  });
}

/** A LocalStack named or found running: it must answer, and its services must come up in time. */
async function useRunning(endpoint: string, options: Settled): Promise<RunningLocalStack> {
  const found = await health(endpoint);
  if (!found) {
    throw new LocalStackError(
      `no LocalStack answers at ${endpoint} (from the endpoint option, LOCALSTACK_ENDPOINT or AWS_ENDPOINT_URL): ` +
        'start it, or unset those to have one started here.',
      { reason: 'not-answering' },
    );
  }
  const version = found.version ?? '(version not said)';
  if (!options.reuse) {
    throw new LocalStackError(
      `a LocalStack ${version} already answers at ${endpoint}, and reuse is false: stop it, pass another port ` +
        '(port: 0 picks a free one), or allow reuse.',
      { reason: 'port-in-use' },
    );
  }
  await waitForServices(endpoint, options.services, options.startTimeout, undefined);
  await probeServices(endpoint, options.services, options.startTimeout, undefined);
  options.log(
    `using the LocalStack ${version} already at ${endpoint} (not started here; stop() leaves it running), ` +
      `with ${options.services.join(', ')} up`,
  );
  return { endpoint, started: false, stop: async () => {} };
}

/**
 * What answers on the port: nothing (undefined: start one), a LocalStack in use or kept (used as it is), one
 * left behind by a process that is gone (taken over, or waited for while its watchdog ends it), or another
 * program (port-in-use).
 */
async function onPort(options: Settled): Promise<RunningLocalStack | undefined> {
  const endpoint = loopback(options.port);
  const runDir = runDirOf(options.cacheDir, options.port);
  if (!(await health(endpoint))) {
    const silent = unanswering(runDir);
    if (silent !== undefined) {
      throw new LocalStackError(
        `the LocalStack (pid ${silent}) on port ${options.port}, whose files are in ${runDir}, does not answer ` +
          `its health check: it may be overloaded or hung. End it (stopLocalStack({ port: ${options.port} }), ` +
          'or npm run localstack:stop in unitag), or pass another port; no second one is started on the port.',
        { reason: 'port-in-use' },
      );
    }
    if (!(await listening(options.port))) return undefined;
    throw new LocalStackError(
      `port ${options.port} on 127.0.0.1 is taken by a program that is not LocalStack: stop it, or pass another ` +
        'port (port: 0 picks a free one; LOCALSTACK_PORT sets it for the CLI scripts).',
      { reason: 'port-in-use' },
    );
  }
  const left = leftOver(runDir);
  if (left.kind === 'not-ours') return useRunning(endpoint, options);
  if (left.kind === 'ending') {
    await ended(left, runDir, endpoint, options.log);
    return undefined;
  }
  if (!options.reuse) {
    throw new LocalStackError(
      `the LocalStack (pid ${left.pid}) left on ${endpoint} by pid ${left.owner}, which has exited, still answers, ` +
        'and reuse is false: stop it (stopLocalStack, or unitag localstack stop), or pass another port.',
      { reason: 'port-in-use' },
    );
  }
  const runtime = runtimeAt(runDir, options.port, left.pid);
  options.log(
    `taking over the LocalStack (pid ${left.pid}) on ${endpoint}: pid ${left.owner}, which started it, has exited`,
  );
  await claim(runtime, options.keep);
  try {
    return await ready(runtime, options);
  } catch (error) {
    if (!(error instanceof LocalStackError && error.reason === 'service-disabled')) throw error;
    options.log(`it does not run every service asked for: starting a new one on ${endpoint}`);
    await end(runtime);
    return undefined;
  }
}

/**
 * The pid of the LocalStack recorded in `runDir` when it is running and still held (kept, or its owner there):
 * one that does not answer must not be replaced by a second one, which would take its files.
 */
function unanswering(runDir: string): number | undefined {
  const pid = recordedPid(runDir);
  if (pid === undefined || !isLocalStack(pid) || leftOver(runDir).kind !== 'not-ours') return undefined;
  return pid;
}

/** Waits while the watchdog of an exited owner ends its LocalStack and removes the run directory. */
async function ended(
  left: { pid: number; watchdog: number },
  runDir: string,
  endpoint: string,
  log: (line: string) => void,
): Promise<void> {
  log(`waiting for the LocalStack left on ${endpoint} by an exited process to end`);
  const pids = [left.pid, left.watchdog].filter((pid) => pid > 0);
  for (let i = 0; i < 80 && pids.some(alive); i++) await sleep(250);
  if (!pids.some(alive)) return;
  throw new LocalStackError(
    `the LocalStack (pid ${left.pid}) left on ${endpoint} by an exited process did not end within 20 s: ` +
      `end it (kill ${left.pid}), or pass another port. Its files: ${runDir}.`,
    { reason: 'port-in-use' },
  );
}

/** Starts the virtualenv's LocalStack (`python`) on 127.0.0.1:`port` through its watchdog, and waits for its services. */
async function startEmbedded(options: Settled, port: number, python: string): Promise<RunningLocalStack> {
  const runDir = runDirOf(options.cacheDir, port);
  await clearWay(runDir, port, options);
  const runtime = await launch(runtimeSpec(python, runDir, port, options.services), options.keep);
  options.log(`started pid ${runtime.pid} on ${runtime.endpoint}, log ${runtime.logFile}`);
  return ready(runtime, options);
}

/** Before a start reuses a port's run directory: what a previous owner left there is ended first. */
async function clearWay(runDir: string, port: number, options: Settled): Promise<void> {
  const left = leftOver(runDir);
  if (left.kind === 'ending') await ended(left, runDir, loopback(port), options.log);
  if (left.kind === 'orphan') await endRuntime(runtimeAt(runDir, port, left.pid));
}

/** The runtime once its services are up; a runtime that fails is ended, keeping its log. */
async function ready(runtime: Runtime, options: Settled): Promise<RunningLocalStack> {
  const watched = { ...runtime, alive: () => isLocalStack(runtime.pid) };
  try {
    await waitForServices(runtime.endpoint, options.services, options.startTimeout, watched);
    await probeServices(runtime.endpoint, options.services, options.startTimeout, watched);
  } catch (error) {
    await end(runtime, true);
    throw error;
  }
  const stop = () => stopHolding(runtime, lockWait(options), options.log);
  return { endpoint: runtime.endpoint, started: true, logFile: runtime.logFile, stop };
}

/** Ends `runtime` under its port's start lock, so that a start on the port meanwhile finds it either up or gone. */
async function stopHolding(runtime: Runtime, waitMs: number, log: (line: string) => void): Promise<void> {
  const unlock = await lockPort(runtime.runDir, runtime.port, waitMs, log).catch((error: Error) => {
    // A start stuck on the port does not keep this process from ending its own LocalStack.
    log(`${error.message} Ending the LocalStack started here all the same.`);
    return undefined;
  });
  try {
    await end(runtime);
  } finally {
    unlock?.();
  }
}

/** Ends `runtime`, then its watchdog; the caller holds the port's lock. */
async function end(runtime: Runtime, keepLog = false): Promise<void> {
  await release(runtime.runDir, () => endRuntime(runtime, keepLog));
}

/**
 * Ends the embedded LocalStack on `port` (default `LOCALSTACK_PORT`, else 4566) whose files are in `cacheDir`
 * (default `UNITAG_CACHE_DIR`, else `~/.cache/unitag`): one kept (`keep: true`, `npm run localstack:start`) or
 * left behind. Only a process that is still that LocalStack is ended (checked by pid and command line); its run
 * directory is removed. A start on the port in another process is waited for first. Resolves true when it
 * ended one.
 *
 * @example
 * // From a shell, in a project that installed unitag:
 * // node -e "import('unitag/localstack').then((l) => l.stopLocalStack({ port: 4566 }))"
 * await stopLocalStack({ port: 4566 });
 */
export async function stopLocalStack(
  options: Pick<LocalStackOptions, 'cacheDir' | 'port'> = {},
): Promise<boolean> {
  optionsArgument(options, 'stopLocalStack: options', {});
  const port = settledPort(options.port);
  const runDir = runDirOf(settledCacheDir(options.cacheDir), port);
  if (recordedPid(runDir) === undefined) return false;
  const unlock = await lockPort(
    runDir,
    port,
    lockWait({ startTimeout: START_TIMEOUT }),
    settledLog(undefined),
  );
  try {
    const pid = recordedPid(runDir);
    if (pid === undefined) return false;
    const ours = isLocalStack(pid);
    await end(runtimeAt(runDir, port, pid));
    return ours;
  } finally {
    unlock();
  }
}
