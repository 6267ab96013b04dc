// The conformance suite in Vercel's edge runtime (the `edge-runtime` package: a V8 context with only the Web
// APIs of Vercel's Edge Functions, no Node globals), against the built dist/.
import { createRequire } from 'node:module'
import { join } from 'node:path'
import * as esbuild from 'esbuild'
import { EdgeRuntime } from 'edge-runtime'
import { describe, expect, it } from 'vitest'
import { CASE_COUNT } from '../conformance/suite.ts'
import { requireBuild, root, summary } from './built.ts'

const version = (createRequire(import.meta.url)('edge-runtime/package.json') as { version: string }).version

describe('conformance: Vercel edge runtime', () => {
  it(`passes all ${CASE_COUNT} cases against dist/ in edge-runtime ${version}`, { timeout: 60_000 }, async () => {
    requireBuild()
    const built = await esbuild.build({
      entryPoints: [join(root, 'test/runtimes/edge-runtime-entry.ts')],
      bundle: true,
      format: 'iife',
      platform: 'neutral',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    })
    const runtime = new EdgeRuntime({ initialCode: built.outputFiles[0]!.text })
    // No Node global leaks in: the SDK runs on the Web APIs alone.
    expect(await runtime.evaluate<string>('[typeof process, typeof require, typeof Buffer].join()')).toBe(
      'undefined,undefined,undefined',
    )
    const result = JSON.parse(await runtime.evaluate<Promise<string>>('conformance')) as {
      passed: number
      failed: number
      failures: string[]
      lines: string[]
    }
    console.log(`edge-runtime ${version}: ${result.passed} passed, ${result.failed} failed`)
    expect(result.failures).toEqual([])
    expect(summary(result.lines.join('\n'))).toEqual({ passed: CASE_COUNT, failed: 0 })
  })
})
