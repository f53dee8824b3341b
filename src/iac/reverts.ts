// Which of a plan entry's changes an infrastructure-as-code tool would undo at its next run, by how the tool treats
// tags (types.ts, `IacAuthority`). Facts, with links to each tool's documentation, are in docs/iac.md.
import type { Tags } from '../core/types.js';
import type { IacResource, IacTool } from './types.js';

/** What a plan entry says of the tool that manages its resource (`PlanEntry.iac`). */
export interface IacNote {
  tool: IacTool;
  /** CloudFormation: the stack's name. */
  stack?: string | undefined;
  /** Terraform: the resource's address. */
  address?: string | undefined;
  /** Pulumi: the resource's URN. */
  urn?: string | undefined;
  /** The keys this entry sets, changes or removes that the tool's next run sets back (or removes). */
  reverts: string[];
  /** Other tools that declare the same resource (a resource in two states, or in a state and a stack). */
  also?: Omit<IacNote, 'also'>[] | undefined;
}

/**
 * The keys of the change (from `before` to `after`) that the tool's next run undoes:
 * - a key it declares, given another value or removed: set back (a value the tool computes counts as another);
 * - with `whole` authority, a key it does not declare, added or changed: removed;
 * - when the keys it declares are unknown (`tagsUnknown`), any key changed: it may set it back;
 * never a key the tool ignores.
 */
export function revertedKeys(resource: IacResource, before: Tags, after: Tags): string[] {
  const { declared, authority, ignores } = resource;
  const reverts: string[] = [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    const was = Object.hasOwn(before, key) ? before[key] : undefined;
    const now = Object.hasOwn(after, key) ? after[key] : undefined;
    if (was === now || ignores?.(key) || key.startsWith('aws:')) continue;
    if (Object.hasOwn(declared, key)) {
      if (declared[key] === undefined || declared[key] !== now) reverts.push(key);
    } else if ((authority === 'whole' && now !== undefined) || resource.tagsUnknown) reverts.push(key);
  }
  return reverts.sort();
}

/**
 * The note for an entry whose resource one or more tools manage: the first that would undo part of the change, or
 * else the first (with nothing to revert), with the others in `also`.
 */
export function iacNote(resources: IacResource[], before: Tags, after: Tags): IacNote | undefined {
  const notes: IacNote[] = resources.map((resource) => ({
    tool: resource.tool,
    ...(resource.stack === undefined ? {} : { stack: resource.stack }),
    ...(resource.address === undefined ? {} : { address: resource.address }),
    ...(resource.urn === undefined ? {} : { urn: resource.urn }),
    reverts: revertedKeys(resource, before, after),
  }));
  const main = notes.find((n) => n.reverts.length > 0) ?? notes[0];
  if (!main) return undefined;
  const also = notes.filter((n) => n !== main);
  return also.length > 0 ? { ...main, also } : main;
}

/** Where the tool declares the resource, for messages: `stack orders-prod`, `aws_sns_topic.orders`, a URN. */
export function declaredAt(note: Pick<IacNote, 'tool' | 'stack' | 'address' | 'urn'>): string {
  if (note.tool === 'cloudformation') return `CloudFormation stack ${note.stack ?? '(unknown)'}`;
  if (note.tool === 'terraform') return `Terraform ${note.address ?? '(unknown address)'}`;
  return `Pulumi ${note.urn ?? '(unknown URN)'}`;
}
