/** The messages between the pool (main thread) and a worker thread. Plain data only. */
import type { Job, JobResult } from './jobs.ts'

export type ToWorker = { type: 'job'; id: number; job: Job }

/** A job that threw, as data: a LabError keeps its code, so the CLI still exits 2 for a user's mistake. */
export interface WorkerFailure {
  message: string
  code?: string
  stack?: string
}

export type FromWorker =
  | { type: 'run'; id: number }
  | { type: 'done'; id: number; result: JobResult }
  | { type: 'failed'; id: number; failure: WorkerFailure }
