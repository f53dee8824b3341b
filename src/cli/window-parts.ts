// A window's changes in parts, one per account, each planned and written on its own: an account's writes start as
// soon as its own reads are done, not when the slowest account's are (each account has its own rates, so one
// account's reads never wait for another's). The parts' plans and results are put back in the window's order.
import type { Plan } from '../jobs/plan.js';
import { type Change, sourceArn } from '../jobs/plan-change.js';
import { lineKey, type WriteResult } from '../jobs/report.js';

/**
 * The changes by the account their ARN names, each part in file order; all of them as one part when a change
 * copies from a resource of another account (its read and its write then stay in one plan).
 */
export function accountParts(changes: Change[]): Change[][] {
  const parts = new Map<string, Change[]>();
  for (const change of changes) {
    const account = accountOf(change.arn);
    const source = sourceArn(change);
    if (source !== undefined && accountOf(source) !== account) return [changes];
    const part = parts.get(account);
    if (part) part.push(change);
    else parts.set(account, [change]);
  }
  return [...parts.values()];
}

/** The account field of an ARN (its fifth), or '' when it has none (S3) or the text is no ARN. */
export function accountOf(arn: string): string {
  let at = -1;
  for (let field = 0; field < 4; field++) {
    at = arn.indexOf(':', at + 1);
    if (at === -1) return '';
  }
  const end = arn.indexOf(':', at + 1);
  return end === -1 ? '' : arn.slice(at + 1, end);
}

/** A part's plan, and its write results (none for a plan only). */
export interface PartOut {
  plan: Plan;
  results?: WriteResult[] | undefined;
}

/**
 * The window's plan and results from its parts': entries and results in the order of the window's changes (as one
 * plan of them all would list them), totals and calls summed.
 */
export function mergeParts(parts: PartOut[], changes: Change[]): PartOut {
  if (parts.length === 1) return parts[0] as PartOut;
  const order = new Map<string, number>();
  changes.forEach((change, i) => {
    const key = lineKey(change);
    if (!order.has(key)) order.set(key, i);
  });
  const rank = (line: { arn: string; versionId?: string | undefined }) =>
    order.get(lineKey(line)) ?? Number.MAX_SAFE_INTEGER;
  // Each line's rank worked out once, not at every comparison (a stable sort keeps a resource's lines in order).
  const inOrder = <T extends { arn: string; versionId?: string | undefined }>(lines: T[]) =>
    lines
      .map((line) => ({ line, at: rank(line) }))
      .sort((a, b) => a.at - b.at)
      .map(({ line }) => line);
  const totals: Plan['totals'] = { total: 0, change: 0, noop: 0, failed: 0, conflicts: 0 };
  for (const { plan } of parts) {
    for (const [name, n] of Object.entries(plan.totals) as [keyof Plan['totals'], number][])
      totals[name] = (totals[name] ?? 0) + n;
  }
  const plan: Plan = {
    entries: inOrder(parts.flatMap((p) => p.plan.entries)),
    totals,
    calls: parts.reduce((sum, p) => sum + p.plan.calls, 0),
    durationMs: Math.max(...parts.map((p) => p.plan.durationMs ?? 0)),
  };
  const written = parts.some((p) => p.results !== undefined);
  return { plan, results: written ? inOrder(parts.flatMap((p) => p.results ?? [])) : undefined };
}
