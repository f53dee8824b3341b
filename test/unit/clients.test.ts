import { describe, expect, it } from 'vitest';
import { ClientCache } from '../../src/clients.js';
import { parseArn } from '../../src/index.js';
import type { ClientLoader } from '../../src/types.js';

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

describe('ClientCache', () => {
  const east = parseArn('arn:aws:sns:us-east-1:111111111111:a');
  const eastOther = parseArn('arn:aws:sns:us-east-1:222222222222:b');
  const west = parseArn('arn:aws:sns:eu-west-1:111111111111:c');
  const bucket = parseArn('arn:aws:s3:::bucket');

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
      { region: 'us-east-1', endpoint: 'http://127.0.0.1:4566' },
      { region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566' },
    ]);
  });

  it('uses the default region for ARNs without one, and an explicit region over both', async () => {
    const { loader, created } = recordingLoader();
    const cache = new ClientCache({ region: 'ap-south-1' });
    await cache.get(loader, bucket);
    await cache.get(loader, east, 'us-east-1');
    await cache.get(loader, bucket, 'us-east-1');
    expect(created.map((c) => c.region)).toEqual(['ap-south-1', 'us-east-1']);
  });

  it('keeps one client per account when credentials come per account', async () => {
    const { loader, created } = recordingLoader();
    const perAccount = (id: string) => ({ accessKeyId: `key-${id}`, secretAccessKey: 's' });
    const cache = new ClientCache({ credentialsForAccount: perAccount, clientConfig: { maxAttempts: 5 } });
    const [a, b] = await Promise.all([cache.get(loader, east), cache.get(loader, eastOther)]);
    expect(a).not.toBe(b);
    expect(created).toEqual([
      { maxAttempts: 5, region: 'us-east-1', credentials: perAccount('111111111111') },
      { maxAttempts: 5, region: 'us-east-1', credentials: perAccount('222222222222') },
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
