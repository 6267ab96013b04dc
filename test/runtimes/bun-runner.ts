// `bun run test/runtimes/bun-runner.ts`: the conformance suite against the built dist/.
import * as lib from './sdk.mjs'
import { CASE_COUNT, runSuite } from '../conformance/suite.ts'

const result = await runSuite(lib)
console.log(`bun ${process.versions.bun} (JavaScriptCore): ${result.passed} passed, ${result.failed} failed`)
if (result.failed > 0 || result.passed !== CASE_COUNT) process.exit(1)
