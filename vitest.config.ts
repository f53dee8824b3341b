import { defineConfig } from 'vitest/config';

// Unit tests mock the SDK and need nothing running; integration and end-to-end tests talk to a real
// LocalStack that test/global-setup.ts starts when none is running (and fails loudly when it cannot).
export default defineConfig({
  test: {
    // The SDK warns once per process that its 2027 releases will need Node 22; the lock file pins 2026 ones.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Three files at a time on the two cores CI has (Vitest's default leaves one core idle): most integration and
    // CLI tests wait on LocalStack or a child process, and none depends on the machine's speed. A fresh clone's
    // `.ci/run` took 8 min 53 s with two, 7 min 52 s with three (npm ci included).
    maxWorkers: 3,
    projects: [
      // A first test that loads an SDK client can take seconds on a loaded machine: time bounds only catch hangs.
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
