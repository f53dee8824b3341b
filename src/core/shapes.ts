import { malformed } from './aws-errors.js';
import type { Tags } from './types.js';

/** A tag as most AWS APIs carry it. */
export interface TagPair {
  Key?: string | undefined;
  Value?: string | undefined;
}

/**
 * An empty tag map without a prototype. Tag keys are data: `__proto__`, `constructor` or `toString` are keys
 * like any other, so unitag holds tags in objects where no key is also an inherited property, and where
 * `tags[key] = value` always creates an own property.
 */
export function newTags(): Tags {
  return Object.create(null) as Tags;
}

/** A prototype-free copy of `tags` (own enumerable keys only). */
export function copyTags(tags: Tags | undefined): Tags {
  return Object.assign(newTags(), tags);
}

/** Tags from key-value pairs, prototype-free. */
export function tagsFromEntries(entries: Iterable<readonly [string, string]>): Tags {
  const tags = newTags();
  for (const [key, value] of entries) tags[key] = value;
  return tags;
}

/** True when `tags` carries `key` itself (never through a prototype). */
export function hasTag(tags: Tags, key: string): boolean {
  return Object.hasOwn(tags, key);
}

/** `{ a: '1' }` to `[{ Key: 'a', Value: '1' }]`. */
export function toTagList(tags: Tags): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/**
 * `[{ Key: 'a', Value: '1' }]` to `{ a: '1' }`, prototype-free; a missing list is no tags. With `operation`, for
 * APIs whose tags always carry both members, an entry without a string Key and Value is a `MalformedResponse`
 * (read as "", a missing value would be written back over the real one); without it, for APIs that define the
 * value as optional (EC2, Kinesis, Secrets Manager), a missing Value is "".
 */
export function fromTagList(list: TagPair[] | undefined, operation?: string): Tags {
  const tags = newTags();
  for (const entry of list ?? []) {
    const { Key, Value } = (entry ?? {}) as { Key?: unknown; Value?: unknown };
    if (operation !== undefined && (typeof Key !== 'string' || typeof Value !== 'string'))
      throw malformed(operation, 'a tag without its Key and Value strings');
    if (typeof Key === 'string') tags[Key] = typeof Value === 'string' ? Value : '';
  }
  return tags;
}

/**
 * The tag list an answer must carry in `field` (SNS `Tags`, S3 `TagSet`, ...), as tags. An answer without it is
 * not the document the API defines: a `MalformedResponse`, never "no tags".
 */
export function requiredTagList(out: object, field: string, operation: string): Tags {
  const list = (out as Record<string, unknown>)[field];
  if (!Array.isArray(list)) throw malformed(operation, `no ${field} list`);
  return fromTagList(list as TagPair[], operation);
}

/**
 * A key-to-value tag map from an answer where AWS leaves the field out when there are no tags (SQS, Lambda).
 * The client has already refused an empty body, so a missing field is "no tags"; anything but an object of
 * strings is a `MalformedResponse`.
 */
export function optionalTagMap(value: unknown, operation: string): Tags {
  if (value === undefined) return newTags();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed(operation, 'a tag map that is not an object');
  }
  const tags = newTags();
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw malformed(operation, `a value of "${key}" that is not a string`);
    tags[key] = v;
  }
  return tags;
}
