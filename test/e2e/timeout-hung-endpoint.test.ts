// An endpoint that accepts connections and never answers (a hung proxy, a stopped container behind a port
// forward): the CLI must end in a time that follows from --read-timeout, whatever --retry-for says (that budget
// is for throttling), say on standard error that it is trying again, and end with an error that names the
// endpoint, the wait, the attempts and the option to raise.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const cli = join(root, 'dist/bin/cli.js');
const ACCOUNT = '123456789012';
const topic = (i: number) => `arn:aws:sns:us-east-1:${ACCOUNT}:hung-${i}`;
const queue = (i: number) => `arn:aws:sqs:us-east-1:${ACCOUNT}:hung-${i}`;

let server: Server;
let endpoint: string;
let requests = 0;
/** When the first request of a run reached the server: the run's time is counted from there. */
let firstAt = 0;

beforeAll(async () => {
  server = createServer(() => {
    if (requests++ === 0) firstAt = Date.now();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);

interface Run {
  code: number | null;
  stderr: string;
  /**
   * From the first request reaching the server to the CLI's exit: the time the timeouts and retries took. The
   * CLI's start before it (seconds on a loaded machine) is not counted: it does not follow from --read-timeout.
   */
  seconds: number;
}

/**
 * Runs the built CLI against the hung endpoint; one that runs past `killAfterMs` (a bound on a hang only, far
 * above any run that ends as it should) is killed, and fails.
 */
function unitag(args: string[], killAfterMs = 45_000): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
  };
  delete env.AWS_ENDPOINT_URL;
  requests = 0;
  firstAt = 0;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, '--endpoint-url', endpoint, ...args],
      { env, timeout: killAfterMs },
      (error, _stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stderr, seconds: firstAt === 0 ? 0 : (Date.now() - firstAt) / 1000 });
      },
    );
  });
}

// The notes of requests that got no answer (the note that AWS's rates are off on this machine's endpoint aside).
const notices = (stderr: string) =>
  stderr.split('\n').filter((l) => l.startsWith('unitag: note:') && l.includes('no answer from'));

describe('a hung endpoint', () => {
  it('list ARN with the default --retry-for ends in seconds, says it retries, and says what to raise', async () => {
    // Act
    const run = await unitag(['--read-timeout', '1', 'list', topic(1)]);
    // Assess: one resource is read with its own service's call (never through the tagging API, which would save
    // nothing): SNS's ListTagsForResource three times, each of at most 1 s, the SDK's backoff under a second.
    // That is about 4 s from the first request; the bound is far above what a loaded machine adds, and far below
    // the 300 s the default --retry-for would allow.
    expect(run.code).toBe(1);
    expect(run.seconds).toBeLessThan(30);
    expect(requests).toBe(3);
    const said = notices(run.stderr);
    // One note (a second only if the run outlasted the 10 s between notes, as on a loaded machine).
    expect(said.length).toBeGreaterThanOrEqual(1);
    expect(said.length).toBeLessThanOrEqual(1 + Math.floor(run.seconds / 10));
    expect(said[0]).toContain(`no answer from ${endpoint} within 1 s`);
    expect(said[0]).toMatch(/trying again/);
    const failure = run.stderr.split('\n').find((l) => l.startsWith(`unitag: ${topic(1)}: Timeout`));
    expect(failure).toContain(`no answer from ${endpoint} within 1 s in each of 3 attempts`);
    expect(failure).toContain('raise --read-timeout');
  });

  it('sends each request 3 times, and says so a few times, not once a request, when many resources wait', async () => {
    // Prepare: 12 resources of two services, all sent at once, each to its own service's API.
    const arns = [1, 2, 3, 4, 5, 6].flatMap((i) => [topic(i), queue(i)]);
    // Act
    const run = await unitag(['--read-timeout', '1', '--no-tagging-api', 'list', ...arns]);
    // Assess
    expect(run.code).toBe(1);
    expect(run.seconds).toBeLessThan(30); // three read timeouts and the backoffs: about 5 s
    expect(requests).toBe(36);
    // The first note, then one every 10 s at most: counted against the run's own length, not a guess at it.
    expect(notices(run.stderr).length).toBeGreaterThanOrEqual(1);
    expect(notices(run.stderr).length).toBeLessThanOrEqual(1 + Math.floor(run.seconds / 10));
    const failures = run.stderr.split('\n').filter((l) => / Timeout: /.test(l));
    expect(failures).toHaveLength(12);
    for (const failure of failures) expect(failure).toContain('within 1 s in each of 3 attempts');
  });
});
