// The conformance suite as a Worker module: one request runs every case against the built dist/ inside workerd
// and answers with the result. Bundled by test/runtimes/workerd.ts.
import * as lib from './sdk.mjs'
import { CASE_COUNT, runSuite } from '../conformance/suite.ts'

export default {
  async fetch(): Promise<Response> {
    const lines: string[] = []
    const result = await runSuite(lib, { log: (line) => lines.push(line) })
    return Response.json({ ...result, lines, caseCount: CASE_COUNT, userAgent: navigator.userAgent })
  },
}
