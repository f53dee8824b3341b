// What the CLI's commands share: global options, the tagger they make, input (ARNs, tags, standard input),
// output (standard output for results, standard error for the rest), progress and exit codes.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Commander from 'commander';
import type { ClientOptions, UnansweredRequest } from '../core/clients.js';
import type { UnitagError } from '../core/errors.js';
import type { Progress } from '../jobs/bulk.js';
import type { Tagger } from '../tagger.js';
import { compile } from './jmespath.js';

// This module is loaded whenever the CLI starts, `--help` included: it imports only what the options need to
// be declared and parsed (jmespath.js loads jmespath on the first expression, not here). What only running a
// command needs (the tagger, tags, credentials, the progress bar) is imported where it is used.

/**
 * commander, required as the CommonJS package it is: through Node's ESM wrapper it takes a few milliseconds
 * more at every start, and most of what `unitag --help` costs is loading commander.
 */
export const { Command, CommanderError, Option } = createRequire(import.meta.url)(
  'commander',
) as typeof Commander;
export type Command = Commander.Command;
export type Option = Commander.Option;

/** The longest timer Node keeps: clients.ts's MAX_TIMEOUT_MS (the type says they agree), without loading it. */
const MAX_TIMEOUT_MS: typeof import('../core/clients.js').MAX_TIMEOUT_MS = 2_147_483_647;

import { sdkPackage } from '../core/sdk-package.js';
import { type AccountOptions, accountsOf } from './account-options.js';
import { loopbackRates } from './rate-options.js';

export { maxRate } from './rate-options.js';

import { UsageError } from './usage-error.js';

/** Exit codes, as documented in docs/reference/cli.md (src/cli/help.ts). */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export { UsageError } from './usage-error.js';

/** The options every command takes. */
export interface GlobalOptions extends AccountOptions {
  /** plan and apply: `--on-conflict` (the command's own option, read through optsWithGlobals). */
  onConflict?: 'fail' | 'overwrite' | 'keep';
  region?: string;
  profile?: string;
  endpointUrl?: string;
  concurrency: number;
  taggingApi: boolean;
  progress: boolean;
  /** Seconds; 0 waits forever. */
  connectTimeout: number;
  /** Seconds; 0 waits forever. */
  readTimeout: number;
  /** A JMESPath expression applied to the JSON output. */
  query?: string;
  /** `--max-rate`: rates by family or service (`Infinity` lifts one), or false for none at all. */
  maxRate?: Record<string, number> | false;
  /** `--retry-for`: seconds a throttled or transient failure is retried for. */
  retryFor: number;
}

/**
 * A tagger from the global options, once credentials are known to load (see `requireCredentials`). `--profile`
 * goes to the SDK's configuration, not to the environment.
 */
export async function makeTagger(global: GlobalOptions): Promise<Tagger> {
  await requireCredentials(global);
  const { createTagger } = await import('../tagger.js');
  return createTagger({
    region: global.region,
    endpoint: global.endpointUrl,
    concurrency: global.concurrency,
    preferTaggingApi: global.taggingApi,
    clientConfig: global.profile ? { profile: global.profile } : undefined,
    connectTimeout: global.connectTimeout * 1000,
    readTimeout: global.readTimeout * 1000,
    maxRates: global.maxRate ?? loopbackRates(global.endpointUrl ?? process.env.AWS_ENDPOINT_URL),
    retryFor: global.retryFor * 1000,
    roleName: global.roleName,
    externalId: global.externalId,
    roleSessionName: global.roleSessionName,
    roleDuration: global.roleDuration,
    accounts: await accountsOf(global),
    onConflict: global.onConflict,
    onNotice,
    onUnanswered: unansweredNotices(onNotice),
  });
}

/**
 * The SDK clients' configuration from the global options, as the tagger's (its endpoint, timeouts, and roles per
 * account): for the clients a command makes beside the tagger's (AWS Organizations, CloudFormation).
 */
export function clientOptions(global: GlobalOptions): ClientOptions {
  return {
    region: global.region,
    endpoint: global.endpointUrl,
    clientConfig: global.profile ? { profile: global.profile } : undefined,
    connectTimeout: global.connectTimeout * 1000,
    readTimeout: global.readTimeout * 1000,
    roleName: global.roleName,
    externalId: global.externalId,
    roleSessionName: global.roleSessionName,
    roleDuration: global.roleDuration,
    onUnanswered: unansweredNotices(onNotice),
  };
}

/** A tagger's notices (an optional SDK client missing), on standard error. */
export function onNotice(message: string): void {
  process.stderr.write(`unitag: note: ${message}\n`);
}

/** The shortest time between two notes of requests that got no answer: one a request would flood a bulk run. */
export const UNANSWERED_NOTE_EVERY_MS = 10_000;

