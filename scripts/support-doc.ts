/** Regenerates the provider-options table of docs/SUPPORT.md (a test fails when it is stale). */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { withProviderOptions } from '../src/scenario/provider-options-doc.ts'

const file = join(import.meta.dirname, '..', 'docs', 'SUPPORT.md')
writeFileSync(file, withProviderOptions(readFileSync(file, 'utf8')))
