// Loaded with `node --import` into an owner process (test/localstack-fake.ts's owner) to stop it at one instant
// of startLocalStack: right after the first detached process it spawns (the runtime, or whatever starts it),
// before anything else happens, the owner writes that process's pid to PAUSE_AFTER_SPAWN_FILE and blocks until it
// is killed (or for PAUSE_AFTER_SPAWN_MS, where set), so that a test can kill it there however late it looks. It
// changes nothing else, and needs no hook in src/.
import childProcess from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const file = process.env.PAUSE_AFTER_SPAWN_FILE;
const ms = process.env.PAUSE_AFTER_SPAWN_MS ? Number(process.env.PAUSE_AFTER_SPAWN_MS) : undefined;
const spawn = childProcess.spawn;
let paused = false;

childProcess.spawn = function pausingSpawn(this: unknown, ...args: unknown[]) {
  const child = (spawn as (...a: unknown[]) => childProcess.ChildProcess).apply(this, args);
  const options = args.find((arg) => typeof arg === 'object' && arg !== null && !Array.isArray(arg));
  if (file && !paused && (options as { detached?: boolean } | undefined)?.detached) {
    paused = true;
    writeFileSync(file, String(child.pid));
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  }
  return child;
} as typeof spawn;
// `import { spawn } from 'node:child_process'` in src/ is a live binding: this makes it the function above.
syncBuiltinESMExports();
