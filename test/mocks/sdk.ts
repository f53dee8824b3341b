// What unit tests on mocked SDK clients share: the mocks, reset around every test, and a tagger on them.
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach } from 'vitest';
import { createTagger, type TaggerOptions } from '../../src/index.js';
import { mockAccounts } from './accounts.js';

/** Credentials for unit tests; the mocked STS says they act in account 123456789012. */
export const CREDENTIALS = { accessKeyId: 'a', secretAccessKey: 'b' };

/** A tagger on the mocked clients, in us-east-1 unless `options` says otherwise. */
export function mockedTagger(options: TaggerOptions = {}) {
  return createTagger({ region: 'us-east-1', credentials: CREDENTIALS, ...options });
}

/** An error as the SDK throws it: AWS's error name, and the HTTP status where given. */
export function awsError(name: string, status?: number): Error {
  const $metadata = status === undefined ? {} : { httpStatusCode: status };
  return Object.assign(new Error(`${name} from AWS`), { name, $metadata });
}

type ClientClass = Parameters<typeof mockClient>[0];

/**
 * Mocks each client class for this test file: every mock is reset before and after each test, and STS answers
 * GetCallerIdentity as AWS would (see accounts.ts).
 */
export function mockClients<T extends Record<string, ClientClass>>(classes: T) {
  const mocks = Object.fromEntries(Object.entries(classes).map(([key, c]) => [key, mockClient(c)])) as {
    [K in keyof T]: ReturnType<typeof mockClient>;
  };
  const resetAll = () => {
    for (const mock of Object.values(mocks)) mock.reset();
  };
  beforeEach(() => {
    resetAll();
    mockAccounts();
  });
  afterEach(resetAll);
  return mocks;
}
