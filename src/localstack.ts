// A LocalStack for integration tests, as a global setup calls it: one named by the environment, one already
// listening on the port, or an embedded one (localstack-core from PyPI in a virtualenv, no Docker) started here.
// The virtualenv lives in a cache outside the caller's repository and is built once per LocalStack version; an
// embedded LocalStack ends with the process that started it unless `keep` is set. The parts: options
// (checks and defaults), install (the virtualenv), python (finding one), process (the runtime's process),
// owner (who ends it) and services (the health check and the wait).
import { LocalStackError } from './errors.js';
import { installIfNeeded } from './localstack/install.js';
import {
  type LocalStackOptions,
  type Settled,
  settle,
  cacheDir as settledCacheDir,
  port as settledPort,
} from './localstack/options.js';
import { claim, leftOver, release } from './localstack/owner.js';
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
  sleep,
  spawnRuntime,
} from './localstack/process.js';
import { health, waitForServices } from './localstack/services.js';

export { LocalStackError, type LocalStackFailure } from './errors.js';
export { DEFAULT_SERVICES, type LocalStackOptions } from './localstack/options.js';
export { findPython } from './localstack/python.js';
export { health, type LocalStackHealth } from './localstack/services.js';

/** A LocalStack to test against. */
export interface RunningLocalStack {
  /** Its URL, e.g. `http://127.0.0.1:4566`: pass it as the tagger's (and your clients') `endpoint`. */
  endpoint: string;
  /** True when this call started it (or took over one left behind) and `stop` ends it; false for one already there. */
  started: boolean;
  /** The runtime log of an embedded LocalStack started here (removed with its run directory by `stop`). */
  logFile?: string | undefined;
  /** Ends the LocalStack this call started, and nothing else; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Returns a LocalStack with `services` running: the one `endpoint` (or `LOCALSTACK_ENDPOINT`/`AWS_ENDPOINT_URL`)
 * names, one already listening on the port (a Docker one you started, say), or an embedded one started here,
 * which ends when this process ends (however it ends) unless `keep` is set.
 * Throws `ConfigurationError` for an option that is wrong, before anything runs, and `LocalStackError` saying
 * what is missing: a Python 3.12+, a free port, a service that is disabled or did not start.
 *
 * @example
 * const localstack = await startLocalStack({ services: ['sqs', 'kms'], port: 0 });
 * // ... tests against localstack.endpoint ...
 * await localstack.stop();
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<RunningLocalStack> {
  const settled = settle(options);
  if (settled.endpoint) return useRunning(settled.endpoint, settled);
  if (settled.port !== 0) {
    const found = await onPort(settled);
    if (found) return found;
  }
  return startEmbedded(settled, settled.port === 0 ? await freePort() : settled.port);
}

/** A LocalStack named or found running: it must answer, and its services must come up in time. */
async function useRunning(endpoint: string, options: Settled): Promise<RunningLocalStack> {
  if (!(await health(endpoint))) {
    throw new LocalStackError(
      `no LocalStack answers at ${endpoint} (from the endpoint option, LOCALSTACK_ENDPOINT or AWS_ENDPOINT_URL): ` +
        'start it, or unset those to have one started here.',
      { reason: 'not-answering' },
    );
  }
  await waitForServices(endpoint, options.services, options.startTimeout, undefined);
  return { endpoint, started: false, stop: async () => {} };
}

/**
 * What answers on the port: nothing (undefined: start one), a LocalStack in use or kept (used as it is), one
 * left behind by a process that is gone (taken over, or waited for while its watchdog ends it), or another
 * program (port-in-use).
 */
async function onPort(options: Settled): Promise<RunningLocalStack | undefined> {
  const endpoint = loopback(options.port);
  if (!(await health(endpoint))) {
    if (!(await listening(options.port))) return undefined;
    throw new LocalStackError(
      `port ${options.port} on 127.0.0.1 is taken by a program that is not LocalStack: stop it, or pass another ` +
        'port (port: 0 picks a free one; LOCALSTACK_PORT sets it for the CLI scripts).',
      { reason: 'port-in-use' },
    );
  }
  const runDir = runDirOf(options.cacheDir, options.port);
  const left = leftOver(runDir);
  if (left.kind === 'not-ours') return useRunning(endpoint, options);
  if (left.kind === 'ending') {
    await ended(left, runDir, endpoint, options.log);
    return undefined;
  }
  const runtime = runtimeAt(runDir, options.port, left.pid);
  options.log(
    `taking over the LocalStack (pid ${left.pid}) on ${endpoint}: pid ${left.owner}, which started it, has exited`,
  );
  claim(runtime, options.keep);
  try {
    return await ready(runtime, options);
  } catch (error) {
    if (!(error instanceof LocalStackError && error.reason === 'service-disabled')) throw error;
    options.log(`it does not run every service asked for: starting a new one on ${endpoint}`);
    await stop(runtime);
    return undefined;
  }
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

/** Installs localstack-core if needed, starts it on 127.0.0.1:`port`, and waits for its services. */
async function startEmbedded(options: Settled, port: number): Promise<RunningLocalStack> {
  const python = await installIfNeeded(options.cacheDir, options.python, options.log);
  const runDir = runDirOf(options.cacheDir, port);
  await clearWay(runDir, port, options);
  const runtime = spawnRuntime(python, runDir, port, options.services);
  claim(runtime, options.keep);
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
  } catch (error) {
    await stop(runtime, true);
    throw error;
  }
  return { endpoint: runtime.endpoint, started: true, logFile: runtime.logFile, stop: () => stop(runtime) };
}

async function stop(runtime: Runtime, keepLog = false): Promise<void> {
  release(runtime.runDir);
  await endRuntime(runtime, keepLog);
}

/**
 * Ends the embedded LocalStack on `port` (default `LOCALSTACK_PORT`, else 4566) whose files are in `cacheDir`
 * (default `UNITAG_CACHE_DIR`, else `~/.cache/unitag`): one kept (`keep: true`, `npm run localstack:start`) or
 * left behind. Only a process that is still that LocalStack is ended (checked by pid and command line); its run
 * directory is removed. Resolves true when it ended one.
 *
 * @example
 * // From a shell, in a project that installed unitag:
 * // node -e "import('unitag/localstack').then((l) => l.stopLocalStack({ port: 4566 }))"
 * await stopLocalStack({ port: 4566 });
 */
export async function stopLocalStack(
  options: Pick<LocalStackOptions, 'cacheDir' | 'port'> = {},
): Promise<boolean> {
  const port = settledPort(options.port);
  const runDir = runDirOf(settledCacheDir(options.cacheDir), port);
  const pid = recordedPid(runDir);
  if (pid === undefined) return false;
  const ours = isLocalStack(pid);
  await stop(runtimeAt(runDir, port, pid));
  return ours;
}
