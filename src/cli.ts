#!/usr/bin/env node
// The package's bin: runs the CLI (src/cli/main.ts) and sets the exit code. `--version` alone is answered
// before anything else is loaded: it needs only the package's version.
import { VERSION } from './version.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${VERSION}\n`);
} else {
  // The SDK warns once per process that its 2027 releases will need Node 22; it is noise on a terminal.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  // A reader that stops reading (`unitag find | head -1`) ends the output, not the command with a stack trace:
  // what could not be written is dropped, and the command finishes as it would have.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });

  // A job streams through a bounded window, but V8 lets a busy heap grow far past what is live (a million-line
  // job peaked at 444 MB, with under 100 MB live); favouring size over speed keeps collection close to it.
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString('--optimize-for-size');

  const { main } = await import('./cli/main.js');
  process.exitCode = await main(args);
}
