// Jobs: many resources at once. Bulk reads and writes with batching (bulk*.ts), plans of changes (plan*.ts), job
// files and their streaming (job*.ts), reports, their JSON, journal and resume (report*.ts), one run per report
// (report-lock.ts), and find over the accounts' inventories (find.ts, inventory.ts).
// Imports: jobs import the core (src/core) and themselves only; never governance/, cli/ or testing/.
// This module is the jobs' public surface, re-exported by the package (src/index.ts).
export type { BulkOptions, Progress } from './bulk.js';
export type { FindOptions, FoundResource } from './find.js';
export type { FindFailure, InventoryOptions, InventoryProgress } from './inventory.js';
export type { Plan, PlanEntry, PlanOptions } from './plan.js';
export type { Change } from './plan-change.js';
export type {
  BulkReport,
  Outcome,
  ReadReport,
  ReadResult,
  ReportJson,
  ResourceResult,
  Totals,
  WriteResult,
} from './report.js';
