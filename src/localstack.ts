// A LocalStack for integration tests, as a global setup calls it: one named by the environment, one already
// listening on the port, or an embedded one (localstack-core from PyPI in a virtualenv, no Docker) started here.
// The virtualenv lives in a cache outside the caller's repository and is built once per LocalStack version.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalStackError } from './errors.js';

export { LocalStackError, type LocalStackFailure } from './errors.js';

/** Options of {@link startLocalStack}; every one is optional. */
export interface LocalStackOptions {
  /** LocalStack services to start and wait for (its names: `sqs`, `stepfunctions`, ...). Default {@link DEFAULT_SERVICES}. */
  services?: readonly string[] | undefined;
  /** A LocalStack to use as it is (it must answer). Default: `LOCALSTACK_ENDPOINT`, then `AWS_ENDPOINT_URL`. */
  endpoint?: string | undefined;
  /** Port of the embedded LocalStack on 127.0.0.1. Default `LOCALSTACK_PORT`, else 4566; `0` picks a free one. */
  port?: number | undefined;
  /** Where the virtualenv and the runtime files go. Default `UNITAG_CACHE_DIR`, else `~/.cache/unitag`. */
  cacheDir?: string | undefined;
  /** The Python (3.12 or later) to build the virtualenv with. Default `LOCALSTACK_PYTHON`, else one found. */
  python?: string | undefined;
  /** Milliseconds to wait for the services. Default 180,000. */
  startTimeout?: number | undefined;
  /** Progress lines (installing, started); default: standard error. */
  log?: ((line: string) => void) | undefined;
}

/** A LocalStack to test against. */
export interface RunningLocalStack {
  /** Its URL, e.g. `http://127.0.0.1:4566`: pass it as the tagger's (and your clients') `endpoint`. */
  endpoint: string;
  /** True when this call started it (and `stop` ends it); false for one that was already there. */
  started: boolean;
  /** The runtime log of an embedded LocalStack started here. */
  logFile?: string | undefined;
  /** Ends the LocalStack this call started, and nothing else; resolves once it has exited. */
  stop(): Promise<void>;
}

/** The services unitag tags natively, and the tagging API and STS it calls. */
export const DEFAULT_SERVICES: readonly string[] = [
  'sns',
  'sqs',
  's3',
  'ec2',
  'iam',
  'lambda',
  'resourcegroupstaggingapi',
  'sts',
  'logs',
  'kms',
  'secretsmanager',
  'ssm',
  'kinesis',
  'stepfunctions',
  'events',
  'cloudwatch',
];

/** The localstack-core release the requirements pin (its version and every dependency's). */
const REQUIREMENTS = 'localstack/requirements.txt';

/**
 * Returns a LocalStack with `services` running: the one `endpoint` (or `LOCALSTACK_ENDPOINT`/`AWS_ENDPOINT_URL`)
 * names, one already listening on the port (a Docker one you started, say), or an embedded one started here.
 * Throws `LocalStackError` saying what is missing: a Python 3.12+, a free port, a service that did not start.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<RunningLocalStack> {
  const services = options.services ?? DEFAULT_SERVICES;
  const timeout = options.startTimeout ?? 180_000;
  const given = options.endpoint ?? (process.env.LOCALSTACK_ENDPOINT || process.env.AWS_ENDPOINT_URL);
  if (given) return useGiven(given, services, timeout);
  const port = options.port ?? Number(process.env.LOCALSTACK_PORT || 4566);
  if (port !== 0) {
    const running = await health(`http://127.0.0.1:${port}`);
    if (running) return useGiven(`http://127.0.0.1:${port}`, services, timeout);
    if (await listening(port)) {
      throw new LocalStackError(
        `port ${port} on 127.0.0.1 is taken by a program that is not LocalStack: stop it, or pass another port ` +
          '(port: 0 picks a free one; LOCALSTACK_PORT sets it for the CLI scripts).',
        { reason: 'port-in-use' },
      );
    }
  }
  return startEmbedded({ ...options, services, startTimeout: timeout }, port === 0 ? await freePort() : port);
}

/** A LocalStack named or found running: it must answer, and its services must come up in time. */
async function useGiven(
  endpoint: string,
  services: readonly string[],
  timeout: number,
): Promise<RunningLocalStack> {
  if (!(await health(endpoint))) {
    throw new LocalStackError(
      `no LocalStack answers at ${endpoint} (from the endpoint option, LOCALSTACK_ENDPOINT or AWS_ENDPOINT_URL): ` +
        'start it, or unset those to have one started here.',
      { reason: 'not-answering' },
    );
  }
  await waitForServices(endpoint, services, timeout, undefined);
  return { endpoint, started: false, stop: async () => {} };
}

