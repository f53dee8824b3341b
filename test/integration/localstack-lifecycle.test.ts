// The embedded LocalStack's lifecycle across processes, with a real LocalStack (from the cache's virtualenv) and
// real kills: two processes starting it on one port at once get one runtime, which the one that started it owns;
// the other's stop leaves it running, and a SIGKILL of the owner ends it. One real start (about 10 s here); the
// instants of a kill and the install's leftovers are covered with the fake in test/unit/localstack-lifecycle.test.ts.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { health, stopLocalStack } from '../../src/localstack.js';
import {
  alive,
  eventually,
  exited,
  freePort,
  killOwners,
  owner,
  ownerEnv,
  removeTempDirs,
  tempDir,
} from '../localstack-fake.js';

afterAll(removeTempDirs);

const cacheDir = process.env.UNITAG_CACHE_DIR || join(homedir(), '.cache', 'unitag');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  killOwners();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** The LocalStack runtimes running on 127.0.0.1:`port`, from the processes' command lines and environments. */
function runtimesOn(port: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
        return (
          command.includes('localstack.runtime.main') &&
          environment.includes(`GATEWAY_LISTEN=127.0.0.1:${port}`)
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('an embedded LocalStack started by two processes on one port at once', () => {
  it('runs once, owned by the one that started it: the other’s stop leaves it running, a SIGKILL of the owner ends it', async () => {
    // Prepare: both owners held until a file exists, created once both wait for it (however long their start
    // took), so that both look at the port at the same instant.
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    cleanups.push(() => stopLocalStack({ cacheDir, port }));
    const go = join(tempDir(), 'go');
    const options = { port, services: ['sns'] };
    const both = [
      owner(options, ownerEnv(), 'wait', { startWhen: go }),
      owner(options, ownerEnv(), 'wait', { startWhen: go }),
    ];
    await Promise.all(both.map(({ ready }) => ready));
    // Act
    writeFileSync(go, '');
    const results = await Promise.all(both.map(({ result }) => result));
    // Assess
    expect(results).toEqual([expect.objectContaining({ endpoint }), expect.objectContaining({ endpoint })]);
    expect(results.map((result) => 'started' in result && result.started).sort()).toEqual([false, true]);
    const runtimes = runtimesOn(port);
    expect(runtimes).toHaveLength(1);
    const [first, second] = both as [(typeof both)[0], (typeof both)[0]];
    const [starter, user] = (results[0] as { started: boolean }).started ? [first, second] : [second, first];
    await user.stop();
    expect(await health(endpoint)).toBeDefined();
    starter.child.kill('SIGKILL');
    await exited(starter.child);
    // Its watchdog ends it: SIGTERM, then SIGKILL after 10 s if LocalStack has not ended (slower when loaded).
    expect(await eventually(() => !runtimes.some(alive), 60_000)).toBe(true);
    expect(await health(endpoint)).toBeUndefined();
  }, 240_000);
});
