// How a report file is replaced: written to a new file beside it, of an unpredictable name, created exclusively (a
// file or link planted there makes the write fail rather than be followed), then renamed over it. The one home of
// that write, for the report a job's journal becomes (report-file.ts) and for a merged report (report-merge.ts).
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { OutputJson } from './report.js';

/** A path beside `path` that no one can have guessed: `.NAME.RANDOM.tmp`. */
export function temporaryBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
}

/** The permission bits of the file at `path`, or undefined when there is none. */
export function modeOf(path: string): number | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat ? stat.mode & 0o777 : undefined;
}

/**
 * Replaces the file at `path` with what `write` writes to a new file beside it (see {@link temporaryBeside}),
 * then renamed over it; `mode`, when given, is the new file's. On failure the new file is removed.
 */
export function replaceFile(path: string, mode: number | undefined, write: (fd: number) => void): void {
  const temporary = temporaryBeside(path);
  const fd = openSync(temporary, 'wx', 0o666);
  try {
    write(fd);
    if (mode !== undefined) fchmodSync(fd, mode);
    closeSync(fd);
    renameSync(temporary, path);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {}
    try {
      unlinkSync(temporary);
    } catch {}
    throw error;
  }
}

/**
 * Writes a report as a job's run writes it: the envelope with one line of `resources` per row, written a thousand
 * lines at a time (a report of a million lines is never one string), an existing report's mode kept.
 */
export function writeReportJson(path: string, json: OutputJson): void {
  const { version, command, resources, ...tail } = json;
  replaceFile(path, modeOf(path), (fd) => {
    writeSync(fd, `{\n  "version": ${version},\n  "command": "${command}",\n  "resources": [`);
    for (let i = 0; i < resources.length; i += 1000) {
      const part = resources.slice(i, i + 1000);
      writeSync(fd, part.map((line, j) => `${i + j === 0 ? '' : ','}\n    ${JSON.stringify(line)}`).join(''));
    }
    writeSync(fd, `\n  ],\n${JSON.stringify(tail, null, 2).slice(2)}\n`);
  });
}
