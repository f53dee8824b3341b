import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientCache } from '../../src/core/clients.js';
import type { ClientLoader } from '../../src/core/types.js';
import { createTagger } from '../../src/index.js';

// A loader that records the configuration of every client it creates.
function recordingLoader() {
  const created: Record<string, unknown>[] = [];
  const loader: ClientLoader<{ config: Record<string, unknown> }> = {
    id: 'fake',
    create: async (config) => {
      created.push(config);
      return { config };
    },
  };
  return { loader, created };
}

// The default request handler options: the AWS CLI's 60 s connect and read timeouts, thrown as errors.
const TIMEOUTS = {
  connectionTimeout: 60_000,
  requestTimeout: 60_000,
  socketTimeout: 60_000,
  throwOnRequestTimeout: true,
};

describe('ClientCache', () => {
  const scope = (region: string, account: string) => ({ partition: 'aws', region, account });
  const east = scope('us-east-1', '111111111111');
  const eastOther = scope('us-east-1', '222222222222');
  const west = scope('eu-west-1', '111111111111');
  const bucket = scope('', '');

  it('creates one client per region, from the ARN, and reuses it', async () => {
    const { loader, created } = recordingLoader();
    const cache = new ClientCache({ endpoint: 'http://127.0.0.1:4566' });
    const [a, b, c] = await Promise.all([
      cache.get(loader, east),
      cache.get(loader, eastOther),
      cache.get(loader, west),
    ]);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(created).toEqual([
      { region: 'us-east-1', endpoint: 'http://127.0.0.1:4566', requestHandler: TIMEOUTS },
      { region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566', requestHandler: TIMEOUTS },
    ]);
  });

  it("uses the default region for a scope without one, else leaves it to the SDK's chain", async () => {
    const { loader, created } = recordingLoader();
    await new ClientCache({ region: 'ap-south-1' }).get(loader, bucket);
    await new ClientCache({ region: 'ap-south-1' }).get(loader, east);
    const saved = [process.env.AWS_REGION, process.env.AWS_DEFAULT_REGION];
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    try {
      await new ClientCache({}).get(loader, { partition: 'aws-cn', region: '', account: '' });
    } finally {
      if (saved[0] !== undefined) process.env.AWS_REGION = saved[0];
      if (saved[1] !== undefined) process.env.AWS_DEFAULT_REGION = saved[1];
    }
    expect(created.map((c) => c.region)).toEqual(['ap-south-1', 'us-east-1', undefined]);
  });

  it('keeps one client per account when credentials come per account', async () => {
    const { loader, created } = recordingLoader();
    const perAccount = (id: string) => ({ accessKeyId: `key-${id}`, secretAccessKey: 's' });
    const cache = new ClientCache({ credentialsForAccount: perAccount, clientConfig: { maxAttempts: 5 } });
    const [a, b] = await Promise.all([cache.get(loader, east), cache.get(loader, eastOther)]);
    expect(a).not.toBe(b);
    expect(created).toEqual([
      {
        maxAttempts: 5,
        region: 'us-east-1',
        credentials: perAccount('111111111111'),
        requestHandler: TIMEOUTS,
      },
      {
        maxAttempts: 5,
        region: 'us-east-1',
        credentials: perAccount('222222222222'),
        requestHandler: TIMEOUTS,
      },
    ]);
  });

  it('sets connect and read timeouts that throw, unless the caller brings a request handler', async () => {
    const { loader, created } = recordingLoader();
    await new ClientCache({ connectTimeout: 1000, readTimeout: 2000 }).get(loader, east);
    const own = { handle: () => {} };
    await new ClientCache({ clientConfig: { requestHandler: own } }).get(loader, east);
    expect(created.map((c) => c.requestHandler)).toEqual([
      { connectionTimeout: 1000, requestTimeout: 2000, socketTimeout: 2000, throwOnRequestTimeout: true },
      own,
    ]);
  });

  it('does not keep a client whose creation failed', async () => {
    let attempts = 0;
    const flaky: ClientLoader<object> = {
      id: 'flaky',
      create: async () => {
        attempts++;
        if (attempts === 1) throw new Error('import failed');
        return {};
      },
    };
    const cache = new ClientCache({});
    await expect(cache.get(flaky, east)).rejects.toThrow('import failed');
    await expect(cache.get(flaky, east)).resolves.toEqual({});
  });
});

// A local HTTP server standing in for SNS: it answers 503 (which the SDK retries) before it answers 200, so
// the tagger's call count can be checked against the requests that really arrived.
let server: Server;
let requests = 0;
let failFirst = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests++;
      if (failFirst > 0) {
        failFirst--;
        response.writeHead(503, { 'content-type': 'text/xml' });
        response.end(
          '<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error></ErrorResponse>',
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        '<TagResourceResponse><TagResourceResult/><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></TagResourceResponse>',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('call counting', () => {
  it('counts every HTTP request, retries included, in the tagger and in a bulk report', async () => {
    const { port } = server.address() as AddressInfo;
    const tagger = createTagger({
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      preferTaggingApi: false,
      clientConfig: { maxAttempts: 3 },
    });
    requests = 0;
    failFirst = 2;
    await tagger.tag('arn:aws:sns:us-east-1:123456789012:t', { a: '1' });
    expect(requests).toBe(3);
    expect(tagger.calls).toBe(3);

    requests = 0;
    failFirst = 1;
    const report = await tagger.tagMany(
      ['arn:aws:sns:us-east-1:123456789012:t', 'arn:aws:sns:us-east-1:123456789012:u'],
      {
        a: '1',
      },
    );
    expect(report.totals.changed).toBe(2);
    expect(requests).toBe(3);
    expect(report.calls).toBe(3);
    await tagger.destroy();
  });
});
