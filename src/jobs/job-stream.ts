// Job files read as streams, a window of lines at a time: memory stays bounded whatever the job's size. Each
// window is parsed exactly as a whole job is (parseJob), so a job that fits in one window is read as before.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type CheckChange, type Job, type JobFormat, parseJob } from './job.js';

/** A window of a job: its valid changes, and its bad lines (numbered in the whole file). */
export type JobWindow = Job;

/**
 * The job in `path` (or `text`, for standard input) in windows of about `size` lines. NDJSON and CSV are
 * streamed; a JSON array is read whole (use NDJSON for large jobs) and cut into windows of `size` changes. A
 * CSV window is extended while the next rows name the same resource, so that a resource's rows stay together.
 */
export async function* jobWindows(
  source: { path: string } | { text: string },
  format: JobFormat,
  size: number,
  check?: CheckChange,
): AsyncGenerator<JobWindow> {
  if (format === 'json') {
    const text = 'text' in source ? source.text : await readAll(source.path);
    const job = parseJob(text, format, check);
    for (let i = 0; i < Math.max(1, job.changes.length); i += size) {
      yield { changes: job.changes.slice(i, i + size), errors: i === 0 ? job.errors : [] };
    }
    return;
  }
  let header: string | undefined;
  let lines: string[] = [];
  let first = 1;
  let number = 0;
  const parse = (): JobWindow => {
    // A CSV window is parsed with the header before it: its line 1 is the header, not a line of the window.
    const text = format === 'csv' ? `${header ?? ''}\n${lines.join('\n')}` : lines.join('\n');
    const offset = format === 'csv' ? first - 2 : first - 1;
    const job = parseJob(text, format, check && ((change, line) => check(change, line + offset)));
    return { changes: job.changes, errors: job.errors.map((e) => ({ ...e, line: e.line + offset })) };
  };
  for await (const line of textLines(source)) {
    number++;
    if (format === 'csv' && header === undefined) {
      if (line.trim() === '') continue;
      header = line;
      first = number + 1;
      // A header that names the wrong columns makes every row unreadable: said once, at its line.
      const bad = parseJob(header, format, check).errors[0];
      if (bad) {
        yield { changes: [], errors: [{ line: number, message: bad.message }] };
        return;
      }
      continue;
    }
    if (lines.length >= size && !(format === 'csv' && sameResource(lines.at(-1) as string, line))) {
      yield parse();
      lines = [];
      first = number;
    }
    lines.push(line);
  }
  if (lines.length > 0) yield parse();
  else if (format === 'csv' && header === undefined) yield parseJob('', format, check);
}

/** True when two CSV rows start with the same ARN cell (as a job written by a script puts a resource's rows). */
function sameResource(a: string, b: string): boolean {
  const cell = (row: string) => row.slice(0, row.indexOf(','));
  return a.includes(',') && cell(a) === cell(b);
}

async function* textLines(source: { path: string } | { text: string }): AsyncGenerator<string> {
  if ('text' in source) {
    const lines = source.text.split(/\r?\n/);
    if (lines.at(-1) === '') lines.pop();
    yield* lines;
    return;
  }
  const lines = createInterface({
    input: createReadStream(source.path, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  yield* lines;
}

async function readAll(path: string): Promise<string> {
  const chunks: string[] = [];
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) chunks.push(chunk as string);
  return chunks.join('');
}
