// Who owns an embedded LocalStack. The process that started it does, and it must not outlive that process
// unless asked to (`keep`). A SIGKILL cannot be caught, so a small watchdog process does the ending, and it is the
// watchdog that starts the runtime: its parent is the owner, and it checks that its owner is still there before it
// starts it, then every 250 ms; once it is reparented (the owner is gone, however it ended, at whatever instant)
// it ends LocalStack's process group and removes the run directory. So a kill of the owner before the spawn
// leaves nothing started, and one after it leaves a runtime its watchdog ends: no instant leaves one that
// nothing will end. The watchdog writes the run directory's owner.json (the owner and itself) before the runtime
// exists, and its pid file right after, so that a later start on the port can tell a LocalStack left behind
// (owner and watchdog both gone: it takes it over) from one in use or kept.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalStackError } from '../core/errors.js';
import {
  alive,
  commandLine,
  isLocalStack,
  type Runtime,
  type RuntimeSpec,
  recordedPid,
  runtimeAt,
} from './process.js';

/** What owner.json says: the owner and its watchdog, or that the LocalStack is kept. */
export type OwnerRecord = { owner: number; watchdog: number } | { keep: true };

const MARK = 'unitag-localstack-watchdog';

// Plain JavaScript for `node -e`, so that it runs the same whether unitag is loaded from dist or through a
// TypeScript loader. Its arguments: the owner's pid (0: kept, nobody to watch: it starts the runtime and exits),
// the run directory, and the pid of a runtime to watch (0: start the one described on standard input, which the
// owner writes; an owner killed while writing it leaves something that does not parse, and nothing starts).
// process.ppid is read afresh each time: it changes when the owner is gone. It says the runtime's pid (or why it
// could not start it) on standard output, as one line of JSON.
const WATCHDOG = `
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const owner = Number(process.argv[2]);
const runDir = process.argv[3];
let pid = Number(process.argv[4]);
const alive = (p) => {
  try { process.kill(p, 0); } catch (e) { return e.code === 'EPERM'; }
  if (process.platform !== 'linux') return true;
  try { const stat = fs.readFileSync('/proc/' + p + '/stat', 'utf8'); return stat[stat.lastIndexOf(')') + 2] !== 'Z'; } catch { return false; }
};
const group = (signal) => { try { process.kill(-pid, signal); } catch {} };
const say = (what) => { try { fs.writeSync(1, JSON.stringify(what) + '\\n'); } catch {} };
const ownerGone = () => owner !== 0 && process.ppid !== owner;
const record = () => fs.writeFileSync(path.join(runDir, 'owner.json'), JSON.stringify(owner ? { owner, watchdog: process.pid } : { keep: true }));

function main() {
  if (pid) {
    record();
    return watch();
  }
  let spec;
  try { spec = JSON.parse(fs.readFileSync(0, 'utf8')); } catch {}
  if (!spec || ownerGone()) process.exit(0);
  let out;
  try {
    fs.rmSync(spec.dataDir, { recursive: true, force: true });
    fs.mkdirSync(spec.dataDir, { recursive: true });
    record();
    out = fs.openSync(spec.logFile, 'w');
  } catch (error) {
    say({ error: 'cannot prepare ' + runDir + ' for LocalStack: ' + error.message });
    process.exit(1);
  }
  const child = spawn(spec.command, spec.args, { cwd: runDir, detached: true, stdio: ['ignore', out, out], env: spec.env });
  fs.closeSync(out);
  child.on('error', (error) => {
    say({ error: 'cannot run ' + spec.command + ' to start LocalStack (' + error.message + '): is the virtualenv in the cache intact?' });
    process.exit(1);
  });
  if (child.pid === undefined) return;
  pid = child.pid;
  try {
    fs.writeFileSync(path.join(runDir, 'localstack.pid'), String(pid));
  } catch (error) {
    // A runtime nobody could find again is not left running.
    group('SIGKILL');
    say({ error: 'cannot record the pid of LocalStack in ' + runDir + ': ' + error.message });
    process.exit(1);
  }
  if (!owner) {
    say({ pid });
    process.exit(0);
  }
  watch();
}

function watch() {
  say({ pid });
  const tick = setInterval(check, 250);
  function check() {
    if (!alive(pid)) return clearInterval(tick);
    if (!ownerGone()) return;
    clearInterval(tick);
    group('SIGTERM');
    let waited = 0;
    const end = setInterval(() => {
      waited += 250;
      if (alive(pid) && waited < 10000) return;
      clearInterval(end);
      if (alive(pid)) group('SIGKILL');
      let recorded = '';
      try { recorded = fs.readFileSync(path.join(runDir, 'localstack.pid'), 'utf8').trim(); } catch {}
      if (recorded === String(pid)) fs.rmSync(runDir, { recursive: true, force: true });
    }, 250);
  }
  check();
}

main();
`;

