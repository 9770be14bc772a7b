/**
 * Where jobs run: in the main thread, one after another (`workers: 1`), or on a pool of worker
 * threads. Either way results come back keyed by the job, never by completion order, so the report
 * is the same for any worker count.
 */
import { Worker } from 'node:worker_threads'
import { yieldToEventLoop } from '../../clock.ts'
import type { CreateManager } from '../../manager/contract.ts'
import { LabError, type LabErrorCode } from '../../errors.ts'
import { type Job, type JobResult, type ManagerSource, runJob } from './jobs.ts'
import type { FromWorker, ToWorker, WorkerFailure } from './protocol.ts'

export interface JobRunner {
  /** Runs `job`; `onRun` fires as each timeline or interleaving in it completes. */
  run(job: Job, onRun?: () => void): Promise<JobResult>
  close(): Promise<void>
}

/**
 * Jobs in this thread, one at a time, with one event-loop turn between jobs: a long run that never
 * returns to the event loop keeps garbage alive (the heap grew from 84 to 523 MB across providers
 * without it, and stayed near 32 MB with it).
 */
export function createInlineRunner(createManager: CreateManager): JobRunner {
  let queue: Promise<unknown> = Promise.resolve()
  return {
    run(job, onRun) {
      const result = queue.then(async () => {
        await yieldToEventLoop()
        return runJob(job, createManager, onRun)
      })
      queue = result.catch(() => undefined)
      return result
    },
    close: () => Promise.resolve(),
  }
}

interface Pending {
  job: Job
  onRun: (() => void) | undefined
  resolve: (result: JobResult) => void
  reject: (error: Error) => void
}

interface Slot {
  worker: Worker
  current?: { id: number; pending: Pending }
}

function errorFrom(failure: WorkerFailure): Error {
  if (failure.code !== undefined) return new LabError(failure.code as LabErrorCode, failure.message)
  const error = new Error(failure.message)
  if (failure.stack !== undefined) error.stack = failure.stack
  return error
}

/**
 * A pool of `size` worker threads, started on first use. Each worker loads the manager from `source`
 * once (a user's module is imported in every worker) and then takes jobs as it becomes idle.
 */
export function createThreadRunner(size: number, source: ManagerSource): JobRunner {
  const waiting: Pending[] = []
  const slots: Slot[] = []
  let nextId = 1
  let broken: Error | undefined

  const fail = (slot: Slot, error: Error) => {
    broken ??= error
    if (slot.current) slot.current.pending.reject(error)
    slot.current = undefined
    for (const p of waiting.splice(0)) p.reject(error)
  }

  const dispatch = (slot: Slot) => {
    const pending = waiting.shift()
    if (!pending) return
    const id = nextId++
    slot.current = { id, pending }
    const message: ToWorker = { type: 'job', id, job: pending.job }
    slot.worker.postMessage(message)
  }

  const start = (): Slot => {
    const worker = new Worker(new URL('./bootstrap.mjs', import.meta.url), {
      workerData: { source },
    })
    const slot: Slot = { worker }
    worker.on('message', (message: FromWorker) => {
      const current = slot.current
      if (!current || message.id !== current.id) return
      if (message.type === 'run') {
        current.pending.onRun?.()
        return
      }
      slot.current = undefined
      if (message.type === 'done') current.pending.resolve(message.result)
      else current.pending.reject(errorFrom(message.failure))
      dispatch(slot)
    })
    worker.on('error', (error) => fail(slot, error))
    worker.on('exit', (code) => {
      if (slot.current) fail(slot, new Error(`a worker thread exited (code ${code}) in the middle of a job`))
    })
    slots.push(slot)
    return slot
  }

  return {
    run(job, onRun) {
      if (broken) return Promise.reject(broken)
      return new Promise<JobResult>((resolve, reject) => {
        waiting.push({ job, onRun, resolve, reject })
        const idle = slots.find((s) => !s.current)
        if (idle) dispatch(idle)
        else if (slots.length < size) dispatch(start())
      })
    },
    async close() {
      await Promise.all(slots.map((s) => s.worker.terminate()))
      slots.length = 0
    },
  }
}
