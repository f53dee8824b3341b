// A proxy in front of LocalStack that refuses STS AssumeRole into one account (LocalStack assumes any role, even
// one that does not exist) and passes every other request through as it is. It counts the AssumeRole calls.
import { createServer, request as forward, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListQueueTagsCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsConfig, endpoint } from './helpers.js';

/** LocalStack's client configuration acting in `account` (LocalStack takes a 12-digit access key id as it). */
export function as(account: string) {
  return { ...awsConfig(), credentials: { accessKeyId: account, secretAccessKey: 'test' } };
}

/** A queue's tags, read straight from LocalStack with `account`'s credentials. */
export async function queueTags(account: string, arn: string): Promise<Record<string, string>> {
  const client = new SQSClient(as(account));
  const url = `${endpoint()}/${account}/${arn.split(':').pop()}`;
  const out = await client.send(new ListQueueTagsCommand({ QueueUrl: url }));
  client.destroy();
  return out.Tags ?? {};
}

export interface RolesProxy {
  endpoint: string;
  /** The RoleArn of each AssumeRole that reached the proxy. */
  assumed: string[];
  /** The body of every request that reached the proxy. */
  bodies: string[];
  close(): Promise<void>;
}

export async function startRolesProxy(target: string, refuseAccount: string): Promise<RolesProxy> {
  const upstream = new URL(target);
  const assumed: string[] = [];
  const bodies: string[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      bodies.push(body.toString('utf8'));
      const form = new URLSearchParams(body.toString('utf8'));
      if (form.get('Action') === 'AssumeRole') {
        const role = form.get('RoleArn') ?? '';
        assumed.push(role);
        if (role.includes(`::${refuseAccount}:`)) {
          outgoing
            .writeHead(403, { 'content-type': 'text/xml' })
            .end(
              '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole on resource: ' +
                `${role}</Message></Error><RequestId>proxy</RequestId></ErrorResponse>`,
            );
          return;
        }
      }
      const pass = forward(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      pass.on('error', () => outgoing.destroy());
      pass.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    assumed,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
