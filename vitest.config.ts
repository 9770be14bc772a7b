import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'mocks/**/*.test.ts', 'scenarios/**/*.test.ts', 'scripts/**/*.test.ts'],
    // Property suites run whole simulated years; the virtual clock keeps them fast, but give slow CI boxes room.
    testTimeout: 120_000,
    // The default leaves a core idle on 2-core CI machines; the suites are CPU-bound and independent.
    maxWorkers: 2,
    hookTimeout: 60_000,
    reporters: process.env['VITEST_JSON_OUT'] ? ['default', 'json'] : ['default'],
    outputFile: process.env['VITEST_JSON_OUT'] ? { json: process.env['VITEST_JSON_OUT'] } : undefined,
  },
})
