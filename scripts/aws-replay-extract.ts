// Regenerates the replay suite's cases (test/fixtures/aws-replay/<service>.json) from a git mirror of
// localstack/localstack: the answers AWS gave LocalStack's validated tests, as their snapshot files record them.
//
//   npx tsx scripts/aws-replay-extract.ts <git-dir of a localstack/localstack mirror>
//
// The argument is a git directory (a bare mirror; `<clone>/.git` works too); the files are read at its HEAD with
// `git show`, and the commit is written into every case. Which answers are kept is scripts/aws-replay-selection.ts;
// each must come from a test whose function carries `@markers.aws.validated` (the answer was recorded against
// AWS, not LocalStack), or the script stops. Only recorded answers are copied, as data, with the path and test
// they come from; no LocalStack code is. docs/aws-replay.md says what the suite is and what it leaves out.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  concrete,
  type ReplayAnswer,
  type ReplayCall,
  type ReplayCase,
  type ReplayExpectation,
} from '../test/aws-replay-server.js';
import type { Group } from './aws-replay-group.js';
import { SELECTION } from './aws-replay-selection.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(root, 'test', 'fixtures', 'aws-replay');
const SERVICES = 'tests/aws/services';

/** The operation each adapter calls to list, tag and untag (S3's depend on bucket or object; see below). */
const OPERATIONS: Readonly<Record<string, [string, string, string]>> = {
  lambda: ['ListTags', 'TagResource', 'UntagResource'],
  sqs: ['ListQueueTags', 'TagQueue', 'UntagQueue'],
  kms: ['ListResourceTags', 'TagResource', 'UntagResource'],
  secretsmanager: ['DescribeSecret', 'TagResource', 'UntagResource'],
  kinesis: ['ListTagsForStream', 'AddTagsToStream', 'RemoveTagsFromStream'],
  iam: ['GetRole', 'TagRole', 'UntagRole'],
};
const BY_ARN: [string, string, string] = ['ListTagsForResource', 'TagResource', 'UntagResource'];

/** What an expected error code means, said once for every case that expects it. */
const MEANING: Readonly<Record<string, string>> = {
  ResourceNotFound: 'AWS says the resource does not exist',
  TagLimitExceeded: 'AWS refused the tags as more than the resource may hold',
  InvalidTag: 'AWS refused a tag key or value',
  InvalidArn: 'AWS refused the ARN itself',
  ServiceError: 'AWS refused the request for a reason of its own',
};

/** What unitag sends for a tag or untag call: tags it accepts, so that the request reaches the server. */
const TAGS = { a: '1' };
const KEYS = ['a'];

