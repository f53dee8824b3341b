// `check` over what a search finds: every resource of the accounts and regions of a run (an accounts file's, each
// account with its own credentials), judged against one policy or each account's effective one, with the tags the
// search read (no second read).
import { isPlainObject, optionsArgument, queryArgument, taggerArgument } from '../core/arguments.js';
import { countCalls } from '../core/clients.js';
import type { UnitagError } from '../core/errors.js';
import type { FindQuery } from '../core/types.js';
import { FIND_OPTIONS } from '../jobs/arguments.js';
import type { FindOptions, FoundResource } from '../jobs/find.js';
import type { FindFailure } from '../jobs/inventory.js';
import type { TagPolicy } from './tag-policy.js';
import { policyArgument } from './tag-policy.js';
import {
  type CheckReport,
  type CheckResult,
  type FromOrganizations,
  judged,
  reportOf,
} from './tag-policy-check.js';
import { requireOrganizationsPackage, type TagPolicyCallOptions } from './tag-policy-organizations.js';

/** What `checkSearch` searches and reads with: a tagger's `find` (and `organizationTagPolicy` for AWS's policies). */
export interface SearchReader {
  find(query?: FindQuery, options?: FindOptions): AsyncIterable<FoundResource>;
  organizationTagPolicy?(account: string, options?: TagPolicyCallOptions): Promise<TagPolicy>;
}

/** Options of `checkSearch`: those of `find` but `onFailure` (a failure is a line of the report). */
export type CheckSearchOptions = Pick<FindOptions, 'signal' | 'onProgress' | 'global'>;

/**
 * Checks every resource a search finds: by default every resource the services list (`{ all: true }`), in every
 * account of the tagger's accounts file, each in its own regions. An account, region or listing that could not be
 * searched, and a resource whose tags could not be read, is a `failed` line with its error (an account's line has
 * the ARN pattern `arn:aws:*:*:ACCOUNT:*`); the others go on. With `{ fromOrganizations: true }`, each resource is
 * checked against its account's effective tag policy, read once per account.
 *
 * @example
 * const tagger = createTagger({ accounts: await parseAccounts(text, 'accounts.yml') });
 * const report = await checkSearch(tagger, parseTagPolicy(policyText));
 */
export async function checkSearch(
  tagger: SearchReader,
  policy: TagPolicy | FromOrganizations,
  query: FindQuery = { all: true },
  options: CheckSearchOptions = {},
): Promise<CheckReport> {
  const started = Date.now();
  const organizations = isPlainObject(policy) && policy.fromOrganizations === true;
  taggerArgument(tagger, 'checkSearch: tagger', organizations ? ['find', 'organizationTagPolicy'] : ['find']);
  const fixed = organizations ? undefined : policyArgument(policy, 'checkSearch: policy');
  const { signal, onProgress, global } =
    optionsArgument<CheckSearchOptions>(options, 'checkSearch: options', FIND_OPTIONS) ?? {};
  queryArgument(query, 'checkSearch: query');
  if (organizations) requireOrganizationsPackage();
  const policies = new Map<string, Promise<TagPolicy | UnitagError>>();
  const policyOf = (account: string): Promise<TagPolicy | UnitagError> => {
    let known = policies.get(account);
    if (!known) {
      const read = tagger.organizationTagPolicy?.(account, { signal });
      known = (read as Promise<TagPolicy>).catch((error: UnitagError) => error);
      policies.set(account, known);
    }
    return known;
  };
  const { value: results, calls } = await countCalls(async () => {
    const lines: CheckResult[] = [];
    const onFailure = (failure: FindFailure) => {
      const { arn, type, account, error } = failure;
      lines.push({ arn, type, outcome: 'failed', findings: [], error, ...(account ? { account } : {}) });
    };
    for await (const found of tagger.find(query, { signal, onProgress, global, onFailure })) {
      const account = found.account ? { account: found.account } : {};
      const against = fixed ?? (found.account ? await policyOf(found.account) : { rules: [] });
      if (against instanceof Error) {
        lines.push({
          arn: found.arn,
          type: found.type,
          outcome: 'failed',
          findings: [],
          error: against,
          ...account,
        });
        continue;
      }
      const read = { arn: found.arn, type: found.type, outcome: 'read' as const, tags: found.tags };
      lines.push({ ...judged(against, read), ...account });
    }
    return lines;
  });
  const report = reportOf(results, calls, Date.now() - started);
  if (!organizations) return report;
  const read = await Promise.all([...policies].map(async ([account, p]) => [account, await p] as const));
  const good = read.filter((entry): entry is readonly [string, TagPolicy] => !(entry[1] instanceof Error));
  return { ...report, policies: Object.fromEntries(good) };
}
