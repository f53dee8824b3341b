#!/usr/bin/env node
// The package's bin: runs the CLI (src/cli/main.ts) and sets the exit code.
import { main } from './cli/main.js';

// The SDK warns once per process that its 2027 releases will need Node 22; it is noise on a terminal.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
