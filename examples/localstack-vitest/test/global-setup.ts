// Once for the whole run: a LocalStack (the one LOCALSTACK_ENDPOINT names, one already on port 4566, or an
// embedded one started now and stopped after the run), its endpoint handed to the tests.
import { startLocalStack } from 'unitag/localstack';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    endpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const localstack = await startLocalStack({ services: ['sns', 'sqs', 'resourcegroupstaggingapi', 'sts'] });
  project.provide('endpoint', localstack.endpoint);
  return () => localstack.stop();
}
