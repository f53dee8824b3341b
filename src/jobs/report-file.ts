// A job's report file, written as the job runs: the journal it appends a line to per finished write, and the
// JSON report that journal becomes at the end.
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  lstatSync,
  openSync,
  readSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { resolve } from 'node:path';
import { type JobIdentity, type LineJson, lineToJson, type Totals, type WriteResult } from './report.js';
import {
  accountsMember,
  countLine,
  doneKey,
  doneLines,
  type Earlier,
  type Intent,
  isOutcome,
  journalLines,
  lastLines,
} from './report-journal.js';
import { replaceFile, temporaryBeside } from './report-write.js';

/** Lines are written out when this many bytes wait, or when the last write is this old. */
const BUFFER_BYTES = 64 * 1024;
const BUFFER_MS = 200;

/**
 * A job's report, written as it runs: each finished resource is appended as one JSON line to a journal beside
 * the report (`REPORT.journal`), so the bytes written grow linearly with the job; at the end the journal becomes
 * the JSON report (written to a new file of an unpredictable name, created exclusively so that a file or link
 * planted there makes the write fail rather than be followed, then renamed over the report; an existing
 * report's mode is kept) and the journal is removed. A run that is killed leaves the journal: `--resume REPORT`
 * reads it and appends to it. `calls` add up across resumed runs.
 */
export class ReportFile {
  #fd: number | undefined;
  #buffer: string[] = [];
  #bytes = 0;
  #written = Date.now();
  #calls = 0;
  #mode: number | undefined;

  /** The job the report belongs to, once known. */
  job: JobIdentity | undefined;
  /** Set when the run stopped early: how many lines were being planned, of which nothing was written. */
  interrupted: { planning: number; note: string } | undefined;
  /** The first write of the report that failed while the job ran. */
  failure: Error | undefined;
  /** Called once, when a write of the report fails while the job runs. */
  onFailure: ((error: Error) => void) | undefined;

  constructor(
    /** Where the report goes; without a path, nothing is written. */
    readonly path: string | undefined,
  ) {
    try {
      if (path) this.#mode = statSync(path).mode & 0o777;
    } catch {
      this.#mode = undefined;
    }
  }

  /** The journal of an unfinished run of this report. */
  get journal(): string {
    return `${this.path}.journal`;
  }

  /**
   * Checks, before the job's first AWS call, that the report can be written: creates and removes a file beside
   * it, as the final write will, and checks an existing report is writable. Writes nothing to the report.
   */
  check(): void {
    if (!this.path) return;
    if (existsSync(this.path)) {
      if (statSync(this.path).isDirectory()) throw new Error('it is a directory');
      accessSync(this.path, constants.W_OK);
    }
    const probe = temporaryBeside(this.path);
    closeSync(openSync(probe, 'wx', 0o600));
    unlinkSync(probe);
  }

