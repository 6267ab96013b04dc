// The conformance suite as Vercel's edge runtime runs code: a classic script (bundled as an IIFE by
// test/runtimes/edge-runtime.test.ts) that leaves its result, as JSON, on a global for the host to await.
import * as lib from './sdk.mjs'
import { runSuite } from '../conformance/suite.ts'

const lines: string[] = []
;(globalThis as { conformance?: Promise<string> }).conformance = runSuite(lib, {
  log: (line) => lines.push(line),
}).then((result) => JSON.stringify({ ...result, lines }))
