// Checks that a tag read's or write's successful answer is the document its API defines (a loader's `reads` and
// `writes`), before the SDK parses it: the client cache runs it on every answer to one of those calls.
import { malformed } from './aws-errors.js';
import type { Document } from './types.js';

/** The raw HTTP answer, as the SDK's deserialize step sees it before parsing. */
export interface RawAnswer {
  response?: { statusCode?: number; body?: unknown } | undefined;
}

/**
 * A tag read's or write's successful answer must be the document its API defines: the SDK parses an empty body, or
 * a document of another shape (from a proxy, a load balancer or a broken server), into an output without its tag
 * field, which would read exactly like "no tags"; and it does not read the body of a write whose output has no
 * member at all, so any 200 would read as "done". So the body is read here and checked whole (an XML document
 * whose root element is the API's, closed at its end with nothing after it; a JSON object that carries the API's
 * main member, or else no member the API does not define; or no body where the API defines none), then handed on
 * as bytes, which the SDK's deserializer takes as they are.
 */
export async function requireDocument(
  answer: RawAnswer,
  operation: string,
  document: Document,
): Promise<void> {
  const response = answer.response;
  if (!response || (response.statusCode ?? 200) >= 300) return;
  const bytes = await readBody(response.body);
  response.body = bytes;
  const text = bytes
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trim();
  if ('empty' in document) {
    if (text === '') return;
    if (document.empty === 'xml') throw malformed(operation, 'a body, where the API answers none');
    return requireJson(text, operation, []);
  }
  if (text === '') throw malformed(operation, 'an empty body');
  if ('json' in document) return requireJson(text, operation, document.json, document.required);
  const root = document.xml;
  const body = text.replace(/^<\?xml[^>]*\?>\s*/, '');
  const opens = new RegExp(`^<${root}[\\s>/]`).test(body);
  const closes = body.endsWith(`</${root}>`) || (opens && /^<[^<>]*\/>$/.test(body));
  if (!opens || !closes) throw malformed(operation, `a document that is not <${root}> from start to end`);
}

function requireJson(text: string, operation: string, members: readonly string[], required = false): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The SDK would fail on it where it parses the body, but it does not parse a write's answer that defines no
    // member: there, text that is not JSON would read as "done".
    throw malformed(operation, 'a body that is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed(operation, 'JSON that is not an object');
  }
  // AWS adds members to its answers over time: one that carries the answer's main member (listed first) may
  // have others. Without it, an unknown member marks a foreign document, which would otherwise read as "none".
  const main = members[0];
  if (main !== undefined && Object.hasOwn(value, main)) return;
  if (required) throw malformed(operation, `a JSON object without ${main}`);
  const foreign = Object.keys(value).filter((key) => !members.includes(key));
  if (foreign.length > 0)
    throw malformed(operation, `a JSON object with members it does not define (${foreign.join(', ')})`);
}

async function readBody(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (typeof body === 'string') return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
