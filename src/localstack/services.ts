// LocalStack's health check, and the wait until the services asked for are up: it fails at once when one
// errs, is disabled (not in the SERVICES LocalStack was started with), does not exist, or the process exits.
import { existsSync, readFileSync } from 'node:fs';
import { LocalStackError } from '../core/errors.js';

/** What LocalStack's `/_localstack/health` answers: each service's state, and its version. */
export interface LocalStackHealth {
  services: Record<string, string>;
  version?: string;
}

// A loaded machine can keep a busy LocalStack from answering for seconds; one that is silent this long is taken
// for none (or a hung one, which the caller tells apart by its files).
const HEALTH_TIMEOUT_MS = 10_000;

/** The health document of the LocalStack at `endpoint`, or undefined when nothing (or something else) answers. */
export async function health(endpoint: string): Promise<LocalStackHealth | undefined> {
  try {
    const response = await fetch(`${endpoint}/_localstack/health`, {
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
    });
    if (!response.ok) return undefined;
    const document = (await response.json()) as unknown;
    const isHealth = typeof document === 'object' && document !== null && 'services' in document;
    return isHealth ? (document as LocalStackHealth) : undefined;
  } catch {
    return undefined;
  }
}

/** An embedded LocalStack being waited for: its pid (to notice an early exit) and its log (to quote). */
export interface Watched {
  pid: number;
  logFile: string;
  alive: () => boolean;
}

const UP = ['running', 'available'];

/** Waits until every service is `running` or `available`; fails at once when that can no longer happen. */
export async function waitForServices(
  endpoint: string,
  services: readonly string[],
  timeout: number,
  embedded: Watched | undefined,
): Promise<void> {
  const deadline = Date.now() + timeout;
  let states: Record<string, string> = {};
  while (Date.now() < deadline) {
    states = (await health(endpoint))?.services ?? {};
    const failed = services.filter((name) => states[name] === 'error');
    if (failed.length > 0)
      throw startFailure(`the service(s) ${failed.join(', ')} failed to start`, embedded);
    const disabled = services.filter((name) => states[name] === 'disabled');
    if (disabled.length > 0) throw disabledFailure(endpoint, disabled);
    const unknown = Object.keys(states).length > 0 ? services.filter((name) => !(name in states)) : [];
    if (unknown.length > 0) throw startFailure(`LocalStack has no service ${unknown.join(', ')}`, embedded);
    if (services.every((name) => UP.includes(states[name] ?? ''))) return;
    if (embedded && !embedded.alive()) throw startFailure('LocalStack exited before it was ready', embedded);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const waiting = services.filter((name) => !UP.includes(states[name] ?? ''));
  throw startFailure(`${waiting.join(', ')} not ready within ${timeout / 1000} s`, embedded);
}

function disabledFailure(endpoint: string, disabled: string[]): LocalStackError {
  return new LocalStackError(
    `the LocalStack at ${endpoint} does not run ${disabled.join(', ')}: its health check says "disabled", as it ` +
      'does for services left out of the SERVICES it was started with. Restart it with those in SERVICES ' +
      '(Docker: -e SERVICES=...), leave them out of the services option, or start one of your own on a ' +
      'free port (port: 0, with no endpoint set).',
    { reason: 'service-disabled' },
  );
}

/** A start failure with the end of the runtime log, where there is one, and where the whole log is. */
export function startFailure(why: string, embedded: { logFile: string } | undefined): LocalStackError {
  const log = embedded?.logFile;
  const tail =
    log && existsSync(log) ? readFileSync(log, 'utf8').trimEnd().split('\n').slice(-30).join('\n') : '';
  const message = tail ? `${why}. Last lines of ${log} (the whole log stays there):\n${tail}` : `${why}.`;
  return new LocalStackError(message, { reason: 'start-failed' });
}
