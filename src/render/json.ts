import type { Report } from '../report/schema.js';

/** The report as --json writes it: keys in the order of the contract (report/schema.ts), 2-space indent. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
