import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintPolicies } from '../../src/governance/policy-lint.js';
import { type CorpusCase, corpusCase, verdictOf } from '../policy-corpus.js';

// Policies from AWS's documentation (verbatim, or varied with one known hole), each with the verdict AWS's
// documented semantics support: test/fixtures/policies-aws/, sources listed in docs/abac-policy-lint.md.
const dir = new URL('../fixtures/policies-aws/', import.meta.url).pathname;
const names = readdirSync(dir).filter((f) => f.endsWith('.json'));
const read = (name: string): CorpusCase => corpusCase(JSON.parse(readFileSync(join(dir, name), 'utf8')));

describe('lint-policy on policies from AWS documentation', () => {
  it('has verbatim policies, variants and several-policy cases, each with its source', () => {
    const cases = names.map(read);
    expect(cases.filter((c) => c.verbatim).length).toBeGreaterThanOrEqual(26);
    expect(cases.filter((c) => c.variantOf !== undefined).length).toBeGreaterThanOrEqual(28);
    expect(cases.filter((c) => c.boundary || c.scps || c.resourcePolicy).length).toBeGreaterThanOrEqual(4);
    for (const c of cases) {
      expect(c.source).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|github\.com\/awsdocs)\//);
      expect(c.hole === null, c.title).toBe(c.expect.length === 0);
    }
  });

  it.each(names)('%s: the verdict AWS documents', async (name) => {
    const c = read(name);
    const result = await lintPolicies(c.set, c.protect ? { protect: c.protect } : {});
    const verdict = verdictOf(c, result);
    expect({
      missed: verdict.missed,
      falseAlarms: verdict.falseAlarms,
      warnings: verdict.unexpectedWarnings,
    }).toEqual({
      missed: c.known?.missed ?? [],
      falseAlarms: c.known?.falseAlarms ?? [],
      warnings: [],
    });
  });
});
