// `npm run build`, after tsc: the CLI's own modules bundled into dist/bin/ (the package's bin), with the packages
// it uses left outside, as they are. Each module a command loads when it runs (import()) stays a chunk of its
// own, loaded only then. Node loads every ES module on its own (resolve, read, compile, link): with the CLI's
// hundred or so, that was most of `unitag list`'s start-up (docs/development.md, "CLI start-up").
import { chmodSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist/bin');

await build({
  entryPoints: [join(root, 'dist/src/cli.js')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // The SDK, commander and the rest are resolved from node_modules as they are when the library is imported.
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  // Mapped through tsc's maps to the TypeScript sources, which they carry (inlineSources).
  sourcemap: 'linked',
  sourcesContent: true,
  logLevel: 'warning',
});
chmodSync(join(outdir, 'cli.js'), 0o755);
