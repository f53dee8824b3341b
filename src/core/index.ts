// The tagging core: ARN parsing (arn.ts), tag rules (validate.ts) and argument checks (arguments.ts), the typed
// errors (errors.ts) and the mapping of AWS's answers to them (aws-errors*.ts), the SDK clients and their answer
// checks (clients*.ts), request rates, scheduling and retries, the engine that resolves an ARN to its adapter and
// makes one call (engine.ts, registry.ts), and the kit the adapters are written with (kit.ts).
// Imports: the core imports only itself and adapters/ (the registry lists them); adapters import only the kit.
// Never jobs/, governance/, cli/ or testing/: test/unit/architecture.test.ts checks the direction.
// This module is the core's public surface, re-exported by the package (src/index.ts).

export { type Account, filterAccounts, parseAccounts, roleArn } from './accounts.js';
export { formatArn, PARTITIONS, type ParsedArn, parseArn } from './arn.js';
export type { ClientOptions, Credentials } from './clients.js';
export {
  AbortedError,
  AccessDeniedError,
  AccountMismatchError,
  ClientMissingError,
  ConfigurationError,
  CredentialsError,
  EarlierLineFailedError,
  type ErrorCode,
  type ErrorJson,
  InvalidArnError,
  InvalidIacStateError,
  InvalidPolicyError,
  InvalidTagError,
  isUnitagError,
  LocalStackError,
  type LocalStackFailure,
  MalformedResponseError,
  ManagedByIaCError,
  NetworkError,
  ReservedKeyError,
  ResourceNotFoundError,
  ServiceError,
  TagConflictError,
  TagLimitExceededError,
  ThrottledError,
  TimeoutError,
  UnitagError,
  UnsupportedResourceError,
} from './errors.js';
export type { Registry } from './registry.js';
export type { RoleOptions } from './roles.js';
export type {
  Adapter,
  AdapterContext,
  AdapterFactory,
  AdapterInventory,
  BatchResult,
  BatchTags,
  CallOptions,
  ClientLoader,
  ClientScope,
  FindQuery,
  ListedResource,
  Permissions,
  ResourceInfo,
  TagRules,
  Tags,
  WriteOutcome,
} from './types.js';
export { DEFAULT_RULES, SAFE_CHARSET, validateKeys, validateTags } from './validate.js';
