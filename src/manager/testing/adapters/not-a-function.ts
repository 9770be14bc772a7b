/** Test adapter: `createManager` is a plain object. */
export const createManager = { run: true }
