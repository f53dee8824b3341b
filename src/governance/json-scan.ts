// Where things are in a JSON text, which JSON.parse does not say: the line of each statement of a policy, a key
// given twice in one object (JSON.parse keeps the last silently), and where a text stops being JSON.

/** The 1-based line of `offset` in `text`. */
export function lineOf(text: string, offset: number): number {
  return lineLocator(text)(offset);
}

/** A function from an offset of `text` to its 1-based line, each call in log time (for many offsets). */
export function lineLocator(text: string): (offset: number) => number {
  const breaks: number[] = [];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) breaks.push(i);
  return (offset) => {
    let [low, high] = [0, breaks.length];
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((breaks[middle] as number) < offset) low = middle + 1;
      else high = middle;
    }
    return low + 1;
  };
}

/** `line L, column C` of `offset` in `text`, for messages. */
export function position(text: string, offset: number): string {
  const line = lineOf(text, offset);
  const column = offset - text.lastIndexOf('\n', offset - 1);
  return `line ${line}, column ${column}`;
}

/** A key given twice in one JSON object: its name and the offsets of both. */
export interface DuplicateKey {
  key: string;
  first: number;
  second: number;
}

/** What {@link scanJson} found. */
export interface JsonScan {
  /** Where each statement starts: the values of the root's `Statement`. */
  statements: number[];
  /** The first key given twice in one object, if any. */
  duplicate?: DuplicateKey;
  /** Where the text stops being JSON, if it does. */
  errorAt?: number;
}

const TOKENS = {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: JSON strings may hold no raw control character.
  string: /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y,
  number: /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y,
  literal: /true|false|null/y,
  space: /[ \t\n\r]*/y,
};

type Role = 'root' | 'statement' | 'other';
interface Cursor {
  text: string;
  i: number;
}

// The token at the cursor, taken (the cursor moves past it), or undefined.
function match(at: Cursor, token: keyof typeof TOKENS): string | undefined {
  const regex = TOKENS[token];
  regex.lastIndex = at.i;
  const matched = regex.exec(at.text)?.[0];
  if (matched !== undefined) at.i += matched.length;
  return matched;
}

// The character `c` after any space, taken; false when another character is there.
function take(at: Cursor, c: string): boolean {
  match(at, 'space');
  if (at.text[at.i] !== c) return false;
  at.i++;
  return true;
}

/** Scans `text` once: where each statement of an IAM policy starts, a duplicate key, where JSON stops. */
export function scanJson(text: string): JsonScan {
  const found: JsonScan = { statements: [] };
  const at: Cursor = { text, i: 0 };
  const stop = new Error('not JSON');
  const object = (role: Role): void => {
    if (take(at, '}')) return;
    const seen = new Map<string, number>();
    do {
      match(at, 'space');
      const start = at.i;
      const token = match(at, 'string');
      if (token === undefined || !take(at, ':')) throw stop;
      const key = token.includes('\\') ? (JSON.parse(token) as string) : token.slice(1, -1);
      const first = seen.get(key);
      if (first !== undefined) found.duplicate ??= { key, first, second: start };
      seen.set(key, start);
      value(role === 'root' && key === 'Statement' ? 'statement' : 'other');
    } while (take(at, ','));
    if (!take(at, '}')) throw stop;
  };
  const value = (role: Role): void => {
    match(at, 'space');
    const start = at.i;
    if (take(at, '{')) {
      if (role === 'statement') found.statements.push(start);
      object(role);
    } else if (take(at, '[')) {
      if (take(at, ']')) return;
      do value(role === 'statement' ? 'statement' : 'other');
      while (take(at, ','));
      if (!take(at, ']')) throw stop;
    } else if (!match(at, 'string') && !match(at, 'number') && !match(at, 'literal')) {
      throw stop;
    }
  };
  try {
    value('root');
    match(at, 'space');
    if (at.i !== text.length) found.errorAt = at.i;
  } catch (error) {
    if (error !== stop) return { statements: [] };
    found.errorAt = Math.min(at.i, text.length);
  }
  return found;
}
