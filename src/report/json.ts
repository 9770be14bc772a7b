import type { ConformanceReport } from '../suite/conformance.ts'
import { redactSecrets } from '../redact.ts'

/** The canonical machine-readable report: stable key order, secrets redacted, newline-terminated. */
export function renderJsonReport(report: ConformanceReport): string {
  return `${redactSecrets(JSON.stringify(report, null, 2))}\n`
}
