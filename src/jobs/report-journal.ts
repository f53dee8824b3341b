// A report's journal and earlier runs, read back: what an unfinished run's journal or a finished JSON report says
// is done (and the intents a resume finishes as planned), each write's lines as the final report keeps them, and
// the key that names a write.
import { closeSync, existsSync, lstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { newTags } from '../core/shapes.js';
import type { Tags } from '../core/types.js';
import {
  isTags,
  type JobIdentity,
  type LineJson,
  lineKey,
  type ReportJson,
  type Totals,
  type WriteResult,
} from './report.js';

/** What an earlier run of a report left: its job, its calls, and the resources it has done. */
export interface Earlier {
  job: JobIdentity | undefined;
  calls: number;
  /** Keys (see {@link doneKey}) of the writes done (`changed` or `unchanged`): a resource in one window. */
  done: Set<string>;
  /** Where its lines are: the journal of an unfinished run, or a finished JSON report. */
  from: 'journal' | 'report';
  /**
   * Writes not done that may have been made (see {@link Intent}), by {@link doneKey}: a resume finishes each with
   * its planned `set` and `remove`, never by planning its lines anew from the tags it may have left.
   */
  redo: Map<string, Redo>;
}

/** A planned write as a resume finishes it: the keys to set, and the keys to remove. */
export interface Redo {
  set: Tags;
  remove: string[];
}

/** A write a run is about to send, as the journal records it before sending. */
export interface Intent {
  arn: string;
  versionId?: string | undefined;
  window: number;
  set: Tags;
  remove: string[];
}

/**
 * What an earlier run of the report at `path` left, or undefined when there is none: the journal of an
 * unfinished run if one is there, else the JSON report. Throws when what is there is not a unitag report.
 */
export async function readEarlier(path: string): Promise<Earlier | undefined> {
  const journal = `${path}.journal`;
  if (lstatSync(journal, { throwIfNoEntry: false })?.isSymbolicLink()) {
    throw new Error(`${journal} is a link, not a journal unitag wrote: remove it`);
  }
  if (existsSync(journal)) {
    const earlier: Earlier = { job: undefined, calls: 0, done: new Set(), from: 'journal', redo: new Map() };
    let first = true;
    for (const line of journalLines(journal)) {
      if (first && line.unitag !== 'journal') throw new Error(`${journal} is not a unitag journal`);
      first = false;
      if (line.unitag === 'journal') earlier.job = line.job as JobIdentity | undefined;
      else if (typeof line.calls === 'number') earlier.calls += line.calls;
      else if (typeof line.arn === 'string') markDone(earlier, line as unknown as LineJson);
      else if (isIntent(line.intent)) earlier.redo.set(doneKey(line.intent), redoOf(line.intent));
    }
    return earlier;
  }
  if (!existsSync(path)) return undefined;
  const json = JSON.parse(readFileSync(path, 'utf8')) as ReportJson;
  if ((json.version !== 1 && json.version !== 2) || !Array.isArray(json.resources)) {
    throw new Error('not a unitag report');
  }
  const earlier: Earlier = {
    job: 'job' in json ? json.job : undefined,
    calls: typeof json.calls === 'number' ? json.calls : 0,
    done: new Set(),
    from: 'report',
    redo: new Map(),
  };
  for (const line of json.resources) if (typeof line?.arn === 'string') markDone(earlier, line);
  return earlier;
}

function markDone({ done, redo }: Earlier, line: LineJson): void {
  const key = doneKey(line);
  if (line.outcome === 'changed' || line.outcome === 'unchanged') {
    done.add(key);
    redo.delete(key);
    return;
  }
  done.delete(key);
  // A write that failed after it was planned may have been made (an answer lost): it is finished as planned.
  const { before, after, planned } = line;
  if (line.outcome !== 'failed') return;
  if (isRedo(planned))
    redo.set(key, { set: Object.assign(newTags(), planned.set), remove: [...planned.remove] });
  else if (isTags(before) && isTags(after) && !redo.has(key)) {
    redo.set(key, {
      set: Object.assign(
        newTags(),
        Object.fromEntries(
          Object.entries(after).filter(([k, v]) => !Object.hasOwn(before, k) || before[k] !== v),
        ),
      ),
      remove: Object.keys(before).filter((k) => !Object.hasOwn(after, k)),
    });
  }
}

function isRedo(value: unknown): value is Redo {
  const v = value as Partial<Redo> | undefined;
  return (
    typeof v === 'object' &&
    v !== null &&
    isTags(v.set) &&
    Array.isArray(v.remove) &&
    v.remove.every((k) => typeof k === 'string')
  );
}

function isIntent(value: unknown): value is Intent {
  const v = value as Partial<Intent> | undefined;
  return isRedo(value) && typeof v?.arn === 'string' && typeof v.window === 'number';
}

function redoOf(intent: Intent): Redo {
  return { set: Object.assign(newTags(), intent.set), remove: [...intent.remove] };
}

/** The lines of a journal, parsed; a line cut short by a kill (the last one) is left out. */
export function* journalLines(path: string): Generator<Record<string, unknown>> {
  for (const text of fileLines(path)) {
    if (text === '') continue;
    try {
      const value = JSON.parse(text) as unknown;
      if (typeof value === 'object' && value !== null && !Array.isArray(value))
        yield value as Record<string, unknown>;
    } catch {
      // A line the kill cut short: its resource is done again on resume.
    }
  }
}

/** Each resource's last line of a journal (by `last`, from a first pass), re-serialized. */
export function* lastLines(
  path: string,
  last: Map<string, number>,
): Generator<{ text: string; outcome: unknown; account: unknown }> {
  let index = 0;
  for (const line of journalLines(path)) {
    index++;
    if (typeof line.arn !== 'string') continue;
    if (last.get(doneKey(line as unknown as LineJson)) !== index) continue;
    yield { text: JSON.stringify(line), outcome: line.outcome, account: line.account };
  }
}

/**
 * A file's lines, read a megabyte at a time with nothing read ahead: a journal of a million lines is never held
 * in memory (readline's async iteration queues lines faster than a slow consumer takes them).
 */
function* fileLines(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) {
      const lines = (rest + decoder.write(buffer.subarray(0, n))).split('\n');
      rest = lines.pop() as string;
      yield* lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
    }
    rest += decoder.end();
    if (rest !== '') yield rest;
  } finally {
    closeSync(fd);
  }
}

