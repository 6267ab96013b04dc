// The bench's own smoke test: the cold-path request counts are correctness properties of the cache (one
// fetch shared by concurrent verifications, zero requests on a warm reload, one refetch per cooldown for a
// flood of unknown kids), so they are asserted here at small sizes; and the hot-path module must produce a
// number for every contender in Node. No timing is asserted: timings belong to `npm run bench`.
import * as jose from 'jose'
import { JwtVerifier } from 'aws-jwt-verify'
import { describe, expect, it } from 'vitest'
import * as sdk from '../../src/index.ts'
import { runColdNode } from '../../bench/cold.mjs'
import { runBoundary } from '../../bench/boundary.mjs'
import { CONTENDERS, MODES, formatHot, runHot } from '../../bench/hot.mjs'

describe('bench smoke', () => {
  it('cold paths: the provider sees 1+1 requests for 200 concurrent verifications, 0 on a warm reload, one refetch per cooldown for 500 unknown kids', async () => {
    const { rows } = await runColdNode({ sdk, jose, reps: 0, concurrent: 200, flood: 500 })
    const byId = Object.fromEntries(rows.map((row) => [row.id, row]))
    expect(Object.keys(byId)).toEqual(['warm-reload', 'concurrent', 'flood'])
    expect(byId['warm-reload']).toMatchObject({ requests: 0, pass: true })
    expect(byId.concurrent).toMatchObject({ requests: { discovery: 1, jwks: 1 }, pass: true })
    // One refetch for the first wave, none more inside the window; the later ones share the next one.
    expect(byId.flood).toMatchObject({ requests: { firstWave: 1, inWindow: 1, total: 2, discovery: 0 }, pass: true })
  })

  it('max-age boundary: a key withdrawn just before a boundary never verifies past the max-age of the last copy that held it', async () => {
    // Three 1 s lifetimes under a verification every ~1 ms: the set is renewed ahead of expiry, and the key the
    // provider withdrew verifies before, is refused after, and never once past max-age. No timing asserted.
    const report = await runBoundary({ sdk, maxAge: 1, boundaries: 3, latency: 50 })
    expect(report.failed).toBe(0)
    expect(report.withdrawn.verified).toBeGreaterThan(0)
    expect(report.withdrawn.refused).toBeGreaterThan(0)
    expect(report.withdrawn.afterMaxAge).toBe(0)
    // Renewed about once per 0.75 s lifetime, plus one refetch for the withdrawn kid: no more.
    expect(report.requests.jwks).toBeGreaterThanOrEqual(3)
    expect(report.requests.jwks).toBeLessThanOrEqual(8)
    expect(report.requests.discovery).toBeLessThanOrEqual(7)
  }, 20_000)

  it('hot path: one tiny round in Node yields ops/s for every contender, algorithm and mode', async () => {
    const report = await runHot({ sdk, jose, JwtVerifier, rounds: 1, slice: 10 })
    expect(report.runtime).toMatch(/^node v\d+/)
    expect(report.contenders).toEqual(CONTENDERS)
    expect(report.results.map((r) => `${r.mode} ${r.alg}`)).toEqual(
      MODES.flatMap((mode) => ['RS256', 'PS256', 'ES256', 'EdDSA'].map((alg) => `${mode.name} ${alg}`)),
    )
    for (const row of report.results) {
      for (const contender of CONTENDERS) {
        const ops = row.opsPerSec[contender]
        // aws-jwt-verify has no RSA-PSS: its PS256 cell is the one n/a.
        if (contender === 'aws' && row.alg === 'PS256') expect(ops).toBeNaN()
        else expect(ops, `${row.mode} ${row.alg} ${contender}`).toBeGreaterThan(0)
      }
      expect(Number.isFinite(row.ratios.jose) && Number.isFinite(row.ratios.floor)).toBe(true)
    }
    const table = formatHot(report)
    expect(table).toContain('ours/jose')
    expect(table.split('\n').filter((line) => /^(sequential|16 in flight) /.test(line))).toHaveLength(8)
  })
})
