// In every test file: unitag's matchers, reading tags through a tagger pointed at the LocalStack.
import { createTagger } from 'unitag';
import { type TagMatchers, tagMatchers, useTagger } from 'unitag/testing';
import { expect, inject } from 'vitest';

declare module 'vitest' {
  interface Assertion<T> extends TagMatchers<Promise<void>> {}
}

expect.extend(tagMatchers);
useTagger(
  createTagger({
    region: 'us-east-1',
    endpoint: inject('endpoint'),
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  }),
);
