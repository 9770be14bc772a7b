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
  /** Jobs sent to this thread and not answered yet, by message id (the thread plays them in order). */
  sent: Map<number, Pending>
}

/**
 * Jobs a thread holds at once: the one it plays and the next, so it never waits for the main thread
 * (which plays jobs too, and reads the thread's messages only between its own jobs) to hand it work.
 */
const THREAD_DEPTH = 2

function errorFrom(failure: WorkerFailure): Error {
  if (failure.code !== undefined) return new LabError(failure.code as LabErrorCode, failure.message)
  const error = new Error(failure.message)
  if (failure.stack !== undefined) error.stack = failure.stack
  return error
}

/**
 * `size` workers: this thread plus `size - 1` worker threads, started on first use. Each worker
 * thread loads the manager from `source` once (a user's module is imported in every thread) and
 * takes jobs as it has room; this thread plays jobs with `createManager` between them. Letting the
 * main thread work saves one thread's modules and heap (about 140 MB) at no cost in wall time: it
 * only waited while the threads played.
 */
export function createThreadRunner(
  size: number,
  source: ManagerSource,
  createManager: CreateManager,
): JobRunner {
  const waiting: Pending[] = []
  const slots: Slot[] = []
  const threads = Math.max(1, size - 1)
  let nextId = 1
  let broken: Error | undefined
  let inlineBusy = false

  const fail = (slot: Slot, error: Error) => {
    broken ??= error
    for (const pending of slot.sent.values()) pending.reject(error)
    slot.sent.clear()
    for (const p of waiting.splice(0)) p.reject(error)
  }

  const send = (slot: Slot, pending: Pending) => {
    const id = nextId++
    slot.sent.set(id, pending)
    const message: ToWorker = { type: 'job', id, job: pending.job }
    slot.worker.postMessage(message)
  }

  const start = (): Slot => {
    const worker = new Worker(new URL('./bootstrap.mjs', import.meta.url), {
      workerData: { source },
    })
    const slot: Slot = { worker, sent: new Map() }
    worker.on('message', (message: FromWorker) => {
      const pending = slot.sent.get(message.id)
      if (!pending) return
      if (message.type === 'run') {
        pending.onRun?.()
        return
      }
      slot.sent.delete(message.id)
      if (message.type === 'done') pending.resolve(message.result)
      else pending.reject(errorFrom(message.failure))
      pump()
    })
    worker.on('error', (error) => fail(slot, error))
    worker.on('exit', (code) => {
      if (slot.sent.size > 0)
        fail(slot, new Error(`a worker thread exited (code ${code}) in the middle of a job`))
    })
    slots.push(slot)
    return slot
  }

  /** This thread's share: one job at a time, with an event-loop turn before each (see createInlineRunner). */
  const playInline = async () => {
    inlineBusy = true
    try {
      for (let pending = waiting.shift(); pending; pending = waiting.shift()) {
        await yieldToEventLoop()
        if (broken) {
          pending.reject(broken)
          continue
        }
        try {
          pending.resolve(await runJob(pending.job, createManager, pending.onRun))
        } catch (error) {
          pending.reject(error instanceof Error ? error : new Error(String(error)))
        }
        // Threads that finished while this thread played get their next jobs first.
        await yieldToEventLoop()
      }
    } finally {
      inlineBusy = false
    }
  }

  /** Hands waiting jobs to threads with room (starting threads up to `threads`), then to this thread. */
  const pump = () => {
    while (waiting.length > 0) {
      const roomy =
        slots.find((s) => s.sent.size < THREAD_DEPTH) ?? (slots.length < threads ? start() : undefined)
      if (!roomy) break
      const pending = waiting.shift()
      if (pending) send(roomy, pending)
    }
    if (waiting.length > 0 && !inlineBusy) void playInline()
  }

  return {
    run(job, onRun) {
      if (broken) return Promise.reject(broken)
      return new Promise<JobResult>((resolve, reject) => {
        waiting.push({ job, onRun, resolve, reject })
        // Every unit is queued in one synchronous pass: hand them out once that pass is over.
        queueMicrotask(pump)
      })
    },
    async close() {
      await Promise.all(slots.map((s) => s.worker.terminate()))
      slots.length = 0
    },
  }
}
