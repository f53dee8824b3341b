import manifest from '../package.json' with { type: 'json' };

/** The package's version, from its package.json (compiled beside the code, so one known path serves both). */
export const VERSION: string = manifest.version;
