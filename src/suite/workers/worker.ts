/** A worker thread's main: load the manager once, then play each job the pool sends. */
import { parentPort, workerData } from 'node:worker_threads'
import type { CreateManager } from '../../manager/contract.ts'
import { LabError } from '../../errors.ts'
import { type ManagerSource, managerFrom, runJob } from './jobs.ts'
import type { FromWorker, ToWorker, WorkerFailure } from './protocol.ts'

const port = parentPort
if (!port) throw new Error('src/suite/workers/worker.ts runs as a worker thread only')
const { source } = workerData as { source: ManagerSource }
let manager: Promise<CreateManager> | undefined

function failureOf(error: unknown): WorkerFailure {
  if (error instanceof LabError) return { message: error.message, code: error.code }
  if (error instanceof Error)
    return { message: error.message, ...(error.stack ? { stack: error.stack } : {}) }
  return { message: String(error) }
}

/** Jobs play one after another even when the pool sends the next one early: a job's quirk counts are this thread's. */
let queue: Promise<void> = Promise.resolve()

async function play(message: ToWorker): Promise<void> {
  const send = (reply: FromWorker) => port?.postMessage(reply)
  try {
    manager ??= managerFrom(source)
    const result = await runJob(message.job, await manager, () => send({ type: 'run', id: message.id }))
    send({ type: 'done', id: message.id, result })
  } catch (error) {
    send({ type: 'failed', id: message.id, failure: failureOf(error) })
  }
}

port.on('message', (message: ToWorker) => {
  queue = queue.then(() => play(message))
})
