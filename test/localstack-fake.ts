// A fake Python for startLocalStack's tests, so that they take seconds and need neither PyPI nor LocalStack.
// It answers what startLocalStack asks of a Python: its version (`-c`), `-m venv DIR` (a bin/python and bin/pip
// that are copies of itself), `-m pip install` (writes files into the venv for FAKE_PIP_MS, and then, when
// FAKE_PIP_UNTIL is set, until that file exists; logs its start and end to FAKE_PIP_LOG, fails printing
// FAKE_PIP_FAIL), and `-m localstack.runtime.main` (an HTTP server on GATEWAY_LISTEN whose health check says
// `running` for SERVICES and `disabled` for a few others, once FAKE_LOCALSTACK_READY_MS have passed and the file
// FAKE_LOCALSTACK_READY_WHEN exists, where set; it appends its pid to FAKE_LOCALSTACK_PIDS and exits when the port
// is taken). Every call is logged to FAKE_PYTHON_CALLS when set. The files are how a test holds a step until
// what it looks at has happened, rather than for a time a loaded machine may need more of.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalStackOptions } from '../src/localstack.js';

const FAKE = `#!${process.execPath}
const fs = require('node:fs');
const path = require('node:path');
const env = process.env;
const self = process.argv[1];
const args = process.argv.slice(2);
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
if (env.FAKE_PYTHON_CALLS) fs.appendFileSync(env.FAKE_PYTHON_CALLS, [self, ...args].join(' ') + '\\n');
const pip = path.basename(self) === 'pip' || (args[0] === '-m' && args[1] === 'pip');
if (args[0] === '-c') {
  process.stdout.write((env.FAKE_PYTHON_VERSION || '3.12') + '\\n');
} else if (args[0] === '-m' && args[1] === 'venv') {
  const bin = path.join(args[2], 'bin');
  fs.mkdirSync(bin, { recursive: true });
  for (const name of ['python', 'pip']) {
    fs.copyFileSync(self, path.join(bin, name));
    fs.chmodSync(path.join(bin, name), 0o755);
  }
  fs.writeFileSync(path.join(args[2], 'pyvenv.cfg'), 'home = fake\\n');
} else if (pip) {
  const venv = path.dirname(path.dirname(self));
  const note = (what) => env.FAKE_PIP_LOG && fs.appendFileSync(env.FAKE_PIP_LOG, process.pid + ' ' + what + '\\n');
  note('start');
  const site = path.join(venv, 'lib', 'site-packages');
  fs.mkdirSync(site, { recursive: true });
  for (let i = 0; i < 10; i++) {
    fs.writeFileSync(path.join(site, 'package' + i + '.py'), '');
    sleep(Number(env.FAKE_PIP_MS || 200) / 10);
  }
  while (env.FAKE_PIP_UNTIL && !fs.existsSync(env.FAKE_PIP_UNTIL)) sleep(5);
  if (env.FAKE_PIP_FAIL) {
    process.stderr.write(env.FAKE_PIP_FAIL + '\\n');
    process.exit(1);
  }
  if (!fs.existsSync(path.join(venv, 'bin', 'python'))) {
    process.stderr.write('ERROR: the virtualenv ' + venv + ' vanished during the install\\n');
    process.exit(2);
  }
  note('end');
} else if (args[0] === '-m' && args[1] === 'localstack.runtime.main') {
  if (env.FAKE_LOCALSTACK_PIDS) fs.appendFileSync(env.FAKE_LOCALSTACK_PIDS, process.pid + '\\n');
  if (env.FAKE_LOCALSTACK_FAIL) {
    process.stdout.write(env.FAKE_LOCALSTACK_FAIL + '\\n');
    process.exit(3);
  }
  const [host, port] = env.GATEWAY_LISTEN.split(':');
  const services = {};
  for (const name of ['dynamodb', 'sns', 'sqs', 's3', 'kms', 'sts']) services[name] = 'disabled';
  for (const name of env.SERVICES.split(',')) services[name] = 'running';
  const startedAt = Date.now();
  const ready = () =>
    Date.now() - startedAt >= Number(env.FAKE_LOCALSTACK_READY_MS || 0) &&
    (!env.FAKE_LOCALSTACK_READY_WHEN || fs.existsSync(env.FAKE_LOCALSTACK_READY_WHEN));
  require('node:http')
    .createServer((request, response) => {
      if (request.url !== '/_localstack/health') return response.writeHead(404).end();
      const states = ready() ? services : Object.fromEntries(Object.keys(services).map((n) => [n, 'initialized']));
      response.end(JSON.stringify({ services: states, version: 'fake' }));
    })
    .on('error', (error) => {
      process.stdout.write(error.message + '\\n');
      process.exit(4);
    })
    .listen(Number(port), host, () => process.stdout.write('Ready.\\n'));
  process.on('SIGTERM', () => process.exit(0));
} else {
  process.stderr.write('fake python: unexpected arguments ' + args.join(' ') + '\\n');
  process.exit(64);
}
`;

const made: string[] = [];

/** A new directory under the system's temporary directory, removed by {@link removeTempDirs}. */
export function tempDir(prefix = 'unitag-ls-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes the directories {@link tempDir} made (an afterAll of the tests that use them). */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes the fake Python into `dir` (as `name`) and returns its path. */
export function fakePython(dir: string = tempDir(), name = 'python3'): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, FAKE);
  chmodSync(path, 0o755);
  return path;
}

