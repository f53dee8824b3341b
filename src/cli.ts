#!/usr/bin/env node
// The package's bin: runs the CLI (src/cli/main.ts) and sets the exit code.
import { main } from './cli/main.js';

// The SDK warns once per process that its 2027 releases will need Node 22; it is noise on a terminal.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A reader that stops reading (`unitag find | head -1`) ends the output, not the command with a stack trace:
// what could not be written is dropped, and the command finishes as it would have.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
