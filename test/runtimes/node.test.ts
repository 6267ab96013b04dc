// The conformance suite under Node, in-process, against the built dist/ (through ./sdk.mjs).
import { describe, expect, it } from 'vitest'
import { CASE_COUNT, runSuite } from '../conformance/suite.ts'
import { requireBuild } from './built.ts'

describe('conformance: Node', () => {
  it(`passes all ${CASE_COUNT} cases against dist/`, { timeout: 60_000 }, async () => {
    requireBuild()
    const lib = await import('./sdk.mjs')
    const lines: string[] = []
    const result = await runSuite(lib, { log: (line) => lines.push(line) })
    console.log(`node ${process.version} (V8 ${process.versions.v8}): ${result.passed} passed, ${result.failed} failed`)
    expect(result.failures).toEqual([])
    expect(result).toMatchObject({ passed: CASE_COUNT, failed: 0 })
    expect(lines.at(-1)).toBe(`${CASE_COUNT} passed, 0 failed`)
  })
})
