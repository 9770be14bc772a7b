/**
 * The worked example in the docs runs as written: the code block in the docs is byte for byte
 * examples/simple-manager.ts, and the documented command puts it under test with its baseline.
 */
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../src/cli/program.ts'
import { captureIo } from '../src/cli/testing/capture-io.ts'

const ROOT = join(import.meta.dirname, '..')
const EXAMPLE = 'examples/simple-manager.ts'
const MARKER = `<!-- file: ${EXAMPLE} -->`
/** The command the docs show, word for word (the test adds only a temporary --report-dir). */
const DOCUMENTED =
  'npx reconnect-lab run --manager examples/simple-manager.ts --provider baseline --seed 1 --baseline examples/simple-manager.baseline.yaml'

/** The docs that show an example file (README.md links them; the depth lives in docs/). */
async function docsWith(marker: string): Promise<Array<{ file: string; text: string }>> {
  const out: Array<{ file: string; text: string }> = []
  for (const file of ['README.md', 'docs/ADAPTER.md', 'docs/SCENARIO-FORMAT.md']) {
    const text = await readFile(join(ROOT, file), 'utf8')
    if (text.includes(marker)) out.push({ file, text })
  }
  return out
}

describe('the worked example adapter', () => {
  it('is shown in the docs exactly as it is in examples/', async () => {
    const source = await readFile(join(ROOT, EXAMPLE), 'utf8')
    const docs = await docsWith(MARKER)
    expect(docs.map((d) => d.file)).toEqual(['docs/ADAPTER.md'])
    for (const { file, text } of docs) {
      const start = text.indexOf(MARKER)
      const open = text.indexOf('```ts\n', start)
      const close = text.indexOf('\n```', open + 6)
      expect(text.slice(open + 6, close + 1), `${file} shows a different ${EXAMPLE}`).toBe(source)
      expect(text, `${file} does not show the command`).toContain(DOCUMENTED)
    }
  })

  it('shows the defineScenario example as it is in examples/, and it loads', async () => {
    const file = 'examples/scenario-in-typescript.ts'
    const source = await readFile(join(ROOT, file), 'utf8')
    const docs = await docsWith(`<!-- file: ${file} -->`)
    expect(docs.map((d) => d.file)).toEqual(['docs/SCENARIO-FORMAT.md'])
    for (const { text } of docs) {
      const start = text.indexOf(`<!-- file: ${file} -->`)
      expect(start).toBeGreaterThan(0)
      const open = text.indexOf('```ts\n', start)
      expect(text.slice(open + 6, text.indexOf('\n```', open + 6) + 1)).toBe(source)
    }
    const { lostRotation } = await import('../examples/scenario-in-typescript.ts')
    expect(lostRotation.steps.map((s) => s.event.type)).toEqual(['connect', 'run', 'run'])
  })

  it('runs as documented: loads, runs the suite, and passes the gate with its baseline', async () => {
    const reports = await mkdtemp(join(tmpdir(), 'rl-example-'))
    const io = captureIo(ROOT, 1)
    const argv = DOCUMENTED.split(' ').slice(2)
    const code = await runCli([...argv, '--report-dir', reports], io)
    expect(io.stderr).not.toContain('reconnect-lab: ')
    expect(io.stdout).toMatch(/silent-refresh\s+baseline\s+pass/)
    expect(io.stdout).toMatch(/admin-reset\s+baseline\s+pass/)
    expect(io.stdout).toContain('baseline examples/simple-manager.baseline.yaml: gate passed')
    expect(code).toBe(0)
  })
})
