/** Bad usage or input: the CLI says why and exits 2. */
export class UsageError extends Error {}
