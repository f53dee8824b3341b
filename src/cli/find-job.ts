// `find --output job`: what a search finds, written as a CSV job (arn,action,key,value) that plan and apply read,
// one line per resource with the action, key and value given; checked before any call.
import { csv, csvField } from './render.js';
import { UsageError } from './usage-error.js';

/** The job line every found resource gets: `--action` (default set), `--key`, `--value`. */
export interface JobLine {
  action: string;
  key: string;
  value: string;
}

const ACTIONS = ['set', 'set-if-absent', 'remove', 'rename', 'copy-from'];

/**
 * The line of `--output job`, or undefined for another output; `--action`, `--key` and `--value` without it, or
 * a line plan would refuse, are bad usage.
 */
export function jobLineOf(opts: {
  output: string;
  action?: string;
  key?: string;
  value?: string;
}): JobLine | undefined {
  const given = opts.action !== undefined || opts.key !== undefined || opts.value !== undefined;
  if (opts.output !== 'job') {
    if (given) throw new UsageError('--action, --key and --value make a job: give them with --output job');
    return undefined;
  }
  const action = opts.action ?? 'set';
  if (!ACTIONS.includes(action)) {
    throw new UsageError(`--action "${action}": one of ${ACTIONS.join(', ')}`);
  }
  const key = opts.key ?? '';
  if (key === '' && action !== 'copy-from') throw new UsageError(`--action ${action} needs --key`);
  if (action === 'remove' && opts.value !== undefined) {
    throw new UsageError('--action remove takes no --value: it removes the key, whatever its value');
  }
  if (action !== 'remove' && opts.value === undefined) {
    const what = { rename: 'the new key', 'copy-from': 'the ARN to copy from' }[action] ?? 'the value';
    throw new UsageError(`--action ${action} needs --value (${what})`);
  }
  return { action, key, value: opts.value ?? '' };
}

/** The job's header line. */
export function jobHeader(): string {
  return csv(['arn', 'action', 'key', 'value'], []);
}

/** One resource's line of the job. */
export function jobRow(arn: string, line: JobLine): string {
  // A remove's value cell is empty (not ""), as the job reader takes it.
  const value = line.action === 'remove' ? '' : csvField(line.value);
  return [arn, line.action, line.key].map(csvField).concat(value).join(',');
}