/**
 * Starts the runtime `spec` describes through a new watchdog, owned by this process (or by nobody: `keep`, it
 * stays until stopped); resolves once it is running, with its pid recorded.
 */
export async function launch(spec: RuntimeSpec, keep: boolean): Promise<Runtime> {
  const said = await watchdog(keep ? 0 : process.pid, spec.runDir, 0, spec);
  if ('pid' in said) return runtimeAt(spec.runDir, spec.port, said.pid);
  throw new LocalStackError(`${said.error}.`, { reason: 'start-failed' });
}

/**
 * Makes this process the owner of `runtime`, a LocalStack left behind, with a new watchdog; or nobody (`keep`:
 * it stays until stopped).
 */
export async function claim(runtime: Runtime, keep: boolean): Promise<void> {
  if (keep) return writeFileSync(join(runtime.runDir, 'owner.json'), JSON.stringify({ keep: true }));
  await watchdog(process.pid, runtime.runDir, runtime.pid, undefined);
}

/** Spawns a watchdog (in a session of its own, so that a Ctrl-C sent to the owner's terminal does not end it). */
function watchdog(
  owner: number,
  runDir: string,
  pid: number,
  spec: object | undefined,
): Promise<{ pid: number } | { error: string }> {
  const args = ['-e', WATCHDOG, MARK, String(owner), runDir, String(pid)];
  const stdin = spec ? 'pipe' : 'ignore';
  const child = spawn(process.execPath, args, { detached: true, stdio: [stdin, 'pipe', 'ignore'], env: {} });
  child.on('error', () => {});
  child.stdin?.on('error', () => {});
  child.stdin?.end(JSON.stringify(spec));
  return new Promise((resolve) => {
    let out = '';
    const done = (said: { pid: number } | { error: string }) => {
      child.stdout?.destroy();
      child.unref();
      resolve(said);
    };
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('\n')) done(JSON.parse(out.slice(0, out.indexOf('\n'))));
    });
    child.once('close', (code, signal) =>
      done({ error: `the watchdog that starts LocalStack exited (${code ?? signal}) before starting it` }),
    );
  });
}

/**
 * Ends the runtime with `end` (which removes the run directory), then its watchdog, if it has one: in that order,
 * so that an owner killed in the middle still leaves the watchdog to finish the work.
 */
export async function release(runDir: string, end: () => Promise<void>): Promise<void> {
  const record = ownerRecord(runDir);
  const watchdog = record && 'watchdog' in record && isWatchdog(record.watchdog) ? record.watchdog : 0;
  await end();
  if (watchdog === 0 || !isWatchdog(watchdog)) return;
  try {
    process.kill(watchdog, 'SIGTERM');
  } catch {
    // It ended on its own meanwhile (it does once the runtime is gone).
  }
}

/** What a start finds in a port's run directory, from its owner record. */
export type Left =
  /** No record, a kept LocalStack, or one whose owner is still there: used as it is, never ended. */
  | { kind: 'not-ours' }
  /** Its owner is gone and its watchdog is ending it (pid 0: no LocalStack recorded). */
  | { kind: 'ending'; pid: number; watchdog: number }
  /** Its owner and its watchdog are both gone, and the LocalStack is still there: nobody will end it. */
  | { kind: 'orphan'; pid: number; owner: number };

export function leftOver(runDir: string): Left {
  const record = ownerRecord(runDir);
  if (!record || 'keep' in record || alive(record.owner)) return { kind: 'not-ours' };
  const pid = recordedPid(runDir);
  if (isWatchdog(record.watchdog)) return { kind: 'ending', pid: pid ?? 0, watchdog: record.watchdog };
  if (pid !== undefined && isLocalStack(pid)) return { kind: 'orphan', pid, owner: record.owner };
  return { kind: 'not-ours' };
}

function ownerRecord(runDir: string): OwnerRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(join(runDir, 'owner.json'), 'utf8')) as Partial<
      Record<string, unknown>
    >;
    if (record.keep === true) return { keep: true };
    const { owner, watchdog: dog } = record;
    return typeof owner === 'number' && typeof dog === 'number' ? { owner, watchdog: dog } : undefined;
  } catch {
    return undefined;
  }
}

function isWatchdog(pid: number): boolean {
  return pid > 0 && (commandLine(pid)?.includes(MARK) ?? alive(pid));
}
