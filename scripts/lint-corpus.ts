// Scores `lint-policy` on the corpus of policies from AWS's documentation (test/fixtures/policies-aws/): per
// case what it found, missed and raised where AWS's semantics see no hole, then the totals.
// Run: npm run lint:corpus
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintPolicies } from '../src/governance/policy-lint.js';
import { corpusCase, verdictOf } from '../test/policy-corpus.js';

const dir = new URL('../test/fixtures/policies-aws/', import.meta.url).pathname;
const totals = {
  cases: 0,
  verbatim: 0,
  variants: 0,
  layered: 0,
  holes: 0,
  found: 0,
  missed: 0,
  falseAlarms: 0,
};
const rows: string[] = [];
for (const name of readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()) {
  const c = corpusCase(JSON.parse(readFileSync(join(dir, name), 'utf8')));
  const result = await lintPolicies(c.set, c.protect ? { protect: c.protect } : {});
  const v = verdictOf(c, result);
  totals.cases += 1;
  if (c.verbatim) totals.verbatim += 1;
  if (c.variantOf !== undefined) totals.variants += 1;
  if (c.boundary || c.scps || c.resourcePolicy || c.set.identity.length > 1) totals.layered += 1;
  totals.holes += c.expect.length;
  totals.found += v.found.length;
  totals.missed += v.missed.length;
  totals.falseAlarms += v.falseAlarms.length;
  const closed = (result.closed ?? []).map((f) => `${f.rule} closed by ${f.closedBy}`);
  rows.push(
    `${name.replace(/\.json$/, '').padEnd(58)} expect ${JSON.stringify(c.expect)} found ${JSON.stringify(v.found)}` +
      `${v.missed.length ? ` MISSED ${JSON.stringify(v.missed)}` : ''}` +
      `${v.falseAlarms.length ? ` FALSE ALARM ${JSON.stringify(v.falseAlarms)}` : ''}` +
      `${closed.length ? ` (${closed.join('; ')})` : ''}`,
  );
}
console.log(rows.join('\n'));
console.log(
  `\n${totals.cases} cases (${totals.verbatim} verbatim from AWS's documentation, ${totals.variants} variants, ` +
    `${totals.layered} with several policies)\nholes: ${totals.holes}, found ${totals.found}, missed ` +
    `${totals.missed}; false alarms: ${totals.falseAlarms}`,
);
