// The arguments the readers of infrastructure-as-code sources take from a library caller, checked.
import { ConfigurationError } from '../core/errors.js';

/** The text and source name a reader takes, checked: a caller's mistake is a ConfigurationError, not a TypeError. */
export function textArguments(name: string, text: unknown, source: unknown): void {
  if (typeof text !== 'string')
    throw new ConfigurationError(`${name}: text must be the document's text (a string)`);
  if (typeof source !== 'string' || source === '')
    throw new ConfigurationError(
      `${name}: source must name where the text was read (a file name, s3://bucket/key)`,
    );
}
