// `npm run docs`: writes the reference pages (docs/reference/*.md) from the code: the adapters and their catalogs,
// the CLI's command definitions, the JSON output's schema. `npm run docs:check` (`--check`) writes nothing and
// exits 1 naming each page that differs from what the code generates. `--dir DIR` reads and writes the pages
// under DIR instead of the repository (the tests use it).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generate, readPage, stalePages } from './docs/pages.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { check: { type: 'boolean' }, dir: { type: 'string' } } });
const dir = resolve(values.dir ?? root);
const pages = generate(root);

if (values.check) {
  const stale = stalePages(pages, (path) => readPage(dir, path));
  for (const path of stale) {
    process.stderr.write(`${path} is stale: it is not what the code generates. Run \`npm run docs\`.\n`);
  }
  process.exitCode = stale.length > 0 ? 1 : 0;
  if (stale.length === 0) process.stdout.write(`docs:check: ${pages.size} generated pages up to date\n`);
} else {
  for (const [path, text] of pages) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
    process.stdout.write(`wrote ${path}\n`);
  }
}
