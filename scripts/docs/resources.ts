// docs/reference/resources.md: every resource type unitag tags, from each adapter's catalog (adapters/catalog/)
// and from the adapters themselves: the type describe() gives each example, its rules, its IAM actions, whether
// bulk writes go through the tagging API, what find --missing lists, and which services the tagging API serves.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGS, describesType, type ResourceDescription } from '../../adapters/catalog/index.js';
import { SUPPORTED_SERVICES } from '../../adapters/tagging-api.js';
import { type Adapter, createRegistry, parseArn, type ResourceInfo } from '../../src/index.js';
import { code, generatedNotice, table } from './markdown.js';

/** One catalogued type, with what its adapter says of its example. */
export interface DescribedType {
  adapter: Adapter;
  entry: ResourceDescription;
  info: ResourceInfo;
}

/** Every adapter unitag registers, by name, the tagging-API fallback last. */
export function registeredAdapters(): Adapter[] {
  const registry = createRegistry();
  return [...registry.adapters.values(), registry.fallback];
}

/** Each adapter's catalog entries with what its describe() says of their examples; throws where they disagree. */
export function describedTypes(adapters: Adapter[] = registeredAdapters()): DescribedType[] {
  return adapters.flatMap((adapter) => {
    const catalog = CATALOGS[adapter.name];
    if (!catalog)
      throw new Error(`adapters/catalog/${adapter.name}.ts is missing: every adapter has a catalog`);
    return catalog.map((entry) => {
      const info = adapter.describe(parseArn(entry.example));
      if (!describesType(entry, info.type)) {
        throw new Error(
          `${entry.example}: ${adapter.name} describes it as ${info.type}, its catalog as ${entry.type}`,
        );
      }
      return { adapter, entry, info };
    });
  });
}

const ACCOUNT_CHECK = 'sts:GetCallerIdentity';

/** A list of calls as the page writes it: steps in order. */
function steps(calls: readonly string[]): string {
  return calls.join(', then ');
}

/** Which API serves the type: its own, with or without the tagging API for bulk writes, or the tagging API. */
function route({ adapter, info }: DescribedType): string {
  if (adapter.name === 'tagging-api') return 'Resource Groups Tagging API';
  const own = adapter.optionalPackage
    ? `own API (with ${code(adapter.optionalPackage.name)}; without it, the tagging API)`
    : 'own API';
  return info.taggingApi ? `${own}; bulk writes: the tagging API first` : own;
}

function keys(info: ResourceInfo): string {
  return info.rules.caseInsensitiveKeys ? 'case-insensitive' : 'case-sensitive';
}

function summary(types: DescribedType[]): string {
  return table(
    ['type', 'ARN', 'tag', 'untag', 'list', 'max tags', 'keys', 'API'],
    types.map((t) => [
      code(t.entry.type),
      code(t.entry.arn),
      steps(t.entry.calls.tag),
      steps(t.entry.calls.untag),
      steps(t.entry.calls.list),
      String(t.info.rules.maxTags),
      keys(t.info),
      route(t),
    ]),
  );
}

/** The IAM actions of each operation, as the adapter's permissions() names them; the account check apart. */
function actions(adapter: Adapter, entry: ResourceDescription): string | undefined {
  const permissions = adapter.permissions?.(parseArn(entry.example), {});
  if (!permissions) return undefined;
  const of = (list: string[]) =>
    list
      .filter((a) => a !== ACCOUNT_CHECK)
      .map(code)
      .join(', ');
  return `tag ${of(permissions.tag)}; untag ${of(permissions.untag)}; list ${of(permissions.list)}`;
}

function checksAccount(adapter: Adapter, entry: ResourceDescription): boolean {
  const permissions = adapter.permissions?.(parseArn(entry.example), {});
  return permissions?.list.includes(ACCOUNT_CHECK) ?? false;
}

/** The bullet list of one type's facts. */
function typeFacts(t: DescribedType): string[] {
  const { adapter, entry, info } = t;
  const rules = info.rules;
  const chars =
    rules.charset === null ? 'any character' : `characters matching ${code(rules.charset.source)}`;
  const facts = [
    `- **ARN:** ${code(entry.arn)}, e.g. ${code(entry.example)}`,
    `- **Calls:** tag: ${steps(entry.calls.tag)}; untag: ${steps(entry.calls.untag)}; list: ${steps(entry.calls.list)}. The requests name the resource by ${entry.identifier}.`,
  ];
  const iam = actions(adapter, entry);
  if (iam) facts.push(`- **IAM actions:** ${iam}.`);
  if (checksAccount(adapter, entry)) {
    facts.push(
      `- **Account:** the requests do not carry it, so unitag checks with STS GetCallerIdentity (${code(ACCOUNT_CHECK)}, once per credentials) that the credentials act in the ARN's account before the first call.`,
    );
  }
  facts.push(
    `- **Tags:** at most ${rules.maxTags} user tags (\`aws:\` tags do not count); keys ${keys(info)}; ${chars}${info.replacesWholeSet ? '; every write replaces the whole set, so unitag reads, merges and writes it back' : ''}.`,
    `- **API:** ${route(t)}${info.taggingApi && adapter.name !== 'tagging-api' ? ' (unless `--no-tagging-api`)' : ''}.`,
    `- **\`find --missing\` / \`--untagged\`:** ${adapter.inventory?.types.includes(entry.type) ? `listed with the service's own calls${adapter.inventory.global ? ', once for the account (not per region)' : ', per region'}` : 'not listed (the tagging API returns only resources that were tagged once)'}.`,
  );
  if (entry.notes) facts.push(`- **Notes:** ${entry.notes}`);
  if (entry.mockedOnly) facts.push(`- **Only mocked-SDK tests cover:** ${entry.mockedOnly}`);
  return facts;
}

