// What a plan starts from: each target and copy source resolved once (one change checked as a job line is), and
// their current tags read in bulk (or taken as given), by entry.
import pLimit from 'p-limit';
import type { Engine } from '../core/engine.js';
import type { UnitagError } from '../core/errors.js';
import type { TaggingApiPolicy } from '../core/tagging-api-policy.js';
import type { Tags, Target } from '../core/types.js';
import type { BulkSettings } from './bulk.js';
import { listMany } from './bulk-read.js';
import { type Change, checkChange, sourceArn } from './plan-change.js';
import type { ReadResult } from './report.js';

/** What a plan read: tags or an error, per ARN (and version: see `entryKey`). */
export type Current = Map<string, { tags?: Tags | undefined; error?: UnitagError | undefined }>;

/** Resolves every target and copy source once, by ARN: its target, or why it cannot be read. */
export function resolveAll(engine: Engine, changes: Change[]): Map<string, Target | UnitagError> {
  const targets = new Map<string, Target | UnitagError>();
  const add = (arn: string | undefined) => {
    if (arn !== undefined && !targets.has(arn)) targets.set(arn, resolved(engine, arn));
  };
  for (const change of changes) {
    add(change.arn);
    add(sourceArn(change));
  }
  return targets;
}

/** What a plan reads: resources whose tags are given are not read, as targets (without a version) or sources. */
export function toRead(valid: Change[], given: ReadonlyMap<string, Tags> | undefined): Change[] {
  if (!given || given.size === 0) return valid;
  const isGiven = (arn: string | undefined) => arn !== undefined && given.has(arn);
  return valid
    .map((c) => (isGiven(sourceArn(c)) ? { ...c, copyFrom: undefined } : c))
    .filter((c) => c.versionId !== undefined || !isGiven(c.arn) || c.copyFrom !== undefined);
}

/**
 * One entry per ARN and version. NUL separates them: no ARN holds it, while an S3 object key may hold `?`, so
 * `b/k` at version V never shares an entry with the object `b/k?V`.
 */
export function entryKey(arn: string, versionId: string | undefined): string {
  return versionId ? `${arn}\u0000${versionId}` : arn;
}

/**
 * The current tags of every target and copy source, batched through `listMany`; versioned S3 objects are read
 * with their version, under the same concurrency. Keyed by `entryKey`.
 */
export async function readCurrent(
  engine: Engine,
  policy: TaggingApiPolicy,
  changes: Change[],
  targets: Map<string, Target | UnitagError>,
  settings: BulkSettings,
  {
    signal,
    onRead,
  }: {
    signal?: AbortSignal | undefined;
    onRead?: ((read: { arn: string; outcome: ReadResult['outcome'] }) => void) | undefined;
  },
): Promise<Current> {
  const current: Current = new Map();
  const plain = new Set(changes.filter((c) => !c.versionId).map((c) => c.arn));
  for (const c of changes) if (sourceArn(c) !== undefined) plain.add(sourceArn(c) as string);
  const inputs = [...plain].map((arn) => {
    const target = targets.get(arn) as Target | UnitagError;
    return target instanceof Error
      ? { result: { arn, outcome: 'failed' as const, error: target } }
      : { target };
  });
  const onProgress = onRead && (({ result }: { result: ReadResult }) => onRead(result));
  for (const r of (await listMany(engine, policy, inputs, settings, { signal, onProgress })).results)
    current.set(r.arn, r);
  const limit = pLimit(settings.concurrency);
  await Promise.all(
    changes
      .filter((c) => c.versionId)
      .map((c) =>
        limit(async () => {
          const id = entryKey(c.arn, c.versionId);
          const target = targets.get(c.arn) as Target | UnitagError;
          if (target instanceof Error) return void current.set(id, { error: target });
          try {
            current.set(id, { tags: await engine.read(target, { versionId: c.versionId, signal }) });
            onRead?.({ arn: c.arn, outcome: 'read' });
          } catch (error) {
            current.set(id, { error: error as UnitagError });
            onRead?.({ arn: c.arn, outcome: 'failed' });
          }
        }),
      ),
  );
  return current;
}

/**
 * What is wrong with one change, with no AWS call (its ARN, its source's, its keys and values); or undefined. A
 * job's every line is checked this way, resolving its ARNs as it goes.
 */
export function checkOne(engine: Engine, change: Change): UnitagError | undefined {
  return problemOf(engine, change, (arn) => resolved(engine, arn));
}

/**
 * What is wrong with one change, its ARNs resolved by `targetOf`: its ARN, then its copy source's, then its keys
 * and values against its resource's rules. The plan checks each change this way, and so does `checkOne`.
 */
export function problemOf(
  engine: Engine,
  change: Change,
  targetOf: (arn: string) => Target | UnitagError,
): UnitagError | undefined {
  const target = targetOf(change.arn);
  if (target instanceof Error) return target;
  const source = sourceArn(change);
  const sourceTarget = source === undefined ? undefined : targetOf(source);
  if (sourceTarget instanceof Error) return sourceTarget;
  try {
    checkChange(change, target.info.rules);
    return undefined;
  } catch (error) {
    return engine.fail(error, target);
  }
}

function resolved(engine: Engine, arn: string): Target | UnitagError {
  try {
    return engine.resolve(arn);
  } catch (error) {
    return engine.fail(error, { arn });
  }
}