/**
 * Says that a request got no answer and is sent again, at most once every {@link UNANSWERED_NOTE_EVERY_MS}
 * (with how many more did since the last note): each such wait can last a whole read timeout, and is not to be
 * a silent one. The last attempt of a request is not noted: its error says the rest.
 */
export function unansweredNotices(
  say: (message: string) => void,
  now: () => number = Date.now,
): (request: UnansweredRequest) => void {
  let last = Number.NEGATIVE_INFINITY;
  let since = 0;
  return ({ detail, option, attempt, maxAttempts }) => {
    if (attempt >= maxAttempts) return;
    if (now() - last < UNANSWERED_NOTE_EVERY_MS) {
      since++;
      return;
    }
    const more = since > 0 ? ` (and ${since} more since the last note)` : '';
    const raise = option ? `; raise ${option} if the endpoint is slow rather than down` : '';
    say(`${detail}${more}; trying again, up to ${maxAttempts} attempts a request${raise}`);
    last = now();
    since = 0;
  };
}

/**
 * Stops the command before any AWS call when no credentials can be loaded: that would fail every resource the
 * same way. Resolves them as the SDK's clients will (the same chain, the same profile).
 */
export async function requireCredentials(global: GlobalOptions): Promise<void> {
  const { defaultProvider } = await sdkPackage<typeof import('@aws-sdk/credential-provider-node')>(
    '@aws-sdk/credential-provider-node',
  );
  try {
    await defaultProvider(global.profile ? { profile: global.profile } : {})();
  } catch (error) {
    const profile = global.profile ?? process.env.AWS_PROFILE;
    const named = profile ? ` for the profile "${profile}"` : '';
    throw new UsageError(
      `CredentialsError: no credentials could be loaded${named}: ${(error as Error).message} ` +
        '(configure --profile or AWS_PROFILE naming a profile that exists, AWS_ACCESS_KEY_ID and ' +
        'AWS_SECRET_ACCESS_KEY, or an SSO login)',
    );
  }
}

/** `--endpoint-url`: an http or https URL. */
export function endpointUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `--endpoint-url "${value}" is not a URL; write it as http://host:port or https://host`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--endpoint-url "${value}" must be an http:// or https:// URL`);
  }
  return value;
}

/** `--region`: a region name as AWS writes them (us-east-1, eu-central-2, us-gov-west-1, ...). */
export function regionName(value: string, option = '--region'): string {
  if (!/^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/.test(value)) {
    throw new UsageError(`${option} "${value}" is not a region name (such as us-east-1)`);
  }
  return value;
}

/** `--query`: a JMESPath expression, checked before anything runs. */
export function jmesPath(value: string): string {
  try {
    compile(value);
  } catch (error) {
    throw new UsageError(`--query "${value}" is not a JMESPath expression: ${(error as Error).message}`);
  }
  return value;
}

/** A number of seconds for `flag`, from 0 (which means `zero`) to what a timer can hold. */
export function secondsFor(flag: string, zero: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\s*\d+(\.\d+)?\s*$/.test(value) || n * 1000 > MAX_TIMEOUT_MS) {
      throw new UsageError(
        `${flag} takes a number of seconds from 0 (${zero}) to ${Math.floor(MAX_TIMEOUT_MS / 1000)}: not "${value}"`,
      );
    }
    return n;
  };
}

/** A timeout in seconds: a number of 0 or more (0 waits forever). */
export const seconds = secondsFor('a timeout', 'waits forever');

/** `-o, --output` with the given formats. */
export function outputOption(
  formats: string[] = ['table', 'json', 'csv'],
  fallback = 'table',
  description = 'output format',
): Option {
  return new Option('-o, --output <format>', description).choices(formats).default(fallback);
}

/** The ARN sources of tag, untag and list: arguments, `-` for standard input, `--file`. */
export function arnSources(command: Command): Command {
  return command
    .argument('[arns...]', 'ARNs; - reads them from standard input, one per line')
    .option('-f, --file <path>', 'read ARNs from a file, one per line');
}

/** The job source of plan and apply: a file, or `-` with `--format`. */
export function jobSource(command: Command): Command {
  return command
    .argument('<file>', 'job file (.json, .ndjson, .csv), or - for standard input with --format')
    .addOption(
      new Option('--format <format>', 'job format when the name does not say').choices([
        'json',
        'ndjson',
        'csv',
      ]),
    );
}

/** Why each ARN cannot be checked (not an ARN, a type unitag does not tag), found with no AWS call. */
export function badArns(tagger: Tagger, arns: string[]): string[] {
  return arns.flatMap((arn) => {
    const error = tagger.check({ arn });
    return error ? [`${arn}: ${error.code}: ${error.message}`] : [];
  });
}

