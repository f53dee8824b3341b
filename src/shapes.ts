import type { Tags } from './types.js';

/** A tag as most AWS APIs carry it. */
export interface TagPair {
  Key?: string | undefined;
  Value?: string | undefined;
}

/** `{ a: '1' }` to `[{ Key: 'a', Value: '1' }]`. */
export function toTagList(tags: Tags): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** `[{ Key: 'a', Value: '1' }]` to `{ a: '1' }`; a missing list is no tags. */
export function fromTagList(list: TagPair[] | undefined): Tags {
  const tags: Tags = {};
  for (const { Key, Value } of list ?? []) if (Key !== undefined) tags[Key] = Value ?? '';
  return tags;
}
