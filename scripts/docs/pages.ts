// The generated reference pages: what each holds, as the code would generate it now, and which pages on disk
// differ from that (`npm run docs:check`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCli } from './cli.js';
import { renderHelpPages } from './help-pages.js';
import { formatMarkdown } from './markdown.js';
import { renderOutput } from './output.js';
import { renderResources } from './resources.js';

/** A generated page: its path from the repository's root, and its markdown before formatting. */
export interface Page {
  path: string;
  render(root: string): string;
}

export const PAGES: readonly Page[] = [
  { path: 'docs/reference/resources.md', render: renderResources },
  { path: 'docs/reference/cli.md', render: () => renderCli() },
  { path: 'docs/reference/output.md', render: renderOutput },
  { path: 'src/cli/help-pages.ts', render: () => renderHelpPages() },
];

/** Each page's text as `npm run docs` writes it (formatted as Biome formats it), by path. */
export function generate(root: string, pages: readonly Page[] = PAGES): Map<string, string> {
  return new Map(pages.map((page) => [page.path, formatMarkdown(root, page.path, page.render(root))]));
}

/** The file's text, or undefined when there is none. */
export function readPage(dir: string, path: string): string | undefined {
  try {
    return readFileSync(join(dir, path), 'utf8');
  } catch {
    return undefined;
  }
}

/** The pages whose text on disk (`read`) is not what the code generates: missing, edited, or out of date. */
export function stalePages(
  expected: Map<string, string>,
  read: (path: string) => string | undefined,
): string[] {
  return [...expected].filter(([path, text]) => read(path) !== text).map(([path]) => path);
}
