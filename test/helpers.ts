import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject, vi } from 'vitest';
import type { Adapter } from '../src/core/types.js';
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

/**
 * Until the returned function is called, unitag takes `adapter`'s optional SDK client package as not installed,
 * as where a user has not installed it: its resources go to the tagging-API fallback. Taggers made meanwhile
 * should pass `onNotice` to keep the notice out of the output.
 */
export function pretendNotInstalled(adapter: Adapter): () => void {
  const optional = adapter.optionalPackage;
  if (!optional) throw new Error(`the ${adapter.name} adapter has no optional package`);
  const spy = vi.spyOn(optional, 'installed').mockReturnValue(false);
  return () => spy.mockRestore();
}

/** {@link pretendNotInstalled} for the tests of the calling file or `describe` block. */
export function withoutOptionalPackage(adapter: Adapter): void {
  let restore: (() => void) | undefined;
  beforeAll(() => {
    restore = pretendNotInstalled(adapter);
  });
  afterAll(() => restore?.());
}

/** Runs the built CLI (dist/: `npm run build` first) as its own process against LocalStack, as test/test. */
export function unitagOnLocalStack(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = new URL('../dist/bin/cli.js', import.meta.url).pathname;
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL: endpoint(),
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}
