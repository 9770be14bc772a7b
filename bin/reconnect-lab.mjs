#!/usr/bin/env node
// The package ships TypeScript sources: bin/launch.mjs runs them from a cached esbuild bundle, or
// through tsx for a `--manager` module (see there for why).
import { launch } from './launch.mjs'

await launch()
