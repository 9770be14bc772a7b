// How the CLI starts: from a bundle of its TypeScript sources, built with esbuild on first use and
// kept under node_modules/.cache/reconnect-lab/<fingerprint>/, or from the sources through tsx.
//
// Why a bundle: tsx transforms every module through loader hooks in each thread, and keeps function
// names (esbuild's keepNames) at a cost on every closure. A default `run` from the bundle used about
// 20% less CPU and 60 MB less memory per thread (docs/PERFORMANCE.md, "Start-up: the CLI bundle").
// The bundle is rebuilt whenever any file under src/, mocks/ or scenarios/ changes (a content hash
// of all of them, about 30 ms), so it is never stale; building it takes about 0.2 s.
//
// Why tsx for `--manager`: a user's module is TypeScript that may import the harness's own modules
// (`src/manager/reference-manager.ts`, `src/errors.ts`). Under the bundle those would be a second
// copy beside the bundled one (two LabError classes, two module states), so such runs load the
// sources through tsx, as before, and share one copy.
import { createHash, randomBytes } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { setFlagsFromString } from 'node:v8'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SOURCES = ['src', 'mocks', 'scenarios']
const CACHE = join(ROOT, 'node_modules', '.cache', 'reconnect-lab')

/** The sources and this file (its build options): any change makes a new bundle. */
function fingerprint() {
  const hash = createHash('sha256')
  hash.update(readFileSync(fileURLToPath(import.meta.url)))
  for (const dir of SOURCES) {
    const files = readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
      .sort()
    for (const file of files) {
      hash.update(file.slice(ROOT.length))
      hash.update('\0')
      hash.update(readFileSync(file))
    }
  }
  return hash.digest('hex').slice(0, 16)
}

/** Builds the bundle into a fresh directory and moves it into place (two launches may race: both win). */
async function build(target) {
  const { build: esbuild } = await import('esbuild')
  const scratch = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
  mkdirSync(scratch, { recursive: true })
  try {
    await esbuild({
      entryPoints: { main: join(ROOT, 'src/cli/main.ts'), worker: join(ROOT, 'src/suite/workers/worker.ts') },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // Dependencies stay in node_modules, resolved from the cache directory upwards.
      packages: 'external',
      outdir: scratch,
      outExtension: { '.js': '.mjs' },
      sourcemap: 'linked',
      logLevel: 'silent',
    })
    // A worker thread starts here (src/suite/workers/pool.ts opens ./bootstrap.mjs beside itself).
    writeFileSync(
      join(scratch, 'bootstrap.mjs'),
      "process.setSourceMapsEnabled(true)\nawait import('./worker.mjs')\n",
    )
    try {
      renameSync(scratch, target)
    } catch (error) {
      // Another launch moved its identical build into place first.
      if (!existsSync(join(target, 'main.mjs'))) throw error
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
  // Builds of other sources an hour older than this one: a run still going on one (its sources edited
  // since) may yet start a worker thread from it, so recent ones stay.
  const built = statSync(target).mtimeMs
  for (const old of readdirSync(CACHE)) {
    const dir = join(CACHE, old)
    if (dir !== target && statSync(dir).mtimeMs < built - 3_600_000)
      rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * How far V8 lets a heap grow past what it kept at its last full GC: 1 + percent/100 times. V8's own
 * factor reached about 4 here: a default run keeps about 25 MB per thread after a full GC, yet each
 * heap grew to 100-110 MB between its three full GCs, so peak RSS (main thread plus one worker
 * thread) was about 320 MB. At 2x it was about 245 MB for 1-2% more wall time (docs/PERFORMANCE.md,
 * "Memory: heap growth"). V8 reads the flag at every full GC, so setting it now covers every heap of
 * the process, worker threads included. A flag the user set (command line or NODE_OPTIONS) wins.
 */
const HEAP_GROWING_PERCENT = 100

function tuneHeapGrowth() {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)]
  if (given.some((flag) => /heap[-_]growing[-_]percent/.test(flag))) return
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`)
}

function wantsSources(argv) {
  if (process.env.RECONNECT_LAB_NO_BUNDLE === '1') return true
  return argv.some((arg) => arg === '--manager' || arg.startsWith('--manager='))
}

async function fromSources() {
  const { register } = await import('tsx/esm/api')
  register()
  await import(pathToFileURL(join(ROOT, 'src/cli/main.ts')).href)
}

export async function launch() {
  tuneHeapGrowth()
  if (wantsSources(process.argv.slice(2))) return fromSources()
  let main
  try {
    const target = join(CACHE, fingerprint())
    main = join(target, 'main.mjs')
    if (!existsSync(main)) {
      mkdirSync(dirname(target), { recursive: true })
      await build(target)
    }
  } catch (error) {
    process.stderr.write(
      `reconnect-lab: could not build the CLI bundle (${error instanceof Error ? error.message : String(error)}); running the TypeScript sources through tsx\n`,
    )
    return fromSources()
  }
  // Stack traces name src/ files, as they do under tsx (load.ts tells the harness's frames by them).
  process.setSourceMapsEnabled(true)
  process.env.RECONNECT_LAB_ROOT = ROOT
  await import(pathToFileURL(main).href)
}