/** The ARNs named by arguments (`-`: standard input) and `--file`; none is bad usage. */
export async function readArns(args: string[], file: string | undefined): Promise<string[]> {
  const arns: string[] = [];
  for (const arg of args) arns.push(...(arg === '-' ? lines(await readStdin()) : [arg]));
  if (file) arns.push(...lines(file === '-' ? await readStdin() : readText(file)));
  if (arns.length === 0)
    throw new UsageError('no ARNs: give them as arguments, with --file FILE, or with - on standard input');
  return arns;
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** A file's text; one that cannot be read is bad usage. */
export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

/** Checks that a file can be read (before any call), as a usage error when it cannot. */
export function readable(path: string): void {
  try {
    accessSync(path, constants.R_OK);
    if (statSync(path).isDirectory()) throw new Error('it is a directory');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

let stdin: Promise<string> | undefined;
/** Standard input, read once however often it is asked for. */
export function readStdin(): Promise<string> {
  stdin ??= (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  })();
  return stdin;
}

/** `--tag key=value` options as tags (prototype-free: `--tag constructor=x` is a key like any other). */
export async function parseTags(pairs: string[]): Promise<Record<string, string>> {
  if (pairs.length === 0) throw new UsageError('give at least one --tag key=value');
  const { hasTag, newTags } = await import('../core/shapes.js');
  const tags = newTags();
  for (const pair of pairs) {
    const [key, value] = splitTag(pair, false);
    if (hasTag(tags, key)) throw new UsageError(`--tag ${key} is given twice`);
    tags[key] = value ?? '';
  }
  return tags;
}

/** `key=value` (or `key` alone where the value is optional) split at the first `=`. */
export function splitTag(pair: string, valueOptional: boolean): [string, string | undefined] {
  const at = pair.indexOf('=');
  if (at === -1 && !valueOptional)
    throw new UsageError(`--tag "${pair}" must be key=value (key= for an empty value)`);
  const key = at === -1 ? pair : pair.slice(0, at);
  if (key === '') throw new UsageError(`--tag "${pair}" has an empty key`);
  return [key, at === -1 ? undefined : pair.slice(at + 1)];
}

/** Commander's collector for repeatable options. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--concurrency`: a whole number of 1 or more. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--concurrency must be a whole number of 1 or more`);
  return n;
}

/** Prints a result to standard output. */
export function print(text: string): void {
  if (text !== '') process.stdout.write(`${text}\n`);
}

// Input mistakes found before any AWS call are bad input (exit 2); anything AWS said is a failure (exit 1).
const INPUT_CODES = new Set([
  'InvalidArn',
  'InvalidPolicy',
  'InvalidTag',
  'ReservedKey',
  'TagLimitExceeded',
  'UnsupportedResource',
]);

// Configuration that cannot work fails every resource the same way: bad usage too.
const CONFIGURATION_CODES = new Set(['ConfigurationError', 'CredentialsError']);

/** True for an error in the input or the configuration, found before AWS answered anything. */
export function isInputError(error: UnitagError | undefined): boolean {
  if (error === undefined) return false;
  return CONFIGURATION_CODES.has(error.code) || (INPUT_CODES.has(error.code) && error.cause === undefined);
}

/** The exit code of a run's lines: 2 for bad input, 1 for other failures, 0 when none failed. */
export function exitCodeOf(results: { outcome: string; error?: UnitagError | undefined }[]): number {
  const failed = results.filter((r) => r.outcome === 'failed');
  if (failed.some((r) => isInputError(r.error))) return EXIT.usage;
  return failed.length > 0 ? EXIT.failed : EXIT.ok;
}

/** Runs `run` with a progress bar on standard error, when it is a terminal and progress is wanted. */
export async function withProgress<T>(
  global: GlobalOptions,
  total: number,
  run: (onProgress: (p: Progress) => void) => Promise<T>,
): Promise<T> {
  if (!global.progress || !process.stderr.isTTY || total === 0) return run(() => {});
  const { default: progress } = await import('cli-progress');
  const bar = new progress.SingleBar(
    {
      stream: process.stderr,
      format:
        ' {bar} {value}/{total} | changed {changed} unchanged {unchanged} failed {failed} | {duration_formatted}',
      hideCursor: true,
      clearOnComplete: true,
    },
    progress.Presets.shades_classic,
  );
  const counts = { changed: 0, unchanged: 0, failed: 0 };
  bar.start(total, 0, counts);
  try {
    return await run(({ done, result }) => {
      if (result.outcome in counts) counts[result.outcome as keyof typeof counts]++;
      bar.update(done, counts);
    });
  } finally {
    bar.stop();
  }
}
