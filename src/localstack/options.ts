// startLocalStack's options, checked and settled once (defaults and environment variables applied) before
// anything is spawned or written.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '../core/errors.js';

/** Options of `startLocalStack`; every one is optional. */
export interface LocalStackOptions {
  /** LocalStack services to start and wait for (its names: `sqs`, `stepfunctions`, ...). Default {@link DEFAULT_SERVICES}. */
  services?: readonly string[] | undefined;
  /** A LocalStack to use as it is (it must answer). Default: `LOCALSTACK_ENDPOINT`, then `AWS_ENDPOINT_URL`. */
  endpoint?: string | undefined;
  /** Port of the embedded LocalStack on 127.0.0.1. Default `LOCALSTACK_PORT`, else 4566; `0` picks a free one. */
  port?: number | undefined;
  /** Where the virtualenv and the runtime files go. Default `UNITAG_CACHE_DIR`, else `~/.cache/unitag`. */
  cacheDir?: string | undefined;
  /** The Python (3.12 or later) to build the virtualenv with. Default `LOCALSTACK_PYTHON`, else one found. */
  python?: string | undefined;
  /** Milliseconds to wait for the services. Default 180,000. */
  startTimeout?: number | undefined;
  /**
   * Leave an embedded LocalStack started here running after this process exits (`stopLocalStack` ends it).
   * Default false: it ends with the process that started it, however that process ends.
   */
  keep?: boolean | undefined;
  /**
   * Use a LocalStack that already answers (the endpoint given, or one on the port). Default true, and said on
   * the log with its version and services; false refuses it (`port-in-use`), so that a test run never acts on
   * another's LocalStack by mistake.
   */
  reuse?: boolean | undefined;
  /** Progress lines (installing, started); default: standard error. */
  log?: ((line: string) => void) | undefined;
}

/** The services unitag tags natively, the tagging API and STS it calls, and CloudFormation, whose stacks it reads. */
export const DEFAULT_SERVICES: readonly string[] = [
  'sns',
  'sqs',
  's3',
  'ec2',
  'iam',
  'lambda',
  'resourcegroupstaggingapi',
  'sts',
  'logs',
  'kms',
  'secretsmanager',
  'ssm',
  'kinesis',
  'stepfunctions',
  'events',
  'cloudwatch',
  'cloudformation',
];

/** The options with every default applied. */
export interface Settled {
  services: readonly string[];
  endpoint: string | undefined;
  port: number;
  cacheDir: string;
  python: string | undefined;
  startTimeout: number;
  keep: boolean;
  reuse: boolean;
  log: (line: string) => void;
}

const KNOWN = ['services', 'endpoint', 'port', 'cacheDir', 'python', 'startTimeout', 'keep', 'reuse', 'log'];
const SERVICE_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Checks `options` and applies the defaults; throws ConfigurationError naming the first option that is wrong. */
export function settle(options: LocalStackOptions): Settled {
  if (typeof options !== 'object' || options === null) refuse('options', 'an object', options);
  const unknown = Object.keys(options).filter((name) => !KNOWN.includes(name));
  if (unknown.length > 0) {
    throw new ConfigurationError(
      `startLocalStack: unknown option ${unknown.join(', ')}; the options are ${KNOWN.join(', ')}.`,
    );
  }
  return {
    services: services(options.services),
    endpoint: endpoint(options.endpoint),
    port: port(options.port),
    cacheDir: cacheDir(options.cacheDir),
    python: text(options.python, 'python', 'a path or command name of a Python 3.12 or later'),
    startTimeout: startTimeout(options.startTimeout),
    keep: keep(options.keep),
    reuse: reuse(options.reuse),
    log: log(options.log),
  };
}

/** The cache directory `stopLocalStack` and `startLocalStack` share: the option, UNITAG_CACHE_DIR, or the default. */
export function cacheDir(given: string | undefined): string {
  if (given === undefined && process.env.UNITAG_CACHE_DIR) return process.env.UNITAG_CACHE_DIR;
  return text(given, 'cacheDir', 'a directory path') ?? join(homedir(), '.cache', 'unitag');
}

/** The port: the option, else LOCALSTACK_PORT, else 4566. */
export function port(given: number | undefined): number {
  const fromEnv = given === undefined && Boolean(process.env.LOCALSTACK_PORT);
  const value = fromEnv ? Number(process.env.LOCALSTACK_PORT) : (given ?? 4566);
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65_535) return value;
  const allowed = 'an integer from 0 to 65535 (0 picks a free port)';
  return refuse(fromEnv ? 'LOCALSTACK_PORT' : 'port', allowed, fromEnv ? process.env.LOCALSTACK_PORT : value);
}

function services(given: readonly string[] | undefined): readonly string[] {
  if (given === undefined) return DEFAULT_SERVICES;
  const valid =
    Array.isArray(given) &&
    given.length > 0 &&
    given.every((name) => typeof name === 'string' && SERVICE_NAME.test(name));
  if (valid) return [...new Set(given)];
  return refuse(
    'services',
    "a non-empty array of LocalStack service names (lower-case, such as ['sqs', 'stepfunctions'])",
    given,
  );
}

function endpoint(given: string | undefined): string | undefined {
  const fromEnv = given === undefined;
  const value = fromEnv
    ? process.env.LOCALSTACK_ENDPOINT || process.env.AWS_ENDPOINT_URL || undefined
    : given;
  if (value === undefined) return undefined;
  const name = !fromEnv
    ? 'endpoint'
    : process.env.LOCALSTACK_ENDPOINT
      ? 'LOCALSTACK_ENDPOINT'
      : 'AWS_ENDPOINT_URL';
  const allowed = 'an http:// or https:// URL such as http://127.0.0.1:4566';
  if (typeof value !== 'string' || !/^https?:\/\/[^/]/.test(value) || !URL.canParse(value))
    return refuse(name, allowed, value);
  return value.replace(/\/+$/, '');
}

/** Milliseconds a start waits for the services unless told otherwise. */
export const START_TIMEOUT = 180_000;

function startTimeout(given: number | undefined): number {
  if (given === undefined) return START_TIMEOUT;
  if (typeof given === 'number' && Number.isFinite(given) && given > 0) return given;
  return refuse('startTimeout', 'a positive number of milliseconds', given);
}

function reuse(given: boolean | undefined): boolean {
  if (given === undefined || typeof given === 'boolean') return given ?? true;
  return refuse('reuse', 'true or false', given);
}

function keep(given: boolean | undefined): boolean {
  if (given === undefined || typeof given === 'boolean') return given ?? false;
  return refuse('keep', 'true or false', given);
}

/** The progress log: the option, or standard error. */
export function log(given: ((line: string) => void) | undefined): (line: string) => void {
  if (given === undefined) return (line) => process.stderr.write(`[localstack] ${line}\n`);
  if (typeof given === 'function') return given;
  return refuse('log', 'a function that takes a line of text', given);
}

function text(given: string | undefined, name: string, allowed: string): string | undefined {
  if (given === undefined || (typeof given === 'string' && given.trim() !== '')) return given;
  return refuse(name, `${allowed} (a non-empty string)`, given);
}

function refuse(name: string, allowed: string, got: unknown): never {
  throw new ConfigurationError(`startLocalStack: ${name} must be ${allowed}; got ${shown(got)}.`);
}

function shown(value: unknown): string {
  if (typeof value === 'string') return `${JSON.stringify(value)} (a string)`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'number' || value === undefined) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
