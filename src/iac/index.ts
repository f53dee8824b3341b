// Infrastructure as code: what CloudFormation stacks, Terraform states and Pulumi stack exports declare about
// resources' tags (types.ts; cloudformation*.ts, terraform.ts, pulumi.ts read them), one lookup by ARN over them
// (sources.ts), which changes a tool's next run would undo (reverts.ts, plan-iac.ts) and where live tags drift
// from what is declared (drift.ts).
// Imports: iac imports the core (src/core) and itself only; the jobs' plans import it.
// This module is its public surface, re-exported by the package (src/index.ts).
export type { CloudFormationIndex, CloudFormationResource } from './cloudformation.js';
export type { Drift } from './drift.js';
export type { IacMode, IacOptions } from './plan-iac.js';
export { readPulumiExport } from './pulumi.js';
export type { IacNote } from './reverts.js';
export { type IacSource, iacSource } from './sources.js';
export { cloudFormationStacks } from './stacks.js';
export { type IacRead, readTerraformState } from './terraform.js';
export type { IacAuthority, IacResource, IacTool, IgnoreTags } from './types.js';
