/**
 * `run --shard k/n` then `merge` gives the report a single run gives (durationMs aside), JUnit and
 * counterexample files included.
 */
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { captureIo } from '../testing/capture-io.ts'
import { runCli } from '../program.ts'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const MUTANT = 'scenarios/mutants/refresh-not-implemented.ts'

const untimed = (json: string) =>
  JSON.stringify(
    JSON.parse(json, (key, value) => (key === 'durationMs' || key === 'shard' ? undefined : value)),
  )
const untimedXml = (xml: string) => xml.replace(/ time="[^"]*"/g, '')

async function singleAndMerged(args: string[], shards: number) {
  const dir = await mkdtemp(join(tmpdir(), 'reconnect-lab-shards-'))
  const common = [...args, '--reporter', 'json,junit', '--workers', '1']
  const single = join(dir, 'single')
  const io = captureIo(ROOT)
  await runCli(['run', ...common, '--report-dir', single], io)
  const files: string[] = []
  for (let k = 1; k <= shards; k++) {
    const out = join(dir, `shard-${k}`)
    await runCli(['run', ...common, '--shard', `${k}/${shards}`, '--report-dir', out], captureIo(ROOT))
    files.push(join(out, 'report.json'))
  }
  const merged = join(dir, 'merged')
  const mergeIo = captureIo(ROOT)
  const code = await runCli(['merge', ...files, '--report-dir', merged], mergeIo)
  const read = (d: string, f: string) => readFile(join(d, f), 'utf8')
  return {
    code,
    single: { json: await read(single, 'report.json'), junit: await read(single, 'junit.xml') },
    merged: { json: await read(merged, 'report.json'), junit: await read(merged, 'junit.xml') },
    read,
    merged_dir: merged,
    stderr: mergeIo.stderr,
  }
}

describe('shards', () => {
  it('merge to the single run: timelines, standalone checks and interleavings', async () => {
    const r = await singleAndMerged(['--provider', 'baseline', '--seed', '3', '--quick'], 2)
    expect(r.stderr).toContain('merged 2 shards')
    expect(untimed(r.merged.json)).toBe(untimed(r.single.json))
    expect(untimedXml(r.merged.junit)).toBe(untimedXml(r.single.junit))
    expect(JSON.parse(r.single.json).rules.length).toBeGreaterThan(5)
  }, 300_000)

  it('merge failures to the same counterexamples and copy their files', async () => {
    const rules = 'silent-refresh'
    const r = await singleAndMerged(
      ['--manager', MUTANT, '--provider', 'baseline', '--seed', '5', '--runs', '30', '--rule', rules],
      2,
    )
    expect(r.code).toBe(1)
    expect(untimed(r.merged.json)).toBe(untimed(r.single.json))
    const report = JSON.parse(r.merged.json) as { counterexampleFiles?: Array<{ file: string }> }
    expect(report.counterexampleFiles?.length).toBeGreaterThan(0)
    for (const f of report.counterexampleFiles ?? [])
      expect(await r.read(r.merged_dir, f.file)).toContain('rule')
  }, 300_000)

  it('refuses a set of shards that is incomplete, repeated or not shards', async () => {
    const io = captureIo(ROOT)
    expect(await runCli(['merge', 'package.json'], io)).toBe(2)
    expect(io.stderr).toContain('package.json: field "shard" is missing')
    expect(io.stderr.split('\n').filter(Boolean)).toHaveLength(1)
  })
})
