// How a policy's Resource patterns (`arn:aws:ec2:*:*:instance/*`, with policy variables such as
// `${aws:username}`) relate to a resource type's ARN format in AWS's reference
// (`arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}`): whether they can name the same resource
// (a Resource that covers part of the type), and whether the pattern names every resource of the type (a
// NotResource that spares the whole type). IAM matches the five fields before the resource one by one; the
// resource part may hold colons. Resource matching is case-sensitive.

// Stands for a run of characters without a slash, in a resource type's ARN format only.
const SEGMENT = '\u0000';
// Stands for a policy variable when asking whether a pattern covers a type: it may be any one value, so it
// covers nothing but itself.
const VARIABLE = '\u0001';

/** True when some ARN matches both the policy's pattern and the resource type's ARN format. */
export function arnPatternsMeet(policyPattern: string, typeFormat: string): boolean {
  if (policyPattern === '*') return true;
  const a = fields(policyPattern, '*');
  const b = typeFields(typeFormat);
  if (a.length !== b.length) return globsMeet(a.join(':'), b.join(':'));
  return a.every((field, i) => globsMeet(field, b[i] as string));
}

/**
 * True when every ARN of the resource type matches the policy's pattern: `arn:aws:iam::*:user/*` covers
 * `arn:${Partition}:iam::${Account}:user/${UserNameWithPath}`. A fixed partition or account in the pattern is
 * taken to cover the type's: an identity policy acts in its own partition, and mostly in its own account.
 */
export function arnPatternCovers(policyPattern: string, typeFormat: string): boolean {
  if (/^\*+$/.test(policyPattern)) return true;
  const a = fields(policyPattern, VARIABLE);
  const b = typeFields(typeFormat);
  if (a.length !== b.length) return globCovers(a.join(':'), b.join(':'));
  return a.every((field, i) => {
    const own = (i === 1 || i === 4) && /^[^*?]+$/.test(field) && b[i] === SEGMENT;
    return own || globCovers(field, b[i] as string);
  });
}

// A pattern's fields, its policy variables replaced by `variable`.
function fields(pattern: string, variable: string): string[] {
  return split(pattern.replace(/\$\{[^}]*\}/g, variable));
}

// A type's fields. A variable of a type's ARN is one path segment (`${BucketName}`), unless its name says it
// holds slashes (`${ObjectName}`, `${UserNameWithPath}`).
function typeFields(format: string): string[] {
  const segment = (name: string) => (/path|object|key/i.test(name) ? '*' : SEGMENT);
  return split(format.replace(/\$\{([^}]*)\}/g, (_, name: string) => segment(name)));
}

function split(arn: string): string[] {
  const parts = arn.split(':');
  return parts.length < 6 ? [parts.join(':')] : [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** True when some string matches both wildcard patterns (`*` any run, `?` one character). */
export function globsMeet(a: string, b: string): boolean {
  const width = b.length + 1;
  const memo = new Map<number, boolean>();
  const meet = (i: number, j: number): boolean => {
    const cached = memo.get(i * width + j);
    if (cached !== undefined) return cached;
    let result: boolean;
    if (i === a.length && j === b.length) result = true;
    else if (a[i] === '*') result = meet(i + 1, j) || (j < b.length && meet(i, j + 1));
    else if (b[j] === '*' || b[j] === SEGMENT)
      result = meet(i, j + 1) || (i < a.length && (b[j] === '*' || a[i] !== '/') && meet(i + 1, j));
    else if (i === a.length || j === b.length) result = false;
    else result = (a[i] === '?' || b[j] === '?' || a[i] === b[j]) && meet(i + 1, j + 1);
    memo.set(i * width + j, result);
    return result;
  };
  return meet(0, 0);
}

/**
 * True when every string `b` matches, `a` matches too (`a*` covers `ab?`; `a?` does not cover `a*`). Only a `*`
 * of `a` covers a run of `b`; the answer errs towards false where the patterns are too tangled to tell.
 */
export function globCovers(a: string, b: string): boolean {
  const width = b.length + 1;
  const memo = new Map<number, boolean>();
  const covers = (i: number, j: number): boolean => {
    const cached = memo.get(i * width + j);
    if (cached !== undefined) return cached;
    let result: boolean;
    if (i === a.length) result = j === b.length;
    else if (a[i] === '*') result = covers(i + 1, j) || (j < b.length && covers(i, j + 1));
    else if (j === b.length || b[j] === '*' || b[j] === SEGMENT) result = false;
    else if (a[i] === '?') result = covers(i + 1, j + 1);
    else result = a[i] === b[j] && b[j] !== '?' && covers(i + 1, j + 1);
    memo.set(i * width + j, result);
    return result;
  };
  return covers(0, 0);
}
