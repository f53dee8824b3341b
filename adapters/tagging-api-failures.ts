// The answers of the Resource Groups Tagging API's writes, ARN by ARN: a TagResources or UntagResources answer's
// FailedResourcesMap (which AWS sends, empty when none failed), and the wait before throttled ARNs are sent again.
import { awsFailure, type BatchResult, isThrottling, malformed, type ParsedArn } from '../src/core/kit.js';

/** One FailedResourcesMap entry, as AWS writes it. */
interface Failure {
  StatusCode?: number | undefined;
  ErrorCode?: string | undefined;
  ErrorMessage?: string | undefined;
}

/** The answer's FailedResourcesMap: an object, or the answer is not the API's document. */
export function failedResources(out: unknown, operation: string): Record<string, unknown> {
  const failed = (out as { FailedResourcesMap?: unknown } | undefined)?.FailedResourcesMap;
  if (typeof failed !== 'object' || failed === null || Array.isArray(failed)) {
    throw malformed(
      operation,
      failed === undefined ? 'no FailedResourcesMap' : 'a FailedResourcesMap that is not an object',
    );
  }
  return failed as Record<string, unknown>;
}

/**
 * Records in `result` what an answer's FailedResourcesMap (`failed`) says of each ARN `sent`: `changed` where it
 * leaves the ARN out, else its failure. Returns the ARNs reported as throttled, to be sent again, while `retry`;
 * without it, they too are recorded as failed.
 */
export function recordAnswer(
  failed: Record<string, unknown>,
  sent: ParsedArn[],
  operation: string,
  retry: boolean,
  result: BatchResult,
): ParsedArn[] {
  const throttled: ParsedArn[] = [];
  for (const arn of sent) {
    const failure = Object.hasOwn(failed, arn.arn) ? failed[arn.arn] : undefined;
    if (failure === undefined) result.set(arn.arn, 'changed');
    else if (!isFailure(failure))
      result.set(arn.arn, malformed(operation, `a failure of ${arn.arn} that is not an object`));
    else if (isThrottled(failure) && retry) throttled.push(arn);
    else result.set(arn.arn, toFailure(arn, failure));
  }
  return throttled;
}

function isFailure(value: unknown): value is Failure {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isThrottled(failure: Failure): boolean {
  return isThrottling(failure.ErrorCode ?? '', failure.StatusCode);
}

/** One FailedResourcesMap entry as the failure it reports, for the core to type. */
function toFailure(arn: ParsedArn, failure: Failure): Error {
  const message = `The Resource Groups Tagging API refused ${arn.arn}: ${failure.ErrorMessage ?? ''}`;
  return awsFailure(failure.ErrorCode ?? 'Error', failure.StatusCode, message);
}

/** Waits before attempt `attempt + 1`: exponential, capped at 2 s, with jitter; `signal` ends the wait. */
export function backoff(attempt: number, signal: AbortSignal | undefined): Promise<void> {
  const ms = Math.min(2000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2);
  return new Promise((resolve, reject) => {
    // The listener goes when the wait ends either way: a signal that outlives many waits collects none.
    const stop = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    signal?.addEventListener('abort', stop, { once: true });
  });
}
