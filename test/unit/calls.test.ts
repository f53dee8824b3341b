import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTagger } from '../../src/index.js';

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
