import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOutcomeUnknown, toUnitagError } from '../../src/core/aws-errors.js';
import { createTagger } from '../../src/index.js';

// Where AWS errors become unitag errors (src/core/aws-errors.ts): the SDK's hint about `{error}.$response` is left
// out of every message, and a failed write whose outcome is unknown says so, never "nothing was written".
// A proxy in front of AWS that answers every request with its own 502 page.
const proxy = { server: undefined as unknown as Server, endpoint: '' };
beforeAll(async () => {
  proxy.server = createServer((request, response) => {
    request.resume().on('end', () => {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html><body>Bad gateway</body></html>');
    });
  });
  await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
  proxy.endpoint = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      proxy.server.close(() => resolve());
      proxy.server.closeAllConnections();
    }),
);
const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:jobs';
const HINT =
  'Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.';
const arn = 'arn:aws:sns:us-east-1:123456789012:t';

describe("the SDK's hint about {error}.$response", () => {
  it('is left out of the message, which is still a MalformedResponse', () => {
    const cut = new SyntaxError(`Unexpected end of JSON input\n  ${HINT}`);
    const error = toUnitagError(cut, { arn, service: 'sns' });
    expect(error.code).toBe('MalformedResponse');
    expect(error.message).toContain('Unexpected end of JSON input');
    expect(error.message).not.toMatch(/\$response|hidden field|Deserialization error/);
  });

  it("is left out of what a real SDK read or write answered by a proxy's 502 page becomes", async () => {
    // Prepare: the SDK fails to parse the HTML as the JSON error it expects, and appends its hint.
    const t = createTagger({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      clientConfig: { maxAttempts: 1 },
      retryFor: 0,
      preferTaggingApi: false,
    });
    // Act
    const read = await t.list(QUEUE).catch((e: Error) => e);
    const written = await t.tag(QUEUE, { c: '3' }).catch((e: Error) => e);
    // Assess
    expect(read).toMatchObject({ code: 'MalformedResponse' });
    expect(((read as Error).cause as Error).message).toContain(HINT);
    expect((read as Error).message).not.toMatch(/\$response|hidden field|Deserialization error/);
    expect(written).toMatchObject({ code: 'MalformedResponse' });
    const message = (written as Error).message;
    expect(message).not.toMatch(/\$response|hidden field|Deserialization error|nothing was written/);
    expect(message).toContain('the write may or may not have been made');
    // The read that follows the write meets the same page.
    expect(message).toMatch(/; its tags could not be read again either \(MalformedResponse\)$/);
  });
});

describe('a failed write whose outcome is unknown', () => {
  const write = (error: unknown) => toUnitagError(error, { arn, service: 'sns' }, 'write');

  it.each([
    ['a malformed answer', new SyntaxError(`Unexpected end of JSON input\n  ${HINT}`), 'MalformedResponse'],
    [
      'a 5xx',
      Object.assign(new Error('We encountered an internal error'), {
        name: 'InternalFailure',
        $metadata: { httpStatusCode: 500 },
      }),
      'ServiceError',
    ],
    [
      'a dropped connection',
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      'NetworkError',
    ],
    ['no answer in time', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'Timeout'],
  ])('%s: says the write may or may not have been made', (_, cause, code) => {
    const error = write(cause);
    expect(error.code).toBe(code);
    expect(isOutcomeUnknown(error)).toBe(true);
    expect(error.message).toContain('(the write may or may not have been made; ');
    expect(error.message).not.toContain('nothing was written');
  });

  it('a read that got a malformed answer still says nothing was written: no write followed it', () => {
    const error = toUnitagError(new SyntaxError(`Unexpected token <\n  ${HINT}`), { arn });
    expect(error.message).toContain('nothing was written');
    expect(error.message).not.toContain('may or may not');
  });

  it.each([
    [
      'a refusal',
      Object.assign(new Error('no'), { name: 'AuthorizationError', $metadata: { httpStatusCode: 403 } }),
    ],
    ['a connection refused', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    [
      'throttling',
      Object.assign(new Error('slow down'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }),
    ],
  ])('%s is known: the write was not made', (_, cause) => {
    const error = write(cause);
    expect(isOutcomeUnknown(error)).toBe(false);
    expect(error.message).not.toContain('may or may not');
  });
});
