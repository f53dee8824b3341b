// find over every type says what it leaves out instead of failing on it: a service the endpoint does not serve
// (LocalStack started without it answers 501 "Service '...' is not enabled") is a notice unless its type was
// named, and types whose SDK package is not installed are named in a notice. A local server stands in for the
// endpoint: STS answers, every other service is not enabled.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import logs from '../../adapters/logs.js';
import { createTagger, type FindFailure, type FindQuery } from '../../src/index.js';
import { withoutOptionalPackage } from '../helpers.js';

const ACCOUNT = '123456789012';
let server: Server;
let endpoint = '';
const served: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(
        request.headers.authorization ?? '',
      )?.[1];
      served.push(service ?? '?');
      if (service === 'sts' && body.includes('GetCallerIdentity')) {
        response
          .writeHead(200, { 'content-type': 'text/xml' })
          .end(
            `<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::${ACCOUNT}:user/t</Arn><UserId>AIDA</UserId><Account>${ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
          );
        return;
      }
      // As LocalStack answers a service left out of its SERVICES.
      response.writeHead(501, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          __type: 'InternalFailure',
          message: `Service '${service}' is not enabled. Please check your 'SERVICES' configuration variable.`,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
withoutOptionalPackage(logs());

async function search(query: FindQuery) {
  const notices: string[] = [];
  const failures: FindFailure[] = [];
  const tagger = createTagger({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxRates: false,
    retryFor: 0,
    onNotice: (message) => notices.push(message),
  });
  const found: string[] = [];
  for await (const { arn } of tagger.find(query, { onFailure: (f) => failures.push(f) })) found.push(arn);
  await tagger.destroy();
  return { found, failures, notices };
}

describe('find over every type, on an endpoint that serves few services', () => {
  it('says which services are not served, and fails none of them, when no type was named', async () => {
    const { found, failures, notices } = await search({ untagged: true, regions: ['us-east-1'] });
    expect(found).toEqual([]);
    expect(failures).toEqual([]);
    const notServed = notices.filter((n) => n.includes('the endpoint does not serve it'));
    expect(notServed.some((n) => n.startsWith('find: sns is not listed'))).toBe(true);
    expect(notServed.some((n) => n.startsWith('find: lambda is not listed'))).toBe(true);
    // Said in AWS's words where the answer could be read (JSON services), else by its HTTP status.
    expect(notServed.find((n) => n.startsWith('find: lambda'))).toContain("Service 'lambda' is not enabled");
    expect(notServed.find((n) => n.startsWith('find: sns'))).toContain('it answered HTTP 501');
  });

  it('names the types left out because their SDK package is not installed', async () => {
    const { notices } = await search({ untagged: true, regions: ['us-east-1'] });
    const logsNotice = notices.find((n) => n.includes('logs:log-group'));
    expect(logsNotice).toMatch(
      /are not listed: @aws-sdk\/client-cloudwatch-logs is not installed.*npm install/,
    );
  });

  it('fails a service whose type was named, as any listing that fails', async () => {
    const { failures, notices } = await search({
      untagged: true,
      resourceTypes: ['lambda'],
      regions: ['us-east-1'],
    });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ service: 'lambda', listing: true });
    expect(notices.filter((n) => n.includes('does not serve'))).toEqual([]);
  });
});
