// The embedded LocalStack's process: how it is started (its watchdog, owner.ts, starts it) in a process group of
// its own under run/<port> in the cache, how it is ended (by its group: LocalStack starts helpers such as
// kinesis-mock), and the small checks around it.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';

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

/** How the runtime is started (by its watchdog, owner.ts, which also empties its data directory first). */
export interface RuntimeSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  port: number;
  runDir: string;
  dataDir: string;
  logFile: string;
}

/** How to start `python -m localstack.runtime.main` on 127.0.0.1:`port` with `services`, its files in `runDir`. */
export function runtimeSpec(
  python: string,
  runDir: string,
  port: number,
  services: readonly string[],
): RuntimeSpec {
  const dataDir = join(runDir, 'data');
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined) env[name] = value;
  return {
    command: python,
    args: ['-m', 'localstack.runtime.main'],
    env: { ...env, ...runtimeEnv(port, services, dataDir) },
    port,
    runDir,
    dataDir,
    logFile: join(runDir, 'localstack.log'),
  };
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

/**
 * When `pid` started (Linux: clock ticks since boot), or undefined where /proc cannot tell: with the pid, it names
 * one process, not a later one given the same pid.
 */
export function startedAt(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name (in parentheses) start at the third; the start time is the 22nd.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** The command line of `pid` (Linux), or undefined where /proc cannot tell. */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
}

/** True while `pid` runs; a zombie (exited, not yet reaped by a parent that does not reap) has ended. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  try {
    // The state follows the command name, which is in parentheses and may hold spaces or parentheses itself.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    // Reaped since the signal.
    return false;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** True when something accepts connections on 127.0.0.1:`port`. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (taken: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(taken);
    };
    // On the loopback interface a port nobody listens on refuses at once. A connection left unanswered is a
    // listener that accepts nothing (its backlog full, as a hung LocalStack's is): the port is taken.
    const timer = setTimeout(() => done(true), 2000);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
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
