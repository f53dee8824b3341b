import { describe, expect, it } from 'vitest';
import { SUPPORTED_SERVICES } from '../../adapters/tagging-api.js';
import { createRegistry, dispatch, parseArn } from '../../src/index.js';

const registry = createRegistry();

function route(arn: string): string {
  try {
    const { adapter, info } = dispatch(parseArn(arn), registry);
    return `${adapter.name} ${info.type}`;
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe('dispatch (pure: no AWS)', () => {
  it.each([
    ['arn:aws:sns:us-east-1:123456789012:orders', 'sns sns:topic'],
    ['arn:aws:sns:us-east-1:123456789012:orders:3f1c9a2e-sub', 'UnsupportedResource'],
    ['arn:aws:sqs:us-east-1:123456789012:jobs', 'sqs sqs:queue'],
    ['arn:aws:sqs:us-east-1:123456789012:jobs.fifo', 'sqs sqs:queue'],
    ['arn:aws:lambda:us-east-1:123456789012:function:f', 'lambda lambda:function'],
    ['arn:aws:lambda:us-east-1:123456789012:function:f:1', 'UnsupportedResource'],
    ['arn:aws:lambda:us-east-1:123456789012:function:f:prod', 'UnsupportedResource'],
    ['arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST', 'UnsupportedResource'],
    [
      'arn:aws:lambda:us-east-1:123456789012:event-source-mapping:1b2c-uuid',
      'lambda lambda:event-source-mapping',
    ],
    [
      'arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-0abc',
      'lambda lambda:code-signing-config',
    ],
    ['arn:aws:lambda:us-east-1:123456789012:layer:l:1', 'UnsupportedResource'],
    ['arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f', 'tagging-api logs:log-group'],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/orders', 'tagging-api dynamodb:table'],
    ['arn:aws:kms:us-east-1:123456789012:key/1234abcd', 'tagging-api kms:key'],
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf', 'tagging-api secretsmanager:secret'],
    ['arn:aws:sts::123456789012:assumed-role/r/s', 'UnsupportedResource'],
    ['arn:aws:made-up:us-east-1:123456789012:thing/x', 'UnsupportedResource'],
    ['arn:aws:sns:nowhere:123456789012:orders', 'InvalidArn'],
  ])('%s -> %s', (arn, expected) => {
    expect(route(arn)).toBe(expected);
  });

  it('never routes a service with its own adapter to the tagging API', () => {
    for (const service of registry.adapters.keys()) expect(SUPPORTED_SERVICES.has(service)).toBe(false);
  });

  it('registers one adapter per file in adapters/', async () => {
    const { readdirSync } = await import('node:fs');
    const files = readdirSync(new URL('../../adapters/', import.meta.url))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''));
    const names = [...registry.adapters.keys(), registry.fallback.name].sort();
    expect(names).toEqual(files.sort());
  });
});
