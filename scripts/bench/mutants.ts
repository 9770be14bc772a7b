/**
 * Bench (f): each shipped mutant (scenarios/mutants/), the time selfcheck takes to catch it and shrink
 * its counterexample, one mutant at a time (target: at most 5 s median).
 */
import { MUTANTS } from '../../scenarios/mutants/index.ts'
import { startStopwatch } from '../../src/clock.ts'
import { runSelfcheck } from '../../src/cli/commands/selfcheck.ts'
import { figureOf, isMain } from './figures.ts'
import type { BenchFigure, BenchSection } from './section.ts'

export async function run(opts: { trials: number; quick?: boolean }): Promise<BenchSection> {
  const figures: BenchFigure[] = []
  const notes: string[] = []
  const trials = opts.quick ? 1 : Math.min(opts.trials, 2)
  for (const mutant of opts.quick ? MUTANTS.slice(0, 3) : MUTANTS) {
    const seconds: number[] = []
    let caught = false
    let rule: string | undefined
    for (let k = 0; k < trials; k++) {
      const elapsed = startStopwatch()
      const result = await runSelfcheck({
        mutants: [mutant.id],
        checkReference: false,
        runs: opts.quick ? 20 : 100,
      })
      seconds.push(elapsed() / 1000)
      const row = result.mutants?.[0]
      caught = row?.status === 'caught'
      rule = row?.caught?.rule
    }
    figures.push(
      figureOf(`${mutant.id}${caught ? ` (${rule})` : ' (NOT caught)'}`, 's', seconds, { target: '<= 5' }),
    )
    if (!caught) notes.push(`${mutant.id} was not caught`)
  }
  return { name: '(f) mutants caught and shrunk', figures, ...(notes.length > 0 ? { notes } : {}) }
}

if (isMain(import.meta.url)) console.log(JSON.stringify(await run({ trials: 1 }), null, 2))
