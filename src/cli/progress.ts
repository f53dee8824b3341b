// `apply`'s progress bar on standard error: the job's changes written and the resources its plans read.

import type { WriteResult } from '../jobs/report.js';
import type { Cut } from './commands/plan.js';
import type { GlobalOptions } from './common.js';

/** A progress bar on standard error for a file job (its lines, or a shard's changes, as the total), on a terminal. */
export async function progressBar(
  global: GlobalOptions,
  first: { changes: number; cut: Cut | undefined },
): Promise<{ read: () => void; wrote: (r: WriteResult) => void; stop: () => void } | undefined> {
  if (!global.progress || !process.stderr.isTTY) return undefined;
  // The job's changes as its first reading counted them (never its header, nor its bad lines).
  const total = first.cut ? first.cut.split.sizeOf(first.cut.shard) : first.changes;
  const { default: progress } = await import('cli-progress');
  const bar = new progress.SingleBar(
    {
      stream: process.stderr,
      format: ' {bar} {value}/~{total} written | {read} read | failed {failed} | {duration_formatted}',
      hideCursor: true,
      clearOnComplete: true,
    },
    progress.Presets.shades_classic,
  );
  // The plan's reads come first (a window of 5,000 lines is read before its first write): both are shown.
  let done = 0;
  let failed = 0;
  let read = 0;
  bar.start(total, 0, { failed, read });
  return {
    read: () => bar.update(done, { failed, read: ++read }),
    wrote: (r) => {
      done++;
      if (r.outcome === 'failed') failed++;
      bar.update(done, { failed, read });
    },
    stop: () => bar.stop(),
  };
}
