import type { TestProject } from 'vitest/node';
import { startLocalStack } from '../src/localstack.js';

declare module 'vitest' {
  export interface ProvidedContext {
    endpoint: string;
  }
}

/** Starts LocalStack unless one answers already; stops it afterwards only if it was started here. */
export default async function setup(project: TestProject) {
  const localstack = await startLocalStack();
  project.provide('endpoint', localstack.endpoint);
  return () => localstack.stop();
}