type Settled = Required<Pick<LocalStackOptions, 'services' | 'startTimeout'>> & LocalStackOptions;

/** Builds the virtualenv if needed, starts LocalStack on 127.0.0.1:`port`, and waits for its services. */
async function startEmbedded(options: Settled, port: number): Promise<RunningLocalStack> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[localstack] ${line}\n`));
  const cache = options.cacheDir ?? (process.env.UNITAG_CACHE_DIR || join(homedir(), '.cache', 'unitag'));
  const python = installIfNeeded(cache, options.python, log);
  const runDir = join(cache, 'run', String(port));
  const dataDir = join(runDir, 'data');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(runDir, 'localstack.log');
  const out = openSync(logFile, 'w');
  const child = spawn(python, ['-m', 'localstack.runtime.main'], {
    cwd: runDir,
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...runtimeEnv(port, options.services, dataDir) },
  });
  child.unref();
  const pid = child.pid as number;
  writeFileSync(join(runDir, 'localstack.pid'), String(pid));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () => stopProcess(pid, join(runDir, 'localstack.pid'));
  log(`started pid ${pid} on ${endpoint}, log ${logFile}`);
  try {
    await waitForServices(endpoint, options.services, options.startTimeout, { pid, logFile });
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, started: true, logFile, stop };
}

/** LocalStack's configuration: loopback only, the services named, state kept under `dataDir`. */
function runtimeEnv(port: number, services: readonly string[], dataDir: string): Record<string, string> {
  return {
    GATEWAY_LISTEN: `127.0.0.1:${port}`,
    // The default (twisted) gateway listens on every interface whatever GATEWAY_LISTEN says; hypercorn honours the host.
    GATEWAY_SERVER: 'hypercorn',
    SERVICES: services.join(','),
    EAGER_SERVICE_LOADING: '1',
    DISABLE_EVENTS: '1',
    SKIP_SSL_CERT_DOWNLOAD: '1',
    DNS_ADDRESS: '0',
    FILESYSTEM_ROOT: dataDir,
    SQS_ENDPOINT_STRATEGY: 'path',
    LOCALSTACK_HOST: `localhost:${port}`,
  };
}

/** What LocalStack's `/_localstack/health` answers: each service's state, and its version. */
export interface LocalStackHealth {
  services: Record<string, string>;
  version?: string;
}

/** The health document of the LocalStack at `endpoint`, or undefined when nothing (or something else) answers. */
export async function health(endpoint: string): Promise<LocalStackHealth | undefined> {
  try {
    const response = await fetch(`${endpoint}/_localstack/health`, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return undefined;
    const document = (await response.json()) as unknown;
    const isHealth = typeof document === 'object' && document !== null && 'services' in document;
    return isHealth ? (document as LocalStackHealth) : undefined;
  } catch {
    return undefined;
  }
}

/** Waits until every service is `running` or `available`; fails early when one errs or the process exits. */
async function waitForServices(
  endpoint: string,
  services: readonly string[],
  timeout: number,
  process_: { pid: number; logFile: string } | undefined,
): Promise<void> {
  const deadline = Date.now() + timeout;
  let states: Record<string, string> = {};
  while (Date.now() < deadline) {
    states = (await health(endpoint))?.services ?? {};
    const failed = services.filter((name) => states[name] === 'error');
    if (failed.length > 0)
      throw startFailure(`the service(s) ${failed.join(', ')} failed to start`, process_);
    const unknown = Object.keys(states).length > 0 ? services.filter((name) => !(name in states)) : [];
    if (unknown.length > 0) throw startFailure(`LocalStack has no service ${unknown.join(', ')}`, process_);
    if (services.every((name) => ['running', 'available'].includes(states[name] ?? ''))) return;
    if (process_ && !alive(process_.pid))
      throw startFailure('LocalStack exited before it was ready', process_);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const waiting = services.filter((name) => !['running', 'available'].includes(states[name] ?? ''));
  throw startFailure(`${waiting.join(', ')} not ready within ${timeout / 1000} s`, process_);
}

/** A start failure with the end of the runtime log, where there is one. */
function startFailure(why: string, process_: { logFile: string } | undefined): LocalStackError {
  const log = process_?.logFile;
  const tail = log && existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-30).join('\n') : '';
  return new LocalStackError(tail ? `${why}. Last lines of ${log}:\n${tail}` : `${why}.`, {
    reason: 'start-failed',
  });
}

/**
 * The Python of the cached virtualenv, built first when the pinned requirements changed: `venv-<hash>` under
 * the cache, so that two versions never share one.
 */
function installIfNeeded(cache: string, python: string | undefined, log: (line: string) => void): string {
  const requirements = requirementsFile();
  const hash = createHash('sha256').update(readFileSync(requirements)).digest('hex').slice(0, 16);
  const venv = join(cache, `venv-${hash}`);
  const stamp = join(venv, '.complete');
  const venvPython = join(venv, 'bin', 'python');
  if (existsSync(stamp)) return venvPython;
  const base = findPython(python);
  log(`installing localstack-core into ${venv} with ${base} (once; about two minutes)`);
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  run(base, ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--no-deps',
    '--require-virtualenv',
    '-r',
    requirements,
  ]);
  writeFileSync(stamp, new Date().toISOString());
  return venvPython;
}

/** The pinned requirements shipped with unitag: found from this module upwards (src/ or dist/src/). */
function requirementsFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up++, dir = dirname(dir)) {
    if (existsSync(join(dir, REQUIREMENTS))) return join(dir, REQUIREMENTS);
  }
  throw new LocalStackError(`${REQUIREMENTS} is missing from the unitag package: reinstall it.`, {
    reason: 'install-failed',
  });
}

/**
 * A Python 3.12 or later: the one given (which must be), else `LOCALSTACK_PYTHON`, python3.13, python3.12,
 * python3, or one under ~/.pyenv/versions.
 */
export function findPython(given?: string): string {
  const candidates = given ? [given] : [process.env.LOCALSTACK_PYTHON, 'python3.13', 'python3.12', 'python3'];
  const pyenv = join(process.env.PYENV_ROOT ?? join(homedir(), '.pyenv'), 'versions');
  if (!given && existsSync(pyenv)) {
    for (const version of readdirSync(pyenv).sort().reverse())
      candidates.push(join(pyenv, version, 'bin', 'python'));
  }
  const seen: string[] = [];
  for (const python of candidates.filter((c): c is string => Boolean(c))) {
    const probe = spawnSync(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
      encoding: 'utf8',
    });
    if (probe.status !== 0) continue;
    const version = probe.stdout.trim();
    const [major = 0, minor = 0] = version.split('.').map(Number);
    if (major > 3 || (major === 3 && minor >= 12)) return python;
    seen.push(`${python} is ${version}`);
  }
  throw new LocalStackError(
    `the embedded LocalStack (localstack-core) needs Python 3.12 or later, and none was found (tried ` +
      `${given ?? 'LOCALSTACK_PYTHON, python3.13, python3.12, python3 and ~/.pyenv/versions'}${seen.length ? `; ${seen.join(', ')}` : ''}). ` +
      'Install one and set LOCALSTACK_PYTHON to its path, or start LocalStack yourself (Docker) and set LOCALSTACK_ENDPOINT.',
    { reason: 'python-missing' },
  );
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    throw new LocalStackError(
      `${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}): the package index must be reachable on first use.`,
      { reason: 'install-failed' },
    );
  }
}

/** Ends the process group started here, if that pid is still our LocalStack; waits up to 10 s, then kills. */
async function stopProcess(pid: number, pidFile: string): Promise<void> {
  rmSync(pidFile, { force: true });
  if (!isLocalStack(pid)) return;
  process.kill(-pid, 'SIGTERM');
  for (let i = 0; i < 40 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 250));
  if (alive(pid)) process.kill(-pid, 'SIGKILL');
}

/** Ends the embedded LocalStack whose pid file is under `cacheDir` for `port` (what a CLI `stop` needs). */
export async function stopLocalStack(
  options: Pick<LocalStackOptions, 'cacheDir' | 'port'> = {},
): Promise<boolean> {
  const cache = options.cacheDir ?? (process.env.UNITAG_CACHE_DIR || join(homedir(), '.cache', 'unitag'));
  const port = options.port ?? Number(process.env.LOCALSTACK_PORT || 4566);
  const pidFile = join(cache, 'run', String(port), 'localstack.pid');
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  const ours = isLocalStack(pid);
  await stopProcess(pid, pidFile);
  return ours;
}

// The pid may have been reused by another process since: only a LocalStack runtime counts.
function isLocalStack(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('localstack.runtime.main');
  } catch {
    return alive(pid) && process.platform !== 'linux';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when something accepts connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A port free on 127.0.0.1 now (the kernel's pick). */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
