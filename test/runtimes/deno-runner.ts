// `deno run --no-prompt test/runtimes/deno-runner.ts`: the conformance suite against the built dist/, with no
// permission at all. Modules load through static imports (no --allow-read), the provider is an injected fetch
// (no --allow-net), and the SDK reads no environment (no --allow-env). --no-prompt turns any access the SDK
// might attempt into an error instead of a question, so a new need for a permission fails the run.
import * as lib from './sdk.mjs'
import { CASE_COUNT, runSuite } from '../conformance/suite.ts'

declare const Deno: { version: { deno: string; v8: string; typescript: string }; exit(code: number): never }

const result = await runSuite(lib)
console.log(`deno ${Deno.version.deno} (V8 ${Deno.version.v8}): ${result.passed} passed, ${result.failed} failed`)
// No exit on success: the process must end by itself, so anything a verifier leaves open (a BroadcastChannel, a
// timer) makes the run time out and fail.
if (result.failed > 0 || result.passed !== CASE_COUNT) Deno.exit(1)
