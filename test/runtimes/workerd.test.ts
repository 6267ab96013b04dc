// The built SDK inside workerd (Cloudflare's runtime, from the miniflare package): the conformance suite as a
// Worker, then a Worker verifying bearer tokens against a provider served by this process on 127.0.0.1:
// concurrent first requests of one isolate, rotation, an outage, the Cache API store across isolates, and
// what workerd does to work one request starts and another awaits (workerd ties I/O to the request that
// started it). One workerd process for the whole file.
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CASE_COUNT } from '../conformance/suite.ts'
import { AUDIENCE, DISCOVERY, JWKS, startHttpIdp, type HttpIdp } from '../fleet/http-idp.ts'
import { requireBuild, summary } from './built.ts'
import { startWorkers } from './workerd.ts'

const workerdVersion = (createRequire(import.meta.url)('workerd/package.json') as { version: string }).version

let idp: HttpIdp
let workers: Awaited<ReturnType<typeof startWorkers>>

beforeAll(async () => {
  requireBuild()
  idp = await startHttpIdp()
  workers = await startWorkers([
    { name: 'conformance', entry: 'test/runtimes/workerd-conformance.ts' },
    {
      name: 'bearer',
      entry: 'test/runtimes/workerd-worker.ts',
      options: {
        bindings: { ISSUER: idp.issuer, AUDIENCE },
        kvNamespaces: ['JWKS_KV'],
        cache: true,
        compatibilityFlags: ['nodejs_als'],
      },
    },
  ])
}, 60_000)

afterAll(async () => {
  await workers?.dispose()
  await idp?.close()
})

/** A request to the bearer Worker; `v` names the verifier (one per scenario) and its options. */
async function call(
  query: string,
  token?: string,
  path = '/verify',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` }
  const response = await workers.fetch('bearer', `${path}?${query}`, { headers })
  const text = await response.text()
  let body: Record<string, unknown>
  try {
    body = JSON.parse(text) as Record<string, unknown>
  } catch {
    body = { text }
  }
  return { status: response.status, body }
}

/** Settles with the outcome, or 'hung' when `promise` has not settled within `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'hung'> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), ms)
  })
  try {
    return await Promise.race([promise, hung])
  } finally {
    clearTimeout(timer)
  }
}

const advance = (ms: number) => call(`advance=${ms}`, undefined, '/clock')
const resetClock = () => call('set=0', undefined, '/clock')
const events = async (v: string) => (await call(`v=${v}`, undefined, '/events')).body as unknown as string[]

