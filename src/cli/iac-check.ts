// `unitag check --iac`: where resources' live tags drift from what their infrastructure-as-code declares, both
// ways, as a table or the JSON envelope, and the job that sets the declared values back (`--fix`).
import type { Tags } from '../core/types.js';
import { type Drift, driftOf } from '../iac/drift.js';
import type { IacSource } from '../iac/sources.js';
import type { IacResource } from '../iac/types.js';
import type { Change } from '../jobs/plan-change.js';
import type { Tagger } from '../tagger.js';
import { EXIT, type GlobalOptions, makeTagger, print, readArns, UsageError } from './common.js';
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
  const bad = arns.flatMap((arn) => {
    const error = tagger.check({ arn });
    return error ? [`${arn}: ${error.code}: ${error.message}`] : [];
  });
  for (const line of bad) process.stderr.write(`unitag: ${printable(line)}\n`);
  if (bad.length > 0) return EXIT.usage;
  const source = (await iacSourceOf(global, opts)) as IacSource;
  return checkDrift(
    tagger,
    global,
    source,
    arns,
    opts.output,
    writeFix as ((changes: object[]) => void) | undefined,
  );
}

/** One resource checked: its declaration, and its live tags' drift (or why they could not be read). */
interface Checked {
  resource: IacResource;
  drift?: Drift | undefined;
  live?: Tags | undefined;
  error?: { code: string; message: string; toJSON(): object } | undefined;
}

/**
 * Reads the live tags of the resources the sources declare (or of `arns`, looked up), compares them, prints,
 * writes the fix; the exit code: 0 no drift, 1 drift or resources that could not be read.
 */
async function checkDrift(
  tagger: Tagger,
  global: GlobalOptions,
  source: IacSource,
  arns: string[],
  output: string,
  writeFix: ((changes: object[]) => void) | undefined,
): Promise<number> {
  const started = Date.now();
  const resources = arns.length > 0 ? await looked(source, arns) : source.resources();
  const read = await tagger.listMany([...new Set(resources.map((r) => r.arn))]);
  const byArn = new Map(read.results.map((r) => [r.arn, r]));
  const checked: Checked[] = resources.map((resource) => {
    const result = byArn.get(resource.arn);
    if (result?.outcome !== 'read' || !result.tags) return { resource, error: result?.error };
    return { resource, live: result.tags, drift: driftOf(resource, result.tags) };
  });
  const drifted = checked.filter((c) => c.drift && (c.drift.differs.length > 0 || c.drift.extra.length > 0));
  writeFix?.(
    drifted
      .filter((c) => c.drift && c.drift.differs.length > 0)
      .map((c) => ({ arn: c.resource.arn, set: c.drift?.restore })),
  );
  const failed = checked.filter((c) => !c.drift).length;
  const totals = {
    total: checked.length,
    compliant: checked.length - drifted.length - failed,
    noncompliant: drifted.length,
    failed,
  };
  if (wantsJson(output, global)) {
    printJson(
      {
        version: 2,
        command: 'check',
        totals,
        calls: tagger.calls,
        durationMs: Date.now() - started,
        resources: checked.map(lineOf),
      },
      global,
    );
  } else if (output === 'csv') {
    print(csv(['arn', 'tool', 'declared_by', 'outcome', 'differs', 'extra', 'error'], checked.map(csvRowOf)));
  } else if (checked.length > 0) print(table(['ARN', 'DECLARED BY', 'DRIFT'], checked.map(rowOf)));
  process.stderr.write(
    `${totals.noncompliant} of ${totals.total} resources drift from their infrastructure as code` +
      `${failed > 0 ? `, ${failed} could not be read` : ''}.\n`,
  );
  return failed > 0 || drifted.length > 0 ? EXIT.failed : EXIT.ok;
}

// The declarations of the ARNs given: one each found by the sources, an ARN no source declares left out (said).
async function looked(source: IacSource, arns: string[]): Promise<IacResource[]> {
  const found: IacResource[] = [];
  for (const arn of arns) {
    const declared = await source.lookup(arn);
    if (declared.length === 0)
      process.stderr.write(`unitag: note: ${printable(arn)}: no source declares it\n`);
    found.push(...declared);
  }
  return found;
}

const where = (r: IacResource) => r.address ?? r.stack ?? r.urn ?? '';

function lineOf(c: Checked): object {
  const { resource: r } = c;
  const place = {
    tool: r.tool,
    ...(r.stack ? { stack: r.stack } : {}),
    ...(r.address ? { address: r.address } : {}),
    ...(r.urn ? { urn: r.urn } : {}),
    source: r.source,
  };
  if (!c.drift) return { arn: r.arn, outcome: 'failed', ...(c.error ? { error: c.error.toJSON() } : {}) };
  const drifted = c.drift.differs.length > 0 || c.drift.extra.length > 0;
  const declared = Object.fromEntries(Object.entries(r.declared).filter(([, v]) => v !== undefined));
  return {
    arn: r.arn,
    outcome: drifted ? 'noncompliant' : 'compliant',
    tags: c.live,
    drift: { ...place, declared, differs: c.drift.differs, extra: c.drift.extra },
  };
}

function rowOf(c: Checked): string[] {
  const { resource: r } = c;
  const by = `${r.tool} ${where(r)}`;
  if (!c.drift)
    return [r.arn, by, `not read: ${c.error?.code ?? 'unknown'}: ${printable(c.error?.message ?? '')}`];
  const parts = [
    ...c.drift.differs.map((k) =>
      c.live && Object.hasOwn(c.live, k)
        ? `~${k}: ${c.live[k]} (declared ${r.declared[k]})`
        : `-${k} (declared ${r.declared[k] ?? 'with a value the source does not hold'})`,
    ),
    ...c.drift.extra.map((k) => `+${k} (not declared: removed at the next run)`),
  ];
  return [r.arn, by, parts.length > 0 ? printable(parts.join(' ')) : 'as declared'];
}

function csvRowOf(c: Checked): string[] {
  const { resource: r, drift } = c;
  if (!drift)
    return [r.arn, r.tool, where(r), 'failed', '', '', c.error ? `${c.error.code}: ${c.error.message}` : ''];
  const drifted = drift.differs.length > 0 || drift.extra.length > 0;
  const outcome = drifted ? 'noncompliant' : 'compliant';
  return [r.arn, r.tool, where(r), outcome, drift.differs.join(' '), drift.extra.join(' '), ''];
}
