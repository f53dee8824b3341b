// The embedded LocalStack's process: started in a process group of its own under run/<port> in the cache,
// ended by its group (LocalStack starts helpers such as kinesis-mock), and the small checks around it.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { LocalStackError } from '../errors.js';

/** An embedded LocalStack: its process, port and files. */
export interface Runtime {
  pid: number;
  port: number;
  endpoint: string;
  runDir: string;
  logFile: string;
}

export const loopback = (port: number): string => `http://127.0.0.1:${port}`;

/** The run directory of the embedded LocalStack on `port`: its pid file, owner record, log and data. */
export const runDirOf = (cacheDir: string, port: number): string => join(cacheDir, 'run', String(port));

/** The runtime on `port` whose files are in `runDir`, as a start or a stop sees it. */
export function runtimeAt(runDir: string, port: number, pid: number): Runtime {
  return { pid, port, endpoint: loopback(port), runDir, logFile: join(runDir, 'localstack.log') };
}

/** The pid in `runDir`'s pid file, if there is one. */
export function recordedPid(runDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(runDir, 'localstack.pid'), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Starts `python -m localstack.runtime.main` on 127.0.0.1:`port` with `services`; does not wait for them. */
export function spawnRuntime(
  python: string,
  runDir: string,
  port: number,
  services: readonly string[],
): Runtime {
  const dataDir = join(runDir, 'data');
  const logFile = join(runDir, 'localstack.log');
  let out: number;
  try {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    out = openSync(logFile, 'w');
  } catch (cause) {
    throw new LocalStackError(`cannot prepare ${runDir} for LocalStack: ${(cause as Error).message}.`, {
      reason: 'start-failed',
      cause,
    });
  }
  const child = spawn(python, ['-m', 'localstack.runtime.main'], {
    cwd: runDir,
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...runtimeEnv(port, services, dataDir) },
  });
  closeSync(out);
  child.on('error', () => {});
  child.unref();
  if (child.pid === undefined) {
    throw new LocalStackError(
      `cannot run ${python} to start LocalStack (is the cache's virtualenv intact?).`,
      {
        reason: 'start-failed',
      },
    );
  }
  writeFileSync(join(runDir, 'localstack.pid'), String(child.pid));
  return runtimeAt(runDir, port, child.pid);
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

/**
 * Ends the runtime's process group if `pid` is still a LocalStack (SIGTERM, then SIGKILL after 10 s), then
 * removes its run directory; `keepLog` keeps the log there (a start that failed says where it is).
 */
export async function endRuntime(runtime: Runtime, keepLog = false): Promise<void> {
  if (isLocalStack(runtime.pid)) {
    signalGroup(runtime.pid, 'SIGTERM');
    for (let i = 0; i < 40 && alive(runtime.pid); i++) await sleep(250);
    if (alive(runtime.pid)) signalGroup(runtime.pid, 'SIGKILL');
  }
  if (!keepLog) return rmSync(runtime.runDir, { recursive: true, force: true });
  for (const name of safeList(runtime.runDir)) {
    if (name !== 'localstack.log') rmSync(join(runtime.runDir, name), { recursive: true, force: true });
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Gone already.
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** True when `pid` is a LocalStack runtime; the pid may have been reused by another process since. */
export function isLocalStack(pid: number): boolean {
  return (
    commandLine(pid)?.includes('localstack.runtime.main') ?? (alive(pid) && process.platform !== 'linux')
  );
}

/** The command line of `pid` (Linux), or undefined where /proc cannot tell. */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** True when something accepts connections on 127.0.0.1:`port`. */
export function listening(port: number): Promise<boolean> {
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
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
