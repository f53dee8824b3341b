import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createTagger, type TaggerOptions } from '../src/index.js';

/** LocalStack's endpoint, region and account (credentials test/test map to 000000000000). */
export const endpoint = (): string => inject('endpoint');
export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';

/** SDK client configuration that points at LocalStack. */
export function awsConfig() {
  return {
    region: REGION,
    endpoint: endpoint(),
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
}

/** A tagger pointed at LocalStack. */
export function localTagger(options: TaggerOptions = {}) {
  return createTagger({ ...awsConfig(), ...options });
}

/** A name no other test (or earlier run against the same LocalStack) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** The conformance suite's setup on LocalStack. */
export const onLocalStack = { tagger: () => localTagger() };
