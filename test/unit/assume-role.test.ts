// Roles in other accounts: a fake STS issues sessions that last three seconds, a fake SNS refuses a request
// signed with an expired one (as AWS refuses it), and a run that outlives several sessions never fails.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTagger, isUnitagError } from '../../src/index.js';

const CALLER = '111111111111';
const TARGET = '222222222222';
const LIFE_MS = 3_000;

interface Session {
  secret: string;
  token: string | undefined;
  expires: number;
}

/** A fake STS and SNS on one port: what it issued, what it was asked, and what it refused. */
class FakeSts {
  readonly sessions = new Map<string, Session>();
  readonly assumed: URLSearchParams[] = [];
  readonly refused: string[] = [];
  denyRole: string | undefined;
  server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const [status, xml] = this.answer(request, new URLSearchParams(body));
      response.writeHead(status, { 'content-type': 'text/xml' }).end(xml);
    });
  });

  answer(request: IncomingMessage, form: URLSearchParams): [number, string] {
    const key = /Credential=([^/]+)\//.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const action = form.get('Action');
    if (action === 'GetCallerIdentity') {
      const account = key === 'BASE' ? CALLER : TARGET;
      return [
        200,
        sts(
          'GetCallerIdentity',
          `<Account>${account}</Account><Arn>arn:aws:iam::${account}:user/u</Arn><UserId>U</UserId>`,
        ),
      ];
    }
    if (action === 'AssumeRole') {
      this.assumed.push(form);
      if (form.get('RoleArn') === this.denyRole)
        return [403, error('Sender', 'AccessDenied', 'not authorized to perform: sts:AssumeRole')];
      const id = `ASIA${this.assumed.length}`;
      const session = { secret: `s${id}`, token: `t${id}`, expires: Date.now() + LIFE_MS };
      this.sessions.set(id, session);
      const credentials = `<AccessKeyId>${id}</AccessKeyId><SecretAccessKey>${session.secret}</SecretAccessKey><SessionToken>${session.token}</SessionToken><Expiration>${new Date(session.expires).toISOString()}</Expiration>`;
      return [
        200,
        sts(
          'AssumeRole',
          `<Credentials>${credentials}</Credentials><AssumedRoleUser><Arn>x</Arn><AssumedRoleId>y</AssumedRoleId></AssumedRoleUser>`,
        ),
      ];
    }
    // SNS TagResource: only with a session issued here, signed before it expired (AWS checks the same).
    const session = this.sessions.get(key);
    const signed = Date.parse(
      (request.headers['x-amz-date'] as string).replace(
        /(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z/,
        '$1-$2-$3T$4:$5:$6Z',
      ),
    );
    if (!session || request.headers['x-amz-security-token'] !== session.token || signed > session.expires) {
      this.refused.push(key);
      return [403, error('Sender', 'ExpiredToken', 'The security token included in the request is expired')];
    }
    return [
      200,
      '<TagResourceResponse><TagResourceResult/><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></TagResourceResponse>',
    ];
  }
}

const sts = (action: string, inner: string) =>
  `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`;
const error = (type: string, code: string, message: string) =>
  `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`;

const fake = new FakeSts();
let endpoint = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => fake.server.close(resolve)));

function tagger(options: Record<string, unknown> = {}) {
  return createTagger({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'BASE', secretAccessKey: 'base' },
    maxRates: false,
    retryFor: 0,
    roleName: 'unitag-test',
    externalId: 'ext-1',
    roleSessionName: 'unitag-test-run',
    ...options,
  });
}

describe('--role-name: a role assumed in each other account', () => {
  it('renews the session before it expires: a run through several sessions never fails', async () => {
    const t = tagger();
    const before = fake.assumed.length;
    let calls = 0;
    // Until the fake has issued three sessions (however fast the machine), every tag call must be done.
    while (fake.assumed.length - before < 3) {
      const result = await t.tag(`arn:aws:sns:us-east-1:${TARGET}:topic-${calls++}`, { team: 'a' });
      expect(result).toBe('changed');
    }
    expect(fake.refused).toEqual([]);
    const asked = fake.assumed.slice(before).map((form) => Object.fromEntries(form));
    expect(asked[0]).toMatchObject({
      Action: 'AssumeRole',
      RoleArn: `arn:aws:iam::${TARGET}:role/unitag-test`,
      RoleSessionName: 'unitag-test-run',
      ExternalId: 'ext-1',
    });
    await t.destroy();
  }, 60_000);

  it('names every session of a run alike without roleSessionName: unitag- and the time the run started', async () => {
    const t = tagger({ roleSessionName: undefined });
    const before = fake.assumed.length;
    let calls = 0;
    // Until a renewal (three-second sessions are renewed after half their life), however fast the machine.
    while (fake.assumed.length - before < 2) {
      expect(await t.tag(`arn:aws:sns:us-east-1:${TARGET}:named-${calls++}`, { team: 'a' })).toBe('changed');
    }
    const names = new Set(fake.assumed.slice(before).map((form) => form.get('RoleSessionName')));
    expect(names.size).toBe(1);
    expect([...names][0]).toMatch(/^unitag-\d{8}T\d{6}Z$/);
    await t.destroy();
  }, 60_000);

  it("acts with the caller's own credentials in the caller's account (no role assumed)", async () => {
    const t = tagger();
    const before = fake.assumed.length;
    fake.sessions.set('BASE', { secret: 'base', token: undefined, expires: Number.POSITIVE_INFINITY });
    const result = await t.tag(`arn:aws:sns:us-east-1:${CALLER}:own`, { team: 'a' });
    fake.sessions.delete('BASE');
    expect(result).toBe('changed');
    expect(fake.assumed.length).toBe(before);
    await t.destroy();
  });

  it('a role that cannot be assumed fails that account with an error naming the account and the role', async () => {
    fake.denyRole = `arn:aws:iam::${TARGET}:role/denied`;
    const t = tagger({ roleName: 'denied' });
    const result = await t
      .tag(`arn:aws:sns:us-east-1:${TARGET}:topic`, { team: 'a' })
      .catch((e: unknown) => e);
    fake.denyRole = undefined;
    const error = isUnitagError(result) ? result : (result as { error?: unknown }).error;
    expect(isUnitagError(error) && error.code).toBe('AccessDenied');
    expect((error as Error).message).toMatch(
      new RegExp(`could not assume the role arn:aws:iam::${TARGET}:role/denied in account ${TARGET}`),
    );
    await t.destroy();
  });

  it('refuses bad role options before any call', () => {
    const before = fake.assumed.length;
    expect(() => tagger({ roleDuration: 60 })).toThrow(
      /roleDuration must be a whole number of seconds from 900/,
    );
    expect(() => tagger({ roleSessionName: 'x' })).toThrow(/roleSessionName must be 2 to 64/);
    expect(() => tagger({ roleName: 'bad name' })).toThrow(/roleName must be a role name/);
    expect(() => tagger({ accounts: [{ id: '1' }] })).toThrow(
      /accounts must be the accounts of an accounts file/,
    );
    expect(fake.assumed.length).toBe(before);
  });
});