  /**
   * Starts the journal: appends to the one an earlier run left (`resume`), or creates a new one, never
   * following a link planted in its place; a journal left by an unfinished run is never replaced by a new run.
   * A resumed JSON report's done lines are copied in first, so the final report keeps them.
   */
  async open(earlier: Earlier | undefined, resumedReport?: string): Promise<void> {
    if (!this.path) return;
    const append = this.checkJournal(earlier, resumedReport);
    const flags = append
      ? constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW
      : constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    this.#fd = openSync(this.journal, flags, 0o666);
    this.#mayRepeat = append || earlier !== undefined;
    // A kill may have cut the last line short: what follows starts on a line of its own.
    if (append && !endsWithNewline(this.journal)) writeSync(this.#fd, '\n');
    if (!append) {
      this.#line({ unitag: 'journal', version: 2, command: 'apply', job: this.job });
      this.#headerBytes = Buffer.byteLength(this.#buffer.join(''));
    }
    if (earlier && !append && resumedReport) {
      for (const line of doneLines(resumedReport, earlier.from)) {
        this.#line(line);
        if (this.#bytes >= BUFFER_BYTES) this.flush();
      }
      this.#line({ calls: earlier.calls });
    }
    this.flush();
  }

  /**
   * Checks, with no AWS call, that the journal can be started as `open` will: true when it appends to the journal
   * of the report resumed; throws when a link, or an unfinished run's journal, is where a new one goes.
   */
  checkJournal(earlier: Earlier | undefined, resumedReport?: string): boolean {
    if (!this.path) return false;
    // The journal of the report resumed is appended to; another report's done lines are copied in.
    const append =
      earlier?.from === 'journal' &&
      resumedReport !== undefined &&
      resolve(resumedReport) === resolve(this.path);
    if (!append && lstatSync(this.journal, { throwIfNoEntry: false })?.isSymbolicLink()) {
      throw new Error(`${this.journal} is a link, not a journal unitag wrote: remove it and run again`);
    }
    if (!append && existsSync(this.journal)) {
      throw new Error(
        `${this.journal} holds the journal of an unfinished run of this report: resume it with --resume ${this.path}, or delete it to start again`,
      );
    }
    return append;
  }

  /**
   * Records, before they are sent, the writes whose lines would change the tags again if planned anew from what
   * the write leaves (see `reappliesDifferently`), and writes them to the journal at once: a run killed after
   * sending one resumes it by its planned `set` and `remove`.
   */
  intend(intents: Intent[]): void {
    if (!this.path || this.failure || intents.length === 0) return;
    for (const intent of intents) this.#line({ intent });
    // The report keeps each write's last line: with intents in the journal, its lines are no longer all results.
    this.#mayRepeat = true;
    try {
      this.flush();
    } catch (error) {
      this.failure = error as Error;
      this.onFailure?.(this.failure);
    }
  }

  /** Records one finished resource; writes the journal when enough waits or the last write is old. */
  record(result: WriteResult): void {
    if (!this.path || this.failure) return;
    this.#counts[result.outcome]++;
    this.#counts.total++;
    if (result.account !== undefined) countLine(this.#accounts, result.account, result.outcome);
    this.#line(lineToJson(result));
    if (this.#bytes >= BUFFER_BYTES || Date.now() - this.#written >= BUFFER_MS) this.#flushed();
    // Nothing else may come for a while (the other writes wait on a slow answer): a line waits 200 ms at most.
    else this.#timer ??= setTimeout(() => this.#flushed(), BUFFER_MS).unref();
  }

  #timer: NodeJS.Timeout | undefined;

  #flushed(): void {
    try {
      this.flush();
    } catch (error) {
      this.failure = error as Error;
      this.onFailure?.(this.failure);
    }
  }

  /**
   * Says a write may get more than one line in the journal: the final report then keeps each one's last line
   * (see {@link doneKey}). A resumed run's journal may (a write that failed before is done again); a new run's
   * never does, since each resource has one line per window of the job.
   */
  mayRepeat(): void {
    this.#mayRepeat = true;
  }

  #mayRepeat = false;
  #callsWritten = 0;
  /** The bytes of the journal's first line, which this run wrote. */
  #headerBytes = 0;
  /** The outcomes recorded: the report's totals when no resource can repeat. */
  readonly #counts: Totals = { total: 0, changed: 0, unchanged: 0, failed: 0, skipped: 0 };
  /** The outcomes recorded per account, for lines that name their account (a run across accounts). */
  readonly #accounts = new Map<string, Totals>();

  /** Adds calls made by this run (the plan's reads, the writes). */
  addCalls(calls: number): void {
    this.#calls += calls;
  }

  #line(value: object): void {
    const text = `${JSON.stringify(value)}\n`;
    this.#buffer.push(text);
    this.#bytes += text.length;
  }

  /** Writes what waits to the journal now. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#written = Date.now();
    if (this.#fd === undefined || this.#buffer.length === 0) return;
    const text = this.#buffer.join('');
    this.#buffer = [];
    this.#bytes = 0;
    writeSync(this.#fd, text);
  }

  /**
   * Ends the run: records its calls, then turns the journal into the JSON report (each write's last line, in
   * the journal's order) and removes the journal. Returns the report's totals. With `keepJournal` (a second
   * Ctrl-C), only the journal is written.
   */
  async finish(durationMs: number, keepJournal = false): Promise<Totals | undefined> {
    if (!this.path || this.#fd === undefined) return undefined;
    try {
      if (!this.#mayRepeat && !keepJournal) return await this.#copyOut(durationMs);
      this.#line({ calls: this.#calls });
      this.#callsWritten += this.#calls;
      this.#calls = 0;
      this.flush();
      closeSync(this.#fd);
      this.#fd = undefined;
      if (keepJournal) return undefined;
      const totals = await this.#convert(durationMs);
      unlinkSync(this.journal);
      return totals;
    } catch (error) {
      this.failure ??= error as Error;
      return undefined;
    }
  }

  /**
   * The journal of a run that no resource can have repeated in (a new run, no window naming a resource again)
   * as the JSON report: its resource lines copied as bytes, each line break becoming the array's separator,
   * with the totals counted as they were recorded. A million lines take about as long as reading them.
   */
  async #copyOut(durationMs: number): Promise<Totals> {
    this.flush();
    closeSync(this.#fd as number);
    this.#fd = undefined;
    const totals = { ...this.#counts };
    const tail = {
      totals,
      ...accountsMember(this.#accounts),
      calls: this.#callsWritten + this.#calls,
      durationMs,
      ...(this.job ? { job: this.job } : {}),
      ...(this.interrupted ? { interrupted: this.interrupted } : {}),
    };
    this.#writeJson((out) => {
      copyLines(this.journal, this.#headerBytes, out);
      return tail;
    });
    unlinkSync(this.journal);
    return totals;
  }

  /**
   * The journal of a run in which a write may have several lines (see `mayRepeat`) as the JSON report: a first
   * pass finds each one's last line, the second writes those lines and counts them (per account too).
   */
  async #convert(durationMs: number): Promise<Totals> {
    let job = this.job;
    const last = new Map<string, number>();
    let index = 0;
    let calls = 0;
    for (const line of journalLines(this.journal)) {
      index++;
      if (typeof line.arn === 'string') last.set(doneKey(line as unknown as LineJson), index);
      else if (typeof line.calls === 'number') calls += line.calls;
      else if (line.unitag === 'journal') job = line.job as JobIdentity | undefined;
    }
    return this.#writeReport(lastLines(this.journal, last), { calls, durationMs, job });
  }

  #writeReport(
    lines: Iterable<{ text: string; outcome: unknown; account: unknown }>,
    tail: { calls: number; durationMs: number; job: JobIdentity | undefined },
  ): Totals {
    const totals: Totals = { total: 0, changed: 0, unchanged: 0, failed: 0, skipped: 0 };
    const accounts = new Map<string, Totals>();
    this.#writeJson((fd) => {
      const parts: string[] = [];
      for (const { text, outcome, account } of lines) {
        if (isOutcome(outcome)) {
          totals[outcome]++;
          if (typeof account === 'string') countLine(accounts, account, outcome);
        }
        parts.push(`${totals.total === 0 ? '' : ','}\n    ${text}`);
        totals.total++;
        if (parts.length >= 1000) writeSync(fd, parts.splice(0).join(''));
      }
      writeSync(fd, parts.join(''));
      const { job, ...rest } = tail;
      const stopped = this.interrupted ? { interrupted: this.interrupted } : {};
      return { totals, ...accountsMember(accounts), ...rest, ...(job ? { job } : {}), ...stopped };
    });
    return totals;
  }

  /**
   * Writes the JSON report to a new file of an unpredictable name, created exclusively, then renames it over the
   * report (whose mode it keeps); on failure the new file is removed. `resources` writes the members of the
   * report's array and returns what follows it.
   */
  #writeJson(resources: (fd: number) => object): void {
    replaceFile(this.path as string, this.#mode, (fd) => {
      writeSync(fd, `{\n  "version": 2,\n  "command": "apply",\n  "resources": [`);
      const tail = resources(fd);
      writeSync(fd, `\n  ],\n${JSON.stringify(tail, null, 2).slice(2)}\n`);
    });
  }
}

