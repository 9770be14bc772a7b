/**
 * Output paths checked before any work: a `--report-dir` or `--write-baseline` that cannot be written
 * is a usage error (exit 2, one line) before the suite runs, not a stack trace after it.
 *
 * Directories are created one level at a time: Node's `mkdir(..., { recursive: true })` spins forever on
 * a path under /proc (`--report-dir /proc/x` hung at 97% CPU).
 */
import { mkdir, open, rm, stat } from 'node:fs/promises'
import { dirname, join, parse, relative, resolve } from 'node:path'
import { LabError } from '../errors.ts'

const PROBE = '.reconnect-lab-write-probe'

/** A path as the user would recognise it: relative when inside cwd, absolute otherwise. */
function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path)
  return rel === '' || rel.startsWith('..') ? path : rel
}

function reason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EROFS':
      return 'read-only file system'
    case 'ENOENT':
      return 'the file system refuses it'
    case 'ENOTDIR':
      return 'a part of the path is a file'
    case 'ENOSPC':
      return 'no space left on device'
    default:
      return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error)
  }
}

async function isDirectory(path: string): Promise<boolean | undefined> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return undefined
  }
}

/** Creates `dir` (and missing parents, one at a time) and proves a file can be written in it. */
export async function ensureWritableDir(option: string, dir: string, cwd: string): Promise<string> {
  const target = resolve(cwd, dir)
  const fail = (why: string) => new LabError('USAGE', `${option} ${dir}: ${why}`)
  const missing: string[] = []
  let at = target
  for (;;) {
    const kind = await isDirectory(at)
    if (kind === true) break
    if (kind === false) throw fail(`${shown(at, cwd)} is a file, not a directory`)
    if (at === parse(at).root) break
    missing.unshift(at)
    at = dirname(at)
  }
  for (const part of missing) {
    try {
      await mkdir(part)
    } catch (error) {
      if ((error as { code?: unknown }).code === 'EEXIST' && (await isDirectory(part))) continue
      throw fail(`cannot create the directory (${reason(error)})`)
    }
  }
  const probe = join(target, PROBE)
  try {
    const handle = await open(probe, 'w')
    await handle.close()
    await rm(probe, { force: true })
  } catch (error) {
    throw fail(`cannot write files there (${reason(error)})`)
  }
  return target
}

/** Proves `file` can be written (its directory exists and takes a file) without changing it. */
export async function ensureWritableFile(option: string, file: string, cwd: string): Promise<string> {
  const target = resolve(cwd, file)
  const fail = (why: string) => new LabError('USAGE', `${option} ${file}: ${why}`)
  const kind = await isDirectory(target)
  if (kind === true) throw fail('is a directory; give a file name')
  const parent = await isDirectory(dirname(target))
  if (parent !== true) throw fail(`its directory ${shown(dirname(target), cwd)} does not exist`)
  try {
    // Append mode: an existing baseline is left as it is until the run rewrites it.
    const handle = await open(target, 'a')
    await handle.close()
    if (kind === undefined) await rm(target, { force: true })
  } catch (error) {
    throw fail(`cannot be written (${reason(error)})`)
  }
  return target
}