describe('workerd', () => {
  it(
    `conformance: all ${CASE_COUNT} cases pass against dist/ in workerd ${workerdVersion}`,
    { timeout: 60_000 },
    async () => {
      const response = await workers.fetch('conformance', '/')
      const result = (await response.json()) as {
        passed: number
        failed: number
        failures: string[]
        lines: string[]
        userAgent: string
      }
      console.log(`workerd ${workerdVersion} (${result.userAgent}): ${result.passed} passed, ${result.failed} failed`)
      expect(result.failures).toEqual([])
      expect(summary(result.lines.join('\n'))).toEqual({ passed: CASE_COUNT, failed: 0 })
    },
  )

  it('bearer Worker: 200 with sub, 401 with the error code', async () => {
    idp.reset()
    expect(await call('v=basic', await idp.mint('alice'))).toMatchObject({ status: 200, body: { sub: 'alice' } })
    expect(await call('v=basic')).toMatchObject({ status: 401 })
    expect(await call('v=basic', await idp.mint('alice', { audience: 'someone-else' }))).toMatchObject({
      status: 401,
      body: { code: 'ERR_CLAIM_INVALID' },
    })
    expect(await call('v=basic', 'not.a.token')).toMatchObject({ status: 401, body: { code: 'ERR_TOKEN_MALFORMED' } })
  })

  it('concurrent first requests of one isolate: one discovery and one key set request', async () => {
    idp.reset()
    const token = await idp.mint('bob')
    const results = await Promise.all(Array.from({ length: 20 }, () => call('v=concurrent', token)))
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200))
    expect([idp.count(DISCOVERY), idp.count(JWKS)]).toEqual([1, 1])
  })

  it('rotation: a new kid is found with one refetch of the key set', async () => {
    idp.reset()
    expect((await call('v=rotation', await idp.mint('carol'))).status).toBe(200)
    await idp.rotate()
    expect(await call('v=rotation', await idp.mint('carol'))).toMatchObject({ status: 200, body: { sub: 'carol' } })
    expect([idp.count(DISCOVERY), idp.count(JWKS)]).toEqual([1, 2])
  })

  it('outage: keys cached before the provider went down keep verifying', async () => {
    idp.reset()
    await resetClock()
    const token = await idp.mint('dave')
    expect((await call('v=outage', token)).status).toBe(200)
    idp.down = true
    await advance(700_000) // past the 600 s of freshness, within the 6 h of stale-if-error
    try {
      expect(await call('v=outage', token)).toMatchObject({ status: 200, body: { sub: 'dave' } })
      expect(idp.count()).toBeGreaterThan(2) // a refetch was tried and failed
    } finally {
      idp.down = false
    }
  })

  for (const store of ['cache', 'kv'] as const) {
    it(`${store === 'cache' ? 'cacheApiStore()' : 'the Workers KV example store'}: keys survive into a new isolate with no request to the provider`, async () => {
      idp.reset()
      await resetClock()
      const token = await idp.mint('grace')
      // waitUntil, as docs/caching.md says: the key set is written to the store after the verification has
      // answered, and workerd cancels what a finished request left running.
      const first = await call(`v=${store}-survives&store=${store}&waitUntil=1`, token)
      expect(first).toMatchObject({ status: 200, body: { sub: 'grace' } })
      expect(idp.count()).toBe(2)
      await workers.restart() // a new workerd process: new isolates, nothing in memory; the cache and KV persist
      const second = await call(`v=${store}-survives&store=${store}&waitUntil=1`, token)
      expect(second).toMatchObject({ status: 200, body: { sub: 'grace' } })
      expect(second.body.isolate).not.toBe(first.body.isolate)
      expect(await events(`${store}-survives`)).toEqual([])
      expect(idp.count()).toBe(2)
      // Without a shared store, the new isolate asks the provider again.
      expect((await call(`v=${store}-memory`, token)).status).toBe(200)
      expect(idp.count()).toBe(4)
    })
  }

  describe('work shared between requests', () => {
    it('a first fetch started by request A, which answered before it settled, is awaited by request B', async () => {
      idp.reset()
      const token = await idp.mint('erin')
      const gate = idp.hold()
      expect((await call('v=handoff', token, '/start')).status).toBe(202) // A is over
      await gate.arrived(1) // A's discovery request is in flight
      const b = call('v=handoff', token)
      await new Promise((resolve) => setTimeout(resolve, 200)) // B awaits A's fetch
      gate.release()
      const outcome = await within(b, 8000)
      console.log('handoff: B ->', JSON.stringify(outcome), 'events:', JSON.stringify(await events('handoff')))
      expect(outcome).toMatchObject({ status: 200, body: { sub: 'erin' } })
    })

    for (const waitUntil of [false, true]) {
      it(`a background refresh started by one request outlives it${waitUntil ? ' (waitUntil option)' : ''}`, async () => {
        idp.reset()
        await resetClock()
        const v = `v=background-${waitUntil}${waitUntil ? '&waitUntil=1' : ''}`
        const token = await idp.mint('frank')
        expect((await call(v, token)).status).toBe(200)
        await advance(500_000) // in the last quarter of the 600 s: the next use renews the keys in the background
        const gate = idp.hold()
        expect((await call(v, token)).status).toBe(200) // answered from cache; the refresh is still in flight
        await gate.arrived(1)
        gate.release()
        await new Promise((resolve) => setTimeout(resolve, 200))
        await advance(200_000) // past the old copy's freshness
        const outcome = await within(call(v, token), 8000)
        console.log(
          `background (waitUntil ${waitUntil}) ->`,
          JSON.stringify(outcome),
          'events:',
          JSON.stringify(await events(`background-${waitUntil}`)),
        )
        expect(outcome).toMatchObject({ status: 200, body: { sub: 'frank' } })
      })
    }
  })
})
