import type { TestProject } from 'vitest/node';
// @ts-expect-error: plain JavaScript module without types, shared with the demo and the shell scripts.
import { ensureLocalStack, stopLocalStack } from '../localstack/control.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    endpoint: string;
  }
}

/** Starts LocalStack unless one answers already; stops it afterwards only if it was started here. */
export default async function setup(project: TestProject) {
  const { endpoint, started } = (await ensureLocalStack()) as { endpoint: string; started: boolean };
  project.provide('endpoint', endpoint);
  return async () => {
    if (started) await stopLocalStack();
  };
}
