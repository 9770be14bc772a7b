/**
 * @mswjs/data, loaded without its MSW request-handler generators.
 *
 * Its `factory.js` requires `generateRestHandlers` and `generateGraphQLHandlers` when it loads, for
 * `toHandlers()`, and they require `msw` and `graphql`: about 27 MB of RSS and 9 MB of heap in every
 * thread that loads the store (a 2-worker run loads it twice, and `serve` once). The lab never calls
 * `toHandlers()`: its mocks are Hono apps. So this module puts a stand-in for those two files in
 * Node's CommonJS cache before @mswjs/data loads; the stand-in throws if it is ever called. The rest
 * of @mswjs/data (the Database, models, queries) is the package's own code, unchanged.
 *
 * This rests on @mswjs/data 0.16's file layout (the version is pinned); `mswjs-data.test.ts` fails if
 * the files move, if the store stops working, or if msw is loaded after all.
 */
import { createRequire } from 'node:module'

type MswjsData = typeof import('@mswjs/data')

/** The files of @mswjs/data 0.16 that require msw and graphql, and the functions each exports. */
const HANDLER_GENERATORS = {
  '@mswjs/data/lib/model/generateRestHandlers.js': ['generateRestHandlers'],
  '@mswjs/data/lib/model/generateGraphQLHandlers.js': ['generateGraphQLHandlers', 'generateGraphQLSchema'],
} as const

function notAvailable(name: string): () => never {
  return () => {
    throw new Error(
      `@mswjs/data's ${name} (toHandlers, toGraphQLSchema) is not loaded in reconnect-lab: its mocks are Hono apps (mocks/mswjs-data.ts)`,
    )
  }
}

function loadWithoutHandlers(): MswjsData {
  // Not named `require`, so that a bundler leaves these calls to Node at run time.
  const load = createRequire(import.meta.url)
  for (const [file, names] of Object.entries(HANDLER_GENERATORS)) {
    const path = load.resolve(file)
    if (load.cache[path] !== undefined) continue
    const exports = Object.fromEntries(names.map((name) => [name, notAvailable(name)]))
    // A module record as Node's loader keeps it: loaded, with the stand-in's exports.
    const record = { id: path, filename: path, loaded: true, exports }
    load.cache[path] = record as unknown as NodeJS.Module
  }
  return load('@mswjs/data') as MswjsData
}

export const { factory, nullable, primaryKey } = loadWithoutHandlers()
