// Where things are in a JSON text, which JSON.parse does not say: the line of each statement of a policy, and
// where a text stops being JSON (for messages that point at it).

/** The 1-based line of `offset` in `text`. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** `line L, column C` of `offset` in `text`, for messages. */
export function position(text: string, offset: number): string {
  const line = lineOf(text, offset);
  const column = offset - text.lastIndexOf('\n', offset - 1);
  return `line ${line}, column ${column}`;
}

const TOKENS = {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: JSON strings may hold no raw control character.
  string: /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y,
  number: /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y,
  literal: /true|false|null/y,
  space: /[ \t\n\r]*/y,
};

/**
 * A JSON scan that JSON.parse does not give: where each statement of an IAM policy starts (the values of the
 * root's `Statement`), and where the text stops being JSON.
 */
export function scanJson(text: string): { statements: number[]; errorAt?: number } {
  const statements: number[] = [];
  let i = 0;
  const stop = new Error('not JSON');
  const match = (token: keyof typeof TOKENS): string | undefined => {
    const regex = TOKENS[token];
    regex.lastIndex = i;
    const found = regex.exec(text)?.[0];
    if (found !== undefined) i += found.length;
    return found;
  };
  const take = (c: string): boolean => {
    match('space');
    if (text[i] !== c) return false;
    i++;
    return true;
  };
  const value = (role: 'root' | 'statement' | 'other'): void => {
    match('space');
    const start = i;
    if (take('{')) {
      if (role === 'statement') statements.push(start);
      if (take('}')) return;
      do {
        match('space');
        const key = match('string');
        if (key === undefined || !take(':')) throw stop;
        const isStatement = role === 'root' && key === '"Statement"';
        if (isStatement) statements.length = 0;
        value(isStatement ? 'statement' : 'other');
      } while (take(','));
      if (!take('}')) throw stop;
    } else if (take('[')) {
      if (take(']')) return;
      do value(role === 'statement' ? 'statement' : 'other');
      while (take(','));
      if (!take(']')) throw stop;
    } else if (
      match('string') === undefined &&
      match('number') === undefined &&
      match('literal') === undefined
    ) {
      throw stop;
    }
  };
  try {
    value('root');
    match('space');
    return i === text.length ? { statements } : { statements, errorAt: i };
  } catch (error) {
    if (error !== stop) return { statements: [] };
    return { statements, errorAt: Math.min(i, text.length) };
  }
}
