// The package's entry (`unitag`): the tagger (tagger.ts) and the public surface of each subsystem, re-exported
// from its folder's index.ts: core/ (ARNs, rules, errors, the adapter contract), jobs/ (bulk work, plans,
// reports) and governance/ (explain, permissions, policy lint, tag policies). cli/, localstack/ and testing/
// have their own entries (cli.ts, localstack.ts, testing.ts).
import { adaptersArgument, isPlainObject, optional, refuse } from './core/arguments.js';
import { type ParsedArn, parsedArnArgument } from './core/arn.js';
import { ConfigurationError } from './core/errors.js';
import { createRegistry as buildRegistry, type Registry, dispatch as route } from './core/registry.js';
import type { Adapter, ResourceInfo } from './core/types.js';
import { bulkReportArgument, reportArgument } from './jobs/arguments.js';
import {
  type BulkReport,
  type Command,
  type JobIdentity,
  type OutputJson,
  type ReportJson,
  doneArns as readDoneArns,
  reportToJson as toReportJson,
} from './jobs/report.js';

export * from './core/index.js';
export * from './governance/index.js';
export * from './iac/index.js';
export * from './jobs/index.js';
export { createTagger, type Tagger, type TaggerOptions } from './tagger.js';

// These entries check their arguments here, at the package's edge: their modules also serve the engine, which
// hands them values it has checked already.

/**
 * The registry of the built-in adapters, with `extra` adapters added or replacing built-in ones. Throws
 * `ConfigurationError` when `extra` is not an array of adapters.
 */
export function createRegistry(extra: Adapter[] = []): Registry {
  return buildRegistry(adaptersArgument(extra, 'createRegistry: extra'));
}

/**
 * Picks the adapter for a parsed ARN: the service's own adapter, else the tagging-API fallback (see the
 * registry). No AWS call. Throws `InvalidArn` when `arn` is not a `parseArn` value, `ConfigurationError` when
 * `registry` is not a `createRegistry` value, and `UnsupportedResource` when no adapter can tag the resource.
 */
export function dispatch(
  arn: ParsedArn,
  registry: Registry,
  onMissing?: (adapter: Adapter) => void,
): { adapter: Adapter; info: ResourceInfo } {
  parsedArnArgument(arn, 'dispatch: arn');
  const { adapters, fallback } = (isPlainObject(registry) ? registry : {}) as Partial<Registry>;
  const own: unknown = typeof adapters?.get === 'function' ? adapters.get(arn.service) : undefined;
  const adapter = (value: unknown) => typeof (value as Partial<Adapter> | null)?.describe === 'function';
  if (typeof adapters?.get !== 'function' || !adapter(fallback) || (own !== undefined && !adapter(own))) {
    refuse(ConfigurationError, 'dispatch: registry', 'a registry from createRegistry()', registry);
  }
  optional.callback(onMissing, 'dispatch: onMissing');
  return route(arn, registry, onMissing);
}

/** ARNs a report says are done (`changed` or `unchanged`), every version of them done for an S3 object. */
export function doneArns(report: BulkReport | ReportJson | undefined): Set<string> {
  return readDoneArns(report === undefined ? report : reportArgument(report, 'doneArns: report'));
}

const COMMANDS: Readonly<Record<Command, true>> = {
  tag: true,
  untag: true,
  list: true,
  find: true,
  plan: true,
  apply: true,
  check: true,
};

/** A write report in the JSON shape of every command; errors as their `toJSON()`. */
export function reportToJson(report: BulkReport, command: Command = 'apply', job?: JobIdentity): OutputJson {
  bulkReportArgument(report, 'reportToJson: report');
  if (typeof command !== 'string' || !Object.hasOwn(COMMANDS, command)) {
    refuse(
      ConfigurationError,
      'reportToJson: command',
      `one of ${Object.keys(COMMANDS).join(', ')}`,
      command,
    );
  }
  if (job !== undefined && !(isPlainObject(job) && typeof job.fingerprint === 'string')) {
    refuse(
      ConfigurationError,
      'reportToJson: job',
      "the job's identity { fingerprint, account?, region?, endpoint? }",
      job,
    );
  }
  return toReportJson(report, command, job);
}
