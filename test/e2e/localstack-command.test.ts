// `unitag localstack start|stop|status` as a process, against the LocalStack the tests run on (never stopping it:
// stop is run on a free port only), and startLocalStack's reuse: a LocalStack already on the port is used and said
// with its version, or refused with reuse: false.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isUnitagError } from '../../src/index.js';
import { DEFAULT_SERVICES } from '../../src/localstack/options.js';
import { probeServices } from '../../src/localstack/probe.js';
import { startLocalStack } from '../../src/localstack.js';
import { endpoint } from '../helpers.js';

const cli = join(new URL('../..', import.meta.url).pathname, 'dist/bin/cli.js');
const port = new URL(endpoint()).port;

function unitag(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, LOCALSTACK_ENDPOINT: '', AWS_ENDPOINT_URL: '' };
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

/** A port nothing listens on (taken from the system, then freed). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: free } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return free;
}

describe('unitag localstack (built CLI)', () => {
  it('status says what runs on the port: exit 0 with its version and services, 3 where nothing answers', async () => {
    const running = await unitag(['localstack', 'status', '--port', port, '-o', 'json']);
    expect(running.code).toBe(0);
    const json = JSON.parse(running.stdout);
    expect(json).toMatchObject({ endpoint: `http://127.0.0.1:${port}`, running: true });
    expect(json.version).toMatch(/\d/);
    expect(Object.keys(json.services)).toContain('sqs');
    const text = await unitag(['localstack', 'status', '--port', port]);
    expect(text.stdout).toMatch(new RegExp(`^LocalStack .* at http://127.0.0.1:${port}`));
    const none = await unitag(['localstack', 'status', '--port', String(await freePort())]);
    expect(none.code).toBe(3);
    expect(none.stdout).toMatch(/^nothing answers at/);
  });

  it('start on a port where LocalStack runs uses it and prints its endpoint; --no-reuse refuses it', async () => {
    const used = await unitag(['localstack', 'start', '--port', port, '--services', 'sqs,sns']);
    expect(used.code).toBe(0);
    expect(used.stdout.trim()).toBe(`http://127.0.0.1:${port}`);
    expect(used.stderr).toMatch(/using the LocalStack \S+ already at/);
    const refused = await unitag(['localstack', 'start', '--port', port, '--no-reuse', '--services', 'sqs']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already answers at .*reuse is false/);
  });

  it('stop on a port where unitag started nothing stops nothing, and says so', async () => {
    const stopped = await unitag(['localstack', 'stop', '--port', String(await freePort())]);
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain('nothing stopped');
  });

  it('bad options are exit 2 before anything runs', async () => {
    expect((await unitag(['localstack', 'status', '--port', 'x'])).code).toBe(2);
    expect((await unitag(['localstack', 'start', '--services', 'sqs,,sns'])).code).toBe(2);
  });
});

describe('startLocalStack reuse', () => {
  it('uses a LocalStack that answers, saying its version; reuse: false refuses it with port-in-use', async () => {
    const said: string[] = [];
    const used = await startLocalStack({ endpoint: endpoint(), services: ['sqs'], log: (l) => said.push(l) });
    expect(used.started).toBe(false);
    expect(said.join('\n')).toMatch(/using the LocalStack \S+ already at .*with sqs up/);
    const refused = await startLocalStack({ endpoint: endpoint(), services: ['sqs'], reuse: false }).catch(
      (error: unknown) => error,
    );
    expect(isUnitagError(refused) && refused.code).toBe('LocalStackUnavailable');
    expect((refused as { reason?: string }).reason).toBe('port-in-use');
  });
});

describe('a first call to each service before startLocalStack returns', () => {
  it('every service unitag starts answers its cheap call on the LocalStack the tests run on', async () => {
    const answers = await probeServices(endpoint(), DEFAULT_SERVICES, 60_000, undefined);
    expect(answers.map((a) => a.service).sort()).toEqual([...DEFAULT_SERVICES].sort());
    for (const answer of answers) expect(answer.status, answer.service).toBeLessThan(500);
  });

  it('a service the health check calls running but whose calls fail: start-failed, with its answer and the log lines that say why', async () => {
    // A LocalStack whose health says dynamodb runs, and whose DynamoDB answers every call with a 500, as it does
    // when the Java it needs failed to install (the log line is LocalStack's own).
    const server = createHttpServer((request, response) => {
      if (request.url === '/_localstack/health') {
        response.end(JSON.stringify({ services: { dynamodb: 'running', sqs: 'running' }, version: '9.9.9' }));
        return;
      }
      const dynamo = String(request.headers['x-amz-target'] ?? '').startsWith('DynamoDB');
      response.statusCode = dynamo ? 500 : 200;
      response.end(
        dynamo ? '{"__type":"InternalFailure","message":"exception while calling dynamodb"}' : '<ok/>',
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fake = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const logFile = join(mkdtempSync(join(tmpdir(), 'unitag-probe-')), 'localstack.log');
    writeFileSync(
      logFile,
      'LocalStack version: 4.x\nReady.\n' +
        'ERROR --- [functhread3] l.s.i.java : Installation of java 21 failed.\n' +
        'Exception: Installation of dynamodb-local failed: JavaInstaller\n',
    );
    try {
      const failure = await probeServices(fake, ['sqs', 'dynamodb'], 30_000, { logFile }).catch((e) => e);
      expect(failure).toMatchObject({ code: 'LocalStackUnavailable', reason: 'start-failed' });
      expect(failure.message).toContain('dynamodb (ListTables: HTTP 500');
      expect(failure.message).toContain('Installation of java 21 failed');
      expect(failure.message).not.toContain('sqs (');
      // Through startLocalStack: the running one is not used.
      const reused = await startLocalStack({ endpoint: fake, services: ['dynamodb'] }).catch((e) => e);
      expect(reused).toMatchObject({ reason: 'start-failed' });
      expect(reused.message).toContain('exception while calling dynamodb');
    } finally {
      server.close();
    }
  });
});
