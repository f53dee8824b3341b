// `unitag check --iac`: where resources' live tags drift from what their infrastructure-as-code declares, both
// ways, as a table, CSV or the JSON envelope, and the job that sets the declared values back (`--fix`).
import { toUnitagError } from '../core/aws-errors.js';
import type { UnitagError } from '../core/errors.js';
import type { Tags } from '../core/types.js';
import { type Drift, driftOf } from '../iac/drift.js';
import type { IacSource } from '../iac/sources.js';
import type { IacResource } from '../iac/types.js';
import type { Change } from '../jobs/plan-change.js';
import type { Tagger } from '../tagger.js';
import { badArns, EXIT, type GlobalOptions, makeTagger, print, readArns, UsageError } from './common.js';
import { type IacCliOptions, iacSourceOf, namesIac } from './iac-options.js';
import { printJson, wantsJson } from './output.js';
import { csv, printable, table } from './render.js';

/**
 * `check --iac ARN...`: drift of the ARNs given (or of every resource the Terraform and Pulumi sources declare)
 * from infrastructure as code; the exit code. Bad input is found before any AWS call.
 */
export async function checkIac(
  global: GlobalOptions,
  args: string[],
  opts: IacCliOptions & { file?: string | undefined; output: string },
  writeFix: ((changes: Change[]) => void) | undefined,
): Promise<number> {
  if (!namesIac(opts))
    throw new UsageError(
      '--iac needs a source: --terraform-state FILE, --pulumi-state FILE or --cloudformation',
    );
  const arns = args.length > 0 || opts.file !== undefined ? await readArns(args, opts.file) : [];
  if (opts.cloudformation && arns.length === 0)
    throw new UsageError(
      '--iac --cloudformation checks the ARNs given (stacks are found by resource): name them',
    );
  const tagger = await makeTagger(global);
  const bad = badArns(tagger, arns);
  for (const line of bad) process.stderr.write(`unitag: ${printable(line)}\n`);
  if (bad.length > 0) return EXIT.usage;
  const source = (await iacSourceOf(global, opts)) as IacSource;
  const started = Date.now();
  const checked = await checkedOf(tagger, source, arns);
  const drifted = checked.filter((c) => c.drift && drifts(c.drift));
  writeFix?.(
    drifted.flatMap((c) =>
      c.drift && c.drift.differs.length > 0 ? [{ arn: c.arn, set: c.drift.restore }] : [],
    ),
  );
  const failed = checked.filter((c) => !c.drift).length;
  const totals = {
    total: checked.length,
    compliant: checked.length - drifted.length - failed,
    noncompliant: drifted.length,
    failed,
  };
  if (wantsJson(opts.output, global)) {
    const durationMs = Date.now() - started;
    const resources = checked.map(lineOf);
    printJson({ version: 2, command: 'check', totals, calls: tagger.calls, durationMs, resources }, global);
  } else if (opts.output === 'csv') {
    print(csv(['arn', 'tool', 'declared_by', 'outcome', 'differs', 'extra', 'error'], checked.map(csvRowOf)));
  } else if (checked.length > 0) print(table(['ARN', 'DECLARED BY', 'DRIFT'], checked.map(rowOf)));
  process.stderr.write(
    `${totals.noncompliant} of ${totals.total} resources drift from their infrastructure as code` +
      `${failed > 0 ? `, ${failed} could not be read` : ''}.\n`,
  );
  return failed > 0 || drifted.length > 0 ? EXIT.failed : EXIT.ok;
}

/** One resource checked: its declaration (none when it could not be looked up), and its drift or why not. */
interface Checked {
  arn: string;
  resource?: IacResource | undefined;
  drift?: Drift | undefined;
  live?: Tags | undefined;
  error?: UnitagError | undefined;
}

const drifts = (d: Drift) => d.differs.length > 0 || d.extra.length > 0;

/**
 * The resources to check, with their live tags read once. Without ARNs, every resource the Terraform and Pulumi
 * sources declare; with ARNs, those, read first so that CloudFormation can go straight to the stack AWS tagged
 * them with. A lookup that fails fails its ARN alone.
 */
async function checkedOf(tagger: Tagger, source: IacSource, arns: string[]): Promise<Checked[]> {
  const named = [...new Set(arns.length > 0 ? arns : source.resources().map((r) => r.arn))];
  const read = new Map((await tagger.listMany(named)).results.map((r) => [r.arn, r]));
  const against = (arn: string, resource: IacResource): Checked => {
    const result = read.get(arn);
    if (result?.outcome !== 'read' || !result.tags) return { arn, resource, error: result?.error };
    return { arn, resource, live: result.tags, drift: driftOf(resource, result.tags) };
  };
  if (arns.length === 0) return source.resources().map((r) => against(r.arn, r));
  const checked: Checked[] = [];
  for (const arn of named) {
    let declared: IacResource[];
    try {
      declared = await source.lookup(arn, read.get(arn)?.tags);
    } catch (error) {
      checked.push({ arn, error: toUnitagError(error, { arn }) });
      continue;
    }
    if (declared.length === 0)
      process.stderr.write(`unitag: note: ${printable(arn)}: no source declares it\n`);
    checked.push(...declared.map((r) => against(arn, r)));
  }
  return checked;
}

const where = (r: IacResource | undefined) => (r ? `${r.tool} ${r.address ?? r.stack ?? r.urn ?? ''}` : '');
const failure = (c: Checked) => (c.error ? `${c.error.code}: ${c.error.message}` : 'unknown');

function lineOf(c: Checked): object {
  const { resource: r } = c;
  if (!c.drift || !r)
    return { arn: c.arn, outcome: 'failed', ...(c.error ? { error: c.error.toJSON() } : {}) };
  const place = {
    tool: r.tool,
    ...(r.stack ? { stack: r.stack } : {}),
    ...(r.address ? { address: r.address } : {}),
    ...(r.urn ? { urn: r.urn } : {}),
    source: r.source,
  };
  const declared = Object.fromEntries(Object.entries(r.declared).filter(([, v]) => v !== undefined));
  return {
    arn: c.arn,
    outcome: drifts(c.drift) ? 'noncompliant' : 'compliant',
    tags: c.live,
    drift: { ...place, declared, differs: c.drift.differs, extra: c.drift.extra },
  };
}

function rowOf(c: Checked): string[] {
  const { resource: r, drift, live } = c;
  if (!drift || !r) return [c.arn, where(r), `not read: ${printable(failure(c))}`];
  const parts = [
    ...drift.differs.map((k) =>
      live && Object.hasOwn(live, k)
        ? `~${k}: ${live[k]} (declared ${r.declared[k]})`
        : `-${k} (declared ${r.declared[k] ?? 'with a value the source does not hold'})`,
    ),
    ...drift.extra.map((k) => `+${k} (not declared: removed at the next run)`),
  ];
  return [c.arn, where(r), parts.length > 0 ? printable(parts.join(' ')) : 'as declared'];
}

function csvRowOf(c: Checked): string[] {
  const { resource: r, drift } = c;
  const place = [r?.tool ?? '', r ? (r.address ?? r.stack ?? r.urn ?? '') : ''];
  if (!drift) return [c.arn, ...place, 'failed', '', '', failure(c)];
  const outcome = drifts(drift) ? 'noncompliant' : 'compliant';
  return [c.arn, ...place, outcome, drift.differs.join(' '), drift.extra.join(' '), ''];
}
