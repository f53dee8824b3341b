// Writing a whole output file the CLI was told to write (`accounts --output-file`): checked before any AWS call,
// then written by jobs/report-write.ts (the one home of that write): to a new file of an unpredictable name,
// created exclusively (a file or link planted there makes it fail rather than be followed), renamed over the path,
// so that a reader never sees half of it.
import { closeSync, lstatSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { modeOf, replaceFile as replaceWith, temporaryBeside } from '../jobs/report-write.js';
import { UsageError } from './common.js';

/**
 * Checks, before any AWS call, that `path` can be written by {@link replaceFile}: not a link nor a directory, in a
 * directory where a file can be created. `flag` names the option in the message. Bad usage otherwise.
 */
export function checkReplaceable(path: string, flag: string): void {
  refuseLink(path, flag);
  if (statSync(dirname(path), { throwIfNoEntry: false })?.isDirectory() !== true) {
    throw new UsageError(`${flag} ${path}: the directory ${dirname(path)} does not exist`);
  }
  const probe = temporaryBeside(path);
  try {
    closeSync(openSync(probe, 'wx', 0o600));
    unlinkSync(probe);
  } catch (error) {
    throw new UsageError(`cannot write ${flag} ${path}: ${(error as Error).message}`);
  }
}

/** Replaces `path` with `text` whole (see the module's comment); an existing file's mode is kept. */
export function replaceFile(path: string, text: string, flag: string): void {
  refuseLink(path, flag);
  replaceWith(path, modeOf(path), (fd) => writeSync(fd, text));
}

function refuseLink(path: string, flag: string): void {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (stat?.isSymbolicLink()) throw new UsageError(`${flag} ${path} is a symbolic link: name a file`);
  if (stat?.isDirectory()) throw new UsageError(`${flag} ${path} is a directory: name a file`);
}
