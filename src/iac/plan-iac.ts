// A plan's entries seen against infrastructure-as-code: each change to a resource a tool manages says which of its
// keys the tool's next run undoes, and with `refuse` such an entry fails with ManagedByIaC before anything is
// written to it.
import { ConfigurationError, isUnitagError, ManagedByIaCError, type UnitagError } from '../core/errors.js';
import { newTags } from '../core/shapes.js';
import type { Tags } from '../core/types.js';
import { declaredAt, type IacNote, iacNote } from './reverts.js';
import type { IacSource } from './sources.js';

/** What a plan or an apply does with changes that a tool would undo. */
export type IacMode = 'warn' | 'refuse' | 'ignore';

/** `PlanOptions.iac`: where to look, and what to do. */
export interface IacOptions {
  source: IacSource;
  /** `warn` (default): note them; `refuse`: fail those entries with ManagedByIaC; `ignore`: do not look. */
  mode?: IacMode | undefined;
}

const MODES: readonly IacMode[] = ['warn', 'refuse', 'ignore'];

/** The options checked: a source with `lookup`, a known mode. */
export function iacOptions(value: unknown): IacOptions | undefined {
  if (value === undefined) return undefined;
  const given = value as Partial<IacOptions> | null;
  if (typeof given !== 'object' || given === null || typeof given.source?.lookup !== 'function') {
    throw new ConfigurationError(
      'plan: options.iac must be { source, mode }, with a source from iacSource() (or loadIacSource())',
    );
  }
  if (given.mode !== undefined && !MODES.includes(given.mode)) {
    throw new ConfigurationError(
      `plan: options.iac.mode must be warn, refuse or ignore, not ${String(given.mode)}`,
    );
  }
  return given as IacOptions;
}

/** What `annotate` reads and writes of a plan entry (src/jobs/plan.ts, `PlanEntry`). */
export interface Annotated {
  arn: string;
  status: 'change' | 'noop' | 'failed';
  before?: Tags | undefined;
  after?: Tags | undefined;
  error?: UnitagError | undefined;
  iac?: IacNote | undefined;
}

/**
 * Notes each changing entry's tool; with `refuse`, fails those a tool would undo. The number of entries with keys
 * a tool's next run undoes (refused or not); undefined with `ignore`, which looks at nothing.
 */
export async function annotate(entries: Annotated[], options: IacOptions): Promise<number | undefined> {
  const mode = options.mode ?? 'warn';
  if (mode === 'ignore') return undefined;
  let undone = 0;
  for (const entry of entries) {
    if (entry.status !== 'change') continue;
    const before = entry.before ?? newTags();
    const found = await lookup(options.source, entry);
    if (!found) continue;
    const note = iacNote(found, before, entry.after ?? newTags());
    if (!note) continue;
    entry.iac = note;
    if (note.reverts.length > 0) undone += 1;
    if (mode !== 'refuse' || note.reverts.length === 0) continue;
    entry.status = 'failed';
    entry.error = new ManagedByIaCError(
      `${declaredAt(note)} would undo this change to ${note.reverts.join(', ')} of ${entry.arn} at its next run ` +
        '(setting back what it declares, removing what it does not), so nothing was written. Change the tags in ' +
        'the code (docs/iac.md), or apply with --iac warn to write them anyway',
      { arn: entry.arn, service: entry.arn.split(':')[2] },
    );
  }
  return undone;
}

// The declarations of an entry's resource. A source that cannot be read (CloudFormation refusing, throttling) fails
// the entry with that error: nothing is written that was not checked, and it is never taken as "not managed".
async function lookup(source: IacSource, entry: Annotated) {
  try {
    return await source.lookup(entry.arn, entry.before);
  } catch (error) {
    const failure = isUnitagError(error)
      ? error
      : new ConfigurationError(
          `the infrastructure-as-code source failed: ${(error as Error)?.message ?? String(error)}`,
        );
    Object.assign(entry, { status: 'failed', error: failure });
    return undefined;
  }
}
