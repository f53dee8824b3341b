#!/usr/bin/env node
// Starts and stops the embedded LocalStack (localstack-core from PyPI in a virtualenv, no Docker).
//   node localstack/control.mjs start   -> prints the endpoint; starts LocalStack unless one answers already
//   node localstack/control.mjs stop    -> ends exactly the process this script started (pid file)
//   node localstack/control.mjs status  -> prints the endpoint if one answers, exits 1 otherwise
// Used by the test setup (test/global-setup.ts) and the demo, so they share one way to get a LocalStack.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const venv = join(here, '.venv');
const runDir = join(here, '.run');
const pidFile = join(runDir, 'localstack.pid');
const logFile = join(runDir, 'localstack.log');
const requirements = join(here, 'requirements.txt');
const port = process.env.LOCALSTACK_PORT ?? '4566';
export const DEFAULT_ENDPOINT = `http://127.0.0.1:${port}`;
export const SERVICES = [
  'sns',
  'sqs',
  's3',
  'ec2',
  'iam',
  'lambda',
  'resourcegroupstaggingapi',
  'sts',
  'logs',
];
const START_TIMEOUT_MS = Number(process.env.LOCALSTACK_START_TIMEOUT ?? 180) * 1000;

const log = (message) => process.stderr.write(`[localstack] ${message}\n`);

/** Health of the LocalStack at `endpoint`, or undefined when nothing answers there. */
export async function health(endpoint) {
  try {
    const response = await fetch(`${endpoint}/_localstack/health`, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return undefined;
    return await response.json();
  } catch {
    return undefined;
  }
}

function ready(status) {
  return SERVICES.every((name) => ['running', 'available'].includes(status?.services?.[name]));
}

/**
 * Returns `{ endpoint, started }`: an endpoint named in LOCALSTACK_ENDPOINT or AWS_ENDPOINT_URL (which must
 * answer), a LocalStack already running on the default port, or a new one started here (`started: true`).
 */
export async function ensureLocalStack() {
  const given = process.env.LOCALSTACK_ENDPOINT || process.env.AWS_ENDPOINT_URL;
  if (given) {
    if (await health(given)) return { endpoint: given, started: false };
    throw new Error(`LocalStack at ${given} (from LOCALSTACK_ENDPOINT/AWS_ENDPOINT_URL) does not answer.`);
  }
  const running = await health(DEFAULT_ENDPOINT);
  if (running) {
    await waitUntilReady(undefined);
    return { endpoint: DEFAULT_ENDPOINT, started: false };
  }
  installIfNeeded();
  mkdirSync(runDir, { recursive: true });
  const dataDir = join(here, '.data');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const out = openSync(logFile, 'w');
  const child = spawn(join(venv, 'bin', 'python'), ['-m', 'localstack.runtime.main'], {
    cwd: runDir,
    detached: true,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      GATEWAY_LISTEN: `127.0.0.1:${port}`,
      // The default (twisted) gateway listens on every interface whatever GATEWAY_LISTEN says; hypercorn honours the host.
      GATEWAY_SERVER: 'hypercorn',
      SERVICES: SERVICES.join(','),
      EAGER_SERVICE_LOADING: '1',
      DISABLE_EVENTS: '1',
      SKIP_SSL_CERT_DOWNLOAD: '1',
      DNS_ADDRESS: '0',
      FILESYSTEM_ROOT: dataDir,
      SQS_ENDPOINT_STRATEGY: 'path',
      LOCALSTACK_HOST: `localhost:${port}`,
    },
  });
  child.unref();
  writeFileSync(pidFile, String(child.pid));
  log(`started pid ${child.pid}, log ${logFile}`);
  await waitUntilReady(child.pid);
  return { endpoint: DEFAULT_ENDPOINT, started: true };
}

async function waitUntilReady(pid) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (ready(await health(DEFAULT_ENDPOINT))) return;
    if (pid !== undefined && !alive(pid)) fail('LocalStack exited before it was ready');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  fail(`LocalStack was not ready within ${START_TIMEOUT_MS / 1000}s`);
}

function fail(why) {
  const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n') : '';
  throw new Error(`${why}. Last lines of ${logFile}:\n${tail}`);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// localstack-core 2026.3 needs Python 3.12 or later; the machine's python3 may be older.
function findPython() {
  const candidates = [process.env.LOCALSTACK_PYTHON, 'python3.13', 'python3.12', 'python3'];
  const pyenv = join(process.env.PYENV_ROOT ?? join(homedir(), '.pyenv'), 'versions');
  if (existsSync(pyenv)) {
    for (const version of readdirSync(pyenv).sort().reverse())
      candidates.push(join(pyenv, version, 'bin', 'python'));
  }
  for (const python of candidates.filter(Boolean)) {
    const probe = spawnSync(python, ['-c', 'import sys; print(sys.version_info >= (3, 12))'], {
      encoding: 'utf8',
    });
    if (probe.status === 0 && probe.stdout.trim() === 'True') return python;
  }
  throw new Error(
    'localstack-core 2026.3 needs Python 3.12 or later and none was found (tried python3.13, python3.12, python3 ' +
      'and ~/.pyenv/versions). Install one, or set LOCALSTACK_PYTHON to its path.',
  );
}

function installIfNeeded() {
  const stamp = join(venv, '.requirements.sha256');
  const wanted = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return;
  const python = findPython();
  log(`installing localstack-core into ${venv} with ${python} (once; about two minutes)`);
  rmSync(venv, { recursive: true, force: true });
  run(python, ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--no-deps',
    '--require-virtualenv',
    '-r',
    requirements,
  ]);
  writeFileSync(stamp, wanted);
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`);
}

/** Ends the LocalStack this script started, and nothing else. */
export async function stopLocalStack() {
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  rmSync(pidFile, { force: true });
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return false;
  }
  // The pid may have been reused by another process since; only end our LocalStack.
  if (!cmdline.includes('localstack.runtime.main')) return false;
  process.kill(-pid, 'SIGTERM');
  for (let i = 0; i < 40 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 250));
  if (alive(pid)) process.kill(-pid, 'SIGKILL');
  log(`stopped pid ${pid}`);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const command = process.argv[2];
  try {
    if (command === 'start') {
      const { endpoint } = await ensureLocalStack();
      process.stdout.write(`${endpoint}\n`);
    } else if (command === 'stop') {
      await stopLocalStack();
    } else if (command === 'status') {
      const endpoint = process.env.LOCALSTACK_ENDPOINT || process.env.AWS_ENDPOINT_URL || DEFAULT_ENDPOINT;
      const status = await health(endpoint);
      if (!status) process.exit(1);
      process.stdout.write(`${endpoint}\n`);
    } else {
      process.stderr.write('usage: node localstack/control.mjs start|stop|status\n');
      process.exit(2);
    }
  } catch (error) {
    process.stderr.write(`[localstack] ${error.message}\n`);
    process.exit(1);
  }
}
