// A worker thread starts here: plain JavaScript that teaches this thread TypeScript (tsx), then loads
// the worker. Node does not carry the main thread's `--import tsx` hooks into worker threads, and
// vitest's transform does not reach them either; registering here works under both.
import { register } from 'tsx/esm/api'

register()
await import('./worker.ts')