/** One adapter's section: where it lives, its client, its batches, then each type. */
function adapterSection(root: string, adapter: Adapter, types: DescribedType[]): string {
  const lines = [`## ${code(adapter.name)}`, ''];
  const about = [`The adapter: ${code(`adapters/${adapter.name}.ts`)}.`];
  if (existsSync(join(root, 'docs', 'adapters', `${adapter.name}.md`))) {
    about.push(
      `Its calls, limits, quirks and AWS's references: [docs/adapters/${adapter.name}.md](../adapters/${adapter.name}.md).`,
    );
  }
  if (adapter.optionalPackage) {
    about.push(
      `Its SDK client, ${code(adapter.optionalPackage.name)}, is an optional peer dependency: install it to use this API; without it the Resource Groups Tagging API serves these types, and unitag says once which package would give the native path.`,
    );
  }
  if (adapter.batchSize) about.push(`Bulk writes send up to ${adapter.batchSize} resources a call.`);
  if (adapter.listBatchSize)
    about.push(`Bulk reads ask for up to ${adapter.listBatchSize} resources a call.`);
  lines.push(about.join(' '), '');
  for (const t of types) lines.push(`### ${code(t.entry.type)}`, '', ...typeFacts(t), '');
  return lines.join('\n');
}

function mockedOnly(types: DescribedType[]): string {
  const rows = types
    .filter((t) => t.entry.mockedOnly)
    .map((t) => [code(t.entry.type), t.entry.mockedOnly ?? '']);
  return [
    '## What only mocked-SDK unit tests cover',
    '',
    'The integration and CLI tests run on LocalStack. Where LocalStack does not behave as AWS does, unit tests mock the SDK (aws-sdk-client-mock, or an in-memory fake of the service) and assert the exact calls made. Answers that are not what an API defines (an empty 200, a body cut short, a foreign document, a dropped connection) come from a local HTTP server standing in for every service (`test/fake-aws.ts`), with the real SDK clients, for every type; so do, for `find --missing`/`--untagged`, paging over several pages of every list call, a malformed page and a region that refuses while the next is listed ([docs/find-untagged.md](../find-untagged.md)). By type:',
    '',
    table(['type', 'covered by mocked-SDK tests only'], rows),
  ].join('\n');
}

function taggingApiServices(adapters: Adapter[]): string {
  const own = new Map(adapters.map((a) => [a.name, a]));
  const alone = [...SUPPORTED_SERVICES].filter((s) => !own.has(s)).sort();
  const standIn = [...SUPPORTED_SERVICES].filter((s) => own.get(s)?.optionalPackage).sort();
  return [
    '## Services the Resource Groups Tagging API serves',
    '',
    `ARNs of these services, which have no adapter of their own, go to the tagging API (\`adapters/tagging-api.ts\`): ${alone.map(code).join(', ')}.`,
    '',
    `It also serves ${standIn.map(code).join(', ')} where their adapter's optional SDK client is not installed. An ARN of any other service without an adapter is \`UnsupportedResource\`, before any call.`,
  ].join('\n');
}

/** The page, before Biome formats it. */
export function renderResources(root: string): string {
  const adapters = registeredAdapters();
  const types = describedTypes(adapters);
  const sections = adapters.map((adapter) =>
    adapterSection(
      root,
      adapter,
      types.filter((t) => t.adapter === adapter),
    ),
  );
  return [
    generatedNotice("each adapter's catalog (`adapters/catalog/*.ts`) and the adapters' own code"),
    '',
    '# Supported resources',
    '',
    "unitag takes an ARN, and its service field picks the adapter that tags it; a service without an adapter of its own goes to the Resource Groups Tagging API where that API tags it. Every limit below is checked before any AWS call. The type is the one unitag's reports and `find --type` use. Characters are given as the pattern unitag checks keys and values against (`\\p{L}` letters, `\\p{Z}` spaces, `\\p{N}` digits). Rules common to every type (key 1-128 characters, value 0-256, no `aws:` keys) are in [docs/aws-facts.md](../aws-facts.md).",
    '',
    summary(types),
    '',
    ...sections,
    mockedOnly(types),
    '',
    taggingApiServices(adapters),
    '',
  ].join('\n');
}
