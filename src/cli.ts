#!/usr/bin/env node
// The package's bin: runs the CLI (src/cli/main.ts) and sets the exit code. `--version` alone is answered
// before anything else is loaded: it needs only the package's version; `--help` and `COMMAND --help` are printed
// from pages made from the commands by `npm run docs` (src/cli/help-page.ts), without loading them.
import { writeSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { getSystemErrorMap } from 'node:util';
import { VERSION } from './version.js';

watchStdout();
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${VERSION}\n`);
} else if (!(await printedHelp(args))) {
  // The SDK warns once per process that its 2027 releases will need Node 22; it is noise on a terminal.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  // A job streams through a bounded window, but V8 lets a busy heap grow up to four times what is live (a
  // million-line job peaked at 444 MB, with under 100 MB live). Letting it grow to twice what is live keeps it
  // near that (269 MB at a million lines); `--optimize-for-size` did too, at nearly twice the CPU a line
  // (bench/scale.ts). A heap cap would need a flag when the process starts, and would end a job that needs more.
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString('--heap-growing-percent=100');

  const { main } = await import('./cli/main.js');
  process.exitCode = await main(args);
}

/** Prints the help page `args` ask for; false when they ask for something else, which the program answers. */
async function printedHelp(args: string[]): Promise<boolean> {
  const last = args.at(-1);
  if (last !== '--help' && last !== '-h') return false;
  const [{ helpPageFor, renderHelp }, { HELP_PAGES }] = await Promise.all([
    import('./cli/help-page.js'),
    import('./cli/help-pages.js'),
  ]);
  const page = helpPageFor(args, HELP_PAGES);
  if (page === undefined) return false;
  // Commander's width: the terminal's columns, or 80 when standard output is not a terminal.
  process.stdout.write(renderHelp(page, process.stdout.isTTY ? process.stdout.columns : undefined));
  return true;
}

/**
 * Makes a failure of standard output end the command without a stack trace. A reader that stops reading
 * (`unitag find | head -1`, EPIPE) ends the output quietly. Any other failure (a full disk, a file-size limit)
 * is said in one line at exit, and the exit code is 1 where it would have been 0: the output is incomplete. Either
 * way what could not be written is dropped and the command finishes as it would have (apply writes its report).
 */
function watchStdout(): void {
  // Typed as what it may be: a file's stream is no Socket.
  const stdout: Writable & { fd: number } = process.stdout;
  // Standard output on a file is Node's SyncWriteStream, which writes a chunk with one write(2) and drops what a
  // short write left: at a file-size limit (`ulimit -f 8`) `list -o json` stopped at 8,192 bytes with no error.
  // Writing the rest makes the next write(2) fail with the reason (EFBIG, ENOSPC). Node ignores SIGXFSZ, so a
  // file-size limit is such an error, not the end of the process.
  if (!(stdout instanceof Socket)) {
    stdout._write = (chunk: Buffer, _encoding, callback) => {
      try {
        for (let at = 0; at < chunk.length; ) at += writeSync(stdout.fd, chunk, at);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    };
  }
  let failure: NodeJS.ErrnoException | undefined;
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') failure ??= error;
  });
  // Said at exit: a write's error is emitted after the write, a pipe's may come after the command has ended.
  process.on('exit', () => {
    if (!failure) return;
    const reason = getSystemErrorMap().get(failure.errno ?? 0)?.[1];
    const said = reason && failure.code ? `${failure.code}: ${reason}` : failure.message;
    process.stderr.write(`unitag: standard output could not be written (${said}): the output is cut short\n`);
    if (!process.exitCode) process.exitCode = 1;
  });
}
