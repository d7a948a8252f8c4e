// The machine-readable twin of the markdown comment: the report as filled by
// the runner plus its summary. JSON has no ∞ or NaN: non-finite numbers (an
// unreachable MDE, a change from zero) are written as null. The document is
// described by compare-report.schema.json.

import { summarize, type CompareReport, type ReportSummary } from './report.ts';

export const REPORT_SCHEMA_ID = 'https://metalbench.dev/schemas/compare-report.v1.json';

export type CompareDocument = CompareReport & { $schema: string; summary: ReportSummary };

export function toDocument(report: CompareReport): CompareDocument {
  return { $schema: REPORT_SCHEMA_ID, ...report, summary: summarize(report) };
}

/** The JSON text, two-space indented, non-finite numbers as null. */
export function renderJson(report: CompareReport): string {
  return `${JSON.stringify(toDocument(report), (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}