/**
 * Copies the lines of the journal at `path`, from byte `from` on, into `out` as the members of the report's array:
 * bytes, never decoded (a line break, 0x0A, is never part of a UTF-8 character), each line break becoming the
 * array's separator.
 */
function copyLines(path: string, from: number, out: number): void {
  const input = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    let position = from;
    let pending = false;
    let first = true;
    for (let n = readSync(input, buffer, 0, buffer.length, position); n > 0; ) {
      position += n;
      const chunk = buffer.subarray(0, n);
      // The line break that ends a chunk is the array's separator only if another line follows.
      const head = pending ? SEPARATOR : first ? FIRST : undefined;
      pending = chunk[n - 1] === 0x0a;
      const { bytes, length } = separated(chunk.subarray(0, pending ? n - 1 : n), head);
      writeSync(out, bytes, 0, length);
      first = false;
      n = readSync(input, buffer, 0, buffer.length, position);
    }
  } finally {
    closeSync(input);
  }
}

const SEPARATOR = Buffer.from(',\n    ');
const FIRST = Buffer.from('\n    ');

/** `chunk` after `head`, each line break in it turned into the array's separator, in one new buffer. */
function separated(chunk: Buffer, head: Buffer | undefined): { bytes: Buffer; length: number } {
  let breaks = 0;
  for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) breaks++;
  const bytes = Buffer.allocUnsafe((head?.length ?? 0) + chunk.length + breaks * (SEPARATOR.length - 1));
  let length = head ? head.copy(bytes, 0) : 0;
  let start = 0;
  for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, start)) {
    length += chunk.copy(bytes, length, start, i);
    length += SEPARATOR.copy(bytes, length);
    start = i + 1;
  }
  length += chunk.copy(bytes, length, start);
  return { bytes, length };
}

function endsWithNewline(path: string): boolean {
  const size = statSync(path).size;
  if (size === 0) return true;
  const fd = openSync(path, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 10;
  } finally {
    closeSync(fd);
  }
}