/** The lines the fake pip logged (`<pid> start`, `<pid> end`). */
export function pipLog(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];
}

const root = new URL('..', import.meta.url).pathname;

/** What an owner process printed: the LocalStack it got, or the error it got instead. */
export type OwnerResult =
  | { endpoint: string; started: boolean; logFile?: string }
  | { code: string; reason?: string; message: string };

/** How an owner process runs besides its options: modules it loads first, a file it waits for before it starts. */
export interface OwnerSetup {
  /** Modules loaded (`node --import`) before startLocalStack, such as test/localstack-pause.ts. */
  imports?: string[];
  /**
   * startLocalStack is called once this file exists: owners given one file start at the same instant. The owner
   * says `ready` once it is waiting for it (`ready` in what owner returns), so that a test creates it when every
   * owner waits, however long their start took.
   */
  startWhen?: string;
}

/**
 * Runs startLocalStack (from src/, through tsx) in a child process with `options` and `env`. With `then:
 * 'wait'` the child stays alive after printing its result (the test ends it, or asks it to stop the LocalStack
 * with `stop()`); with `'stop'` it stops the LocalStack and exits; with `'exit'` it exits without stopping it.
 * `result` resolves with what it printed; `lines` collects its log lines.
 */
export function owner(
  options: LocalStackOptions,
  env: NodeJS.ProcessEnv,
  then: 'wait' | 'stop' | 'exit',
  setup: OwnerSetup = {},
): {
  child: ChildProcess;
  result: Promise<OwnerResult>;
  /** Resolves once the owner waits for `startWhen` (it never does without one). */
  ready: Promise<void>;
  lines: string[];
  stop: () => Promise<void>;
} {
  const script = `
    import { existsSync } from 'node:fs';
    import { startLocalStack } from ${JSON.stringify(join(root, 'src/localstack.ts'))};
    const log = (line) => process.stderr.write(line + '\\n');
    const startWhen = ${JSON.stringify(setup.startWhen ?? '')};
    if (startWhen) process.stdout.write('ready\\n');
    while (startWhen && !existsSync(startWhen)) await new Promise((resolve) => setTimeout(resolve, 5));
    try {
      const ls = await startLocalStack({ ...${JSON.stringify(options)}, log });
      process.stdout.write(JSON.stringify({ endpoint: ls.endpoint, started: ls.started, logFile: ls.logFile }) + '\\n');
      if (${JSON.stringify(then)} === 'stop') await ls.stop();
      if (${JSON.stringify(then)} === 'wait') {
        process.stdin.setEncoding('utf8').on('data', async (text) => {
          if (!text.includes('stop')) return;
          await ls.stop();
          process.stdout.write('stopped\\n');
        });
      }
    } catch (e) {
      process.stdout.write(JSON.stringify({ code: e.code ?? e.name, reason: e.reason, message: e.message }) + '\\n');
    }`;
  const imports = (setup.imports ?? []).flatMap((file) => ['--import', file]);
  const args = ['--import', 'tsx', ...imports, '--input-type=module', '-e', script];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env,
    stdio: [then === 'wait' ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => lines.push(...chunk.trim().split('\n')));
  let out = '';
  const printed = (line: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = out
          .split('\n')
          .slice(0, -1)
          .find((whole) => whole.startsWith(line));
        if (found === undefined) return;
        child.stdout?.off('data', check);
        resolve(found);
      };
      child.stdout?.on('data', check);
      check();
      child.once('exit', (code, signal) =>
        reject(new Error(`owner exited (${code ?? signal}) before printing ${line}: ${lines.join('\n')}`)),
      );
    });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  const result = printed('{').then((line) => JSON.parse(line) as OwnerResult);
  result.catch(() => {});
  const ready = printed('ready').then(() => {});
  ready.catch(() => {});
  const stop = async () => {
    child.stdin?.write('stop\n');
    await printed('stopped');
  };
  owners.add(child);
  return { child, result, ready, lines, stop };
}

const owners = new Set<ChildProcess>();

/** Kills every owner process still running (an afterEach of the tests that start them). */
export function killOwners(): void {
  for (const child of owners) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  owners.clear();
}

/** Resolves once the child has exited. */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Polls `check` every 100 ms until it returns true or `ms` pass; returns its last answer. */
export async function eventually(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** True when a process with this pid runs: one that has exited and is not yet reaped (a zombie) does not. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // The state follows the command name, which is in parentheses and may hold spaces or parentheses itself.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/**
 * The watchdogs (src/localstack/owner.ts) of the run directory `runDir` still running, from the command lines
 * in /proc: once there are none, nothing will end the LocalStack there, whatever time passes.
 */
export function watchdogsOf(runDir: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return args.includes('unitag-localstack-watchdog') && args.includes(runDir) && alive(pid);
      } catch {
        return false;
      }
    });
}

/** The environment for an owner process: this one's, without any LocalStack endpoint or Python setting. */
export function ownerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const name of ['LOCALSTACK_ENDPOINT', 'AWS_ENDPOINT_URL', 'LOCALSTACK_PORT', 'LOCALSTACK_PYTHON']) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}