function main(gitDir: string | undefined): void {
  if (!gitDir) {
    process.stderr.write(
      'usage: npx tsx scripts/aws-replay-extract.ts <git-dir of a localstack/localstack mirror>\n',
    );
    process.exit(2);
  }
  const git = (...args: string[]) =>
    execFileSync('git', [`--git-dir=${gitDir}`, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const commit = git('rev-parse', 'HEAD').trim();
  const files = new Map<string, string>();
  const read = (path: string) =>
    files.get(path) ?? files.set(path, git('show', `HEAD:${path}`)).get(path) ?? '';
  const cases = SELECTION.flatMap((group) => groupCases(group, read, commit));
  const names = new Set<string>();
  for (const { name } of cases) {
    if (names.has(name)) throw new Error(`two cases are named ${name}`);
    names.add(name);
  }
  mkdirSync(OUT, { recursive: true });
  const written: string[] = [];
  for (const service of new Set(cases.map((c) => c.service))) {
    const path = join(OUT, `${service}.json`);
    writeFileSync(
      path,
      `${JSON.stringify(
        cases.filter((c) => c.service === service),
        null,
        2,
      )}\n`,
    );
    written.push(path);
  }
  // The repository's formatter has the last word on JSON layout, so that a rerun changes nothing it did not.
  execFileSync('npx', ['biome', 'format', '--write', ...written], { cwd: root, stdio: 'ignore' });
  process.stdout.write(`${cases.length} cases from localstack/localstack@${commit}:\n`);
  for (const path of written) process.stdout.write(`  ${path}\n`);
}

/** The cases of one test: each kept snapshot key, checked to be there, from a validated test. */
function groupCases(group: Group, read: (path: string) => string, commit: string): ReplayCase[] {
  const py = `${SERVICES}/${group.file}`;
  if (!isValidated(read(py), group.test)) {
    throw new Error(`${py}::${group.test} is not a test marked @markers.aws.validated`);
  }
  const snapshot = JSON.parse(read(py.replace(/\.py$/, '.snapshot.json'))) as Record<string, SnapshotEntry>;
  const entry = snapshot[`${py}::${group.test}`];
  if (!entry) throw new Error(`no snapshot entry ${py}::${group.test}`);
  return Object.entries(group.keys).map(([key, spec]) => {
    if (!Object.hasOwn(entry['recorded-content'], key)) throw new Error(`${py}::${group.test} has no ${key}`);
    const recorded = entry['recorded-content'][key];
    return buildCase(group, key, spec, recorded, {
      source: `${py}::${group.test}`,
      commit,
      on: entry['recorded-date'],
    });
  });
}

interface SnapshotEntry {
  'recorded-date': string;
  'recorded-content': Record<string, unknown>;
}

function buildCase(
  group: Group,
  key: string,
  spec: string,
  recorded: unknown,
  origin: { source: string; commit: string; on: string },
): ReplayCase {
  const [, call, named, code] = /^(list|tag|untag|find)(?::(\w+))?(?:!(\w+))?$/.exec(spec) ?? [];
  if (!call) throw new Error(`${origin.source} ${key}: bad spec ${spec}`);
  const operation = named ?? operationOf(group, call as ReplayCall);
  const { status, answer, notes } = answerOf(group, recorded);
  const setup = setupFor(group, call as ReplayCall, operation);
  const test = origin.source.slice(origin.source.indexOf('::') + 2);
  return {
    name: `${group.service} ${call} ${operation} <- ${test} > ${key.trim()}`,
    service: group.service,
    operation,
    source: origin.source,
    snapshotKey: key,
    recordedOn: origin.on,
    localstackCommit: origin.commit,
    status,
    answer,
    call: call as ReplayCall,
    arn: group.arn,
    ...callArguments(group, call as ReplayCall),
    ...(setup ? { setup } : {}),
    expect: expectation(group, call as ReplayCall, code, answer),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/** What the call passes: the tags to set, the keys to remove, or the tag filter of a `find`. */
function callArguments(group: Group, call: ReplayCall): Pick<ReplayCase, 'tags' | 'keys'> {
  if (call === 'tag') return { tags: TAGS };
  if (call === 'untag') return { keys: KEYS };
  return call === 'find' ? { tags: group.findTags ?? {} } : {};
}

function operationOf(group: Group, call: ReplayCall): string {
  if (call === 'find') return 'GetResources';
  const index = { list: 0, tag: 1, untag: 2 }[call];
  if (group.service === 's3') {
    const kind = group.arn.slice('arn:aws:s3:::'.length).includes('/') ? 'Object' : 'Bucket';
    return `${['Get', 'Put', 'Delete'][index]}${kind}Tagging`;
  }
  return (OPERATIONS[group.service] ?? BY_ARN)[index] as string;
}

/** The recorded answer without botocore's ResponseMetadata, and its status; a member recorded alone is wrapped. */
function answerOf(
  group: Group,
  recorded: unknown,
): Pick<ReplayCase, 'status' | 'answer'> & { notes: string[] } {
  const notes: string[] = [];
  if (group.recordedOperation) {
    notes.push(
      `AWS gave this answer to ${group.recordedOperation}; it is replayed as the tagging call's answer.`,
    );
  }
  if (group.wrap) {
    const member = group.wrap.replace(/\[\]$/, '');
    const value = group.wrap.endsWith('[]') ? [recorded] : recorded;
    const added = group.added ?? {};
    notes.push(
      `The test recorded only ${group.wrap.endsWith('[]') ? `the first entry of ${member}` : member}` +
        (Object.keys(added).length > 0
          ? `; ${Object.keys(added).join(', ')} added as AWS always sends it.`
          : '.') +
        ' The status is not recorded: 200.',
    );
    return { status: 200, answer: { [member]: value, ...added }, notes };
  }
  const { ResponseMetadata, ...answer } = recorded as { ResponseMetadata?: { HTTPStatusCode?: number } };
  const status = ResponseMetadata?.HTTPStatusCode;
  if (typeof status !== 'number')
    throw new Error(`an answer without its status: ${JSON.stringify(recorded)}`);
  return { status, answer, notes };
}

/** S3 reads the whole set before it writes: these made-up reads lead unitag to the recorded write. */
function setupFor(group: Group, call: ReplayCall, operation: string): ReplayAnswer[] | undefined {
  if (group.service !== 's3' || (call !== 'tag' && call !== 'untag')) return undefined;
  const read = operation.replace(/^(Put|Delete)/, 'Get');
  if (call === 'untag')
    return [{ operation: read, status: 200, answer: { TagSet: [{ Key: 'a', Value: '1' }] } }];
  if (read === 'GetObjectTagging') return [{ operation: read, status: 200, answer: { TagSet: [] } }];
  const none = { Code: 'NoSuchTagSet', Message: 'The TagSet does not exist', BucketName: 'bucket-name-1' };
  return [{ operation: read, status: 404, answer: { Error: none } }];
}

function expectation(
  group: Group,
  call: ReplayCall,
  code: string | undefined,
  answer: Record<string, unknown>,
): ReplayExpectation {
  const filled = concrete(answer);
  if (code) {
    const error = (filled.Error ?? {}) as { Code?: string; Message?: string };
    const meaning = group.why ?? MEANING[code] ?? code;
    return { code, why: `${meaning} (${error.Code}: "${error.Message}")` };
  }
  // S3's 404 NoSuchTagSet is how it says a bucket has no tags: the one error a read takes for "none".
  const noTags = (filled.Error as { Code?: string } | undefined)?.Code === 'NoSuchTagSet' && call === 'list';
  if (filled.Error && !noTags) throw new Error(`${group.test}: an error answer without the code it means`);
  if (call === 'tag' || call === 'untag') return { resolves: true };
  if (call === 'find') {
    const found = (filled.ResourceTagMappingList ?? []) as { ResourceARN: string; Tags?: unknown }[];
    return { found: found.map(({ ResourceARN, Tags }) => ({ arn: ResourceARN, tags: tagsOf({ Tags }) })) };
  }
  return { tags: tagsOf(filled) };
}

/** The tags an answer carries, wherever its service puts them, as one plain object. */
function tagsOf(answer: Record<string, unknown>): Record<string, string> {
  if (answer.Error) return {};
  const role = answer.Role as { Tags?: unknown } | undefined;
  const held = role ? role.Tags : (answer.TagSet ?? answer.Tags ?? answer.tags);
  if (held === undefined) return {};
  if (!Array.isArray(held)) return held as Record<string, string>;
  return Object.fromEntries(
    held.map((pair: Record<string, string>) => [
      pair.Key ?? pair.TagKey ?? pair.key,
      pair.Value ?? pair.TagValue ?? pair.value,
    ]),
  );
}

/** True when the test's function (`Class::name` or `name`, any `[param]` aside) is marked @markers.aws.validated. */
function isValidated(py: string, test: string): boolean {
  const bare = test.replace(/\[.*\]$/, '');
  const [owner, name] = bare.includes('::') ? (bare.split('::') as [string, string]) : [undefined, bare];
  const lines = py.split('\n');
  const start = owner === undefined ? 0 : lines.findIndex((l) => new RegExp(`^class ${owner}\\b`).test(l));
  if (start < 0) return false;
  const def = new RegExp(`^(\\s*)(?:async )?def ${name}\\(`);
  const at = lines.findIndex((line, i) => i > start && def.test(line));
  const indent = def.exec(lines[at] ?? '')?.[1]?.length;
  const nextClass = lines.findIndex((line, i) => i > start && /^class /.test(line));
  if (
    at < 0 ||
    indent === undefined ||
    (owner === undefined ? indent !== 0 : nextClass >= 0 && at > nextClass)
  ) {
    return false;
  }
  // The decorators above the def: lines at its indentation that open with @, ) or ], and anything deeper.
  const decorators: string[] = [];
  for (let i = at - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    const depth = line.length - line.trimStart().length;
    if (line.trim() === '' || depth < indent || (depth === indent && !/^[@)\]]/.test(line.trim()))) break;
    decorators.push(line.trim());
  }
  return decorators.includes('@markers.aws.validated');
}

main(process.argv[2]);