/**
 * The lines an earlier run of the report at `path` says are done (`changed` or `unchanged`), marked
 * `resumed`: from the journal of an unfinished run, or from the finished JSON report.
 */
export function* doneLines(path: string, from: Earlier['from']): Generator<LineJson> {
  const lines = from === 'journal' ? journalLines(`${path}.journal`) : reportLines(path);
  for (const line of lines) {
    if (typeof line.arn === 'string' && (line.outcome === 'changed' || line.outcome === 'unchanged'))
      yield { ...(line as unknown as LineJson), resumed: true };
  }
}

/** The resource lines of a finished JSON report (read whole: a report too big for that is a journal). */
function* reportLines(path: string): Generator<Record<string, unknown>> {
  const json = JSON.parse(readFileSync(path, 'utf8')) as ReportJson;
  for (const line of json.resources) if (typeof line?.arn === 'string') yield { ...line };
}

/**
 * What a report line is the write of: its resource (see `lineKey`) in its window of the job, hashed (see
 * `keyHash`). A resource named in two windows is two writes, each done or not on its own; a line an older unitag
 * wrote, without a window, stands for the resource.
 */
export function doneKey(line: { arn: string; versionId?: string | undefined; window?: unknown }): string {
  const key = lineKey(line);
  return keyHash(typeof line.window === 'number' ? `${key}\u0001${line.window}` : key);
}

/**
 * A resource's key, shortened to two 53-bit hashes (cyrb53 with two seeds, 106 bits, about 22 characters): a
 * million of them take tens of megabytes where the keys themselves could take hundreds, and two keys share
 * one with a chance of about one in 10^19 at a million resources.
 */
export function keyHash(key: string): string {
  return `${cyrb53(key, 0).toString(36)}:${cyrb53(key, 0x9e3779b9).toString(36)}`;
}

function cyrb53(key: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** An outcome a report counts. */
export function isOutcome(outcome: unknown): outcome is WriteResult['outcome'] {
  return outcome === 'changed' || outcome === 'unchanged' || outcome === 'failed' || outcome === 'skipped';
}

/** Counts one line of `account` in `byAccount`. */
export function countLine(
  byAccount: Map<string, Totals>,
  account: string,
  outcome: WriteResult['outcome'],
): void {
  let totals = byAccount.get(account);
  if (!totals) {
    totals = { total: 0, changed: 0, unchanged: 0, failed: 0, skipped: 0 };
    byAccount.set(account, totals);
  }
  totals[outcome]++;
  totals.total++;
}

/** The report's `accounts` member (totals per account, accounts in order) when any line named its account. */
export function accountsMember(byAccount: Map<string, Totals>): { accounts?: Record<string, Totals> } {
  if (byAccount.size === 0) return {};
  const sorted = [...byAccount].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { accounts: Object.fromEntries(sorted) };
}
