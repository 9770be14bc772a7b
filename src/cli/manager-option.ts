/**
 * How every command picks the manager under test, in one place: the reference manager, an
 * in-process module (`--manager <path>`), or a process speaking the manager protocol
 * (`--manager-cmd "<command>"`, docs/PROTOCOL.md). Commands add the options with
 * `addManagerOptions` and get a ready CreateManager from `resolveManager`; `close()` ends a
 * manager process (always call it, in a finally).
 */
import { type Command, Option } from 'commander'
import type { CreateManager, ProviderId } from '../manager/contract.ts'
import { DEFAULT_CALL_TIMEOUT_MS, loadManagerModule } from '../manager/load.ts'
import { startProtocolManager } from '../manager/protocol/protocol-manager.ts'
import { createManager as createReferenceManager } from '../manager/reference-manager.ts'
import { LabError } from '../errors.ts'
import type { ManagerSource } from '../suite/workers/jobs.ts'

export interface ManagerChoice {
  managerPath?: string
  managerCmd?: string
  callTimeoutMs?: number
}

export interface ResolvedManager {
  createManager: CreateManager
  label: string
  /** The manager process's stderr (redacted), when it is one. */
  stderr?: () => string
  /** The manager process answers `settle` (declared in its initialize answer). */
  settles?: boolean
  /**
   * How a worker thread gets this manager for itself (functions do not cross threads): absent for a
   * manager process (`--manager-cmd`) or a factory handed in by code, which then run in this thread.
   */
  source?: ManagerSource
  close(): Promise<void>
}

/** `--manager-cmd` (and its help) for a command; `--manager` and `--call-timeout` stay where they are. */
export function addManagerCmdOption(command: Command): Command {
  return command.addOption(
    new Option(
      '--manager-cmd <command>',
      'a command that starts a token manager in any language speaking the manager protocol over stdin/stdout (docs/PROTOCOL.md)',
    ),
  )
}

export async function resolveManager(
  choice: ManagerChoice,
  context: {
    cwd: string
    probeProviders: readonly ProviderId[]
    fallback?: CreateManager
    fallbackLabel?: string
  },
): Promise<ResolvedManager> {
  if (choice.managerPath !== undefined && choice.managerCmd !== undefined)
    throw new LabError('USAGE', '--manager and --manager-cmd are two ways to name the manager: give one')
  if (choice.managerCmd !== undefined) {
    if (choice.managerCmd.trim() === '') throw new LabError('USAGE', '--manager-cmd needs a command')
    const started = await startProtocolManager({
      command: choice.managerCmd,
      cwd: context.cwd,
      ...(choice.callTimeoutMs !== undefined ? { callTimeoutMs: choice.callTimeoutMs } : {}),
    })
    return {
      createManager: started.createManager,
      label: started.label,
      stderr: started.stderr,
      settles: started.settles,
      close: started.close,
    }
  }
  if (choice.managerPath !== undefined) {
    const options = {
      cwd: context.cwd,
      probeProviders: context.probeProviders,
      ...(choice.callTimeoutMs !== undefined ? { callTimeoutMs: choice.callTimeoutMs } : {}),
    }
    const loaded = await loadManagerModule(choice.managerPath, options)
    return {
      createManager: loaded.createManager,
      label: loaded.label,
      source: { kind: 'module', path: choice.managerPath, options },
      close: async () => {},
    }
  }
  return {
    createManager: context.fallback ?? createReferenceManager,
    label: context.fallbackLabel ?? 'reference',
    ...(context.fallback ? {} : { source: { kind: 'reference' } as const }),
    close: async () => {},
  }
}

export { DEFAULT_CALL_TIMEOUT_MS }
