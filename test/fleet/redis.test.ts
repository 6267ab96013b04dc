// The Redis store example (examples/stores/redis.ts) against a real redis-server started here, then a simulated
// fleet: 50 verifiers in separate Node processes (the built dist/) against one provider over HTTP, on a clock
// the test moves, counting the provider's requests per freshness window with the shared store and without.
import { fork, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as esbuild from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { redisStore } from '../../examples/stores/redis.ts'
import type { CachedEntry } from '../../src/index.ts'
import { requireBuild, root } from '../runtimes/built.ts'
import { AUDIENCE, DISCOVERY, JWKS, startHttpIdp, type HttpIdp } from './http-idp.ts'
import type { Outcome, Task } from './member.ts'
import { startRedis } from './redis-server.ts'
import { connectResp, redisLike, type RespClient } from './resp.ts'

const FLEET = 50
const BATCH = 10 // processes started at once: two cores

let redis: Awaited<ReturnType<typeof startRedis>>
let client: RespClient

beforeAll(async () => {
  redis = await startRedis()
  client = await connectResp(redis.port)
})

afterAll(async () => {
  client?.close()
  await redis?.stop()
})

const entry = (fetchedAt: number, lifetime = 600_000): CachedEntry => ({
  value: { keys: [] },
  fetchedAt,
  freshUntil: fetchedAt + lifetime,
  etag: '"v1"',
})

describe('redisStore', () => {
  it('keeps entries as JSON with a TTL of freshness plus retain, without CryptoKeys', async () => {
    await client.command('FLUSHALL')
    const store = redisStore(redisLike(client), { prefix: 't1:', retain: 100 })
    const at = Date.now()
    await store.set('k', { ...entry(at), cryptoKeys: { '0:ES256': {} } })
    expect(await store.get('k')).toEqual(entry(at))
    const ttl = (await client.command('PTTL', 't1:k')) as number
    expect(ttl).toBeGreaterThan(690_000)
    expect(ttl).toBeLessThanOrEqual(700_000)
    await store.delete('k')
    expect(await client.command('EXISTS', 't1:k')).toBe(0)
  })

  it('single flight: of two instances that miss, one takes the lock and the other gets its copy', async () => {
    await client.command('FLUSHALL')
    const other = await connectResp(redis.port)
    try {
      const a = redisStore(redisLike(client), { prefix: 't2:' })
      const b = redisStore(redisLike(other), { prefix: 't2:' })
      expect(await a.get('k')).toBeUndefined() // a holds the lock: its verifier fetches
      expect(await client.command('GET', 't2:k:lock')).toEqual(expect.any(String))
      expect(await a.get('k')).toBeUndefined() // a's verifier reads again right before fetching: no wait
      const started = Date.now()
      const waiting = b.get('k')
      await new Promise((resolve) => setTimeout(resolve, 100))
      const written = entry(Date.now())
      await a.set('k', written)
      expect(await waiting).toEqual(written)
      expect(Date.now() - started).toBeLessThan(1000)
      expect(await client.command('EXISTS', 't2:k:lock')).toBe(0) // released by the write
    } finally {
      other.close()
    }
  })

  it('a copy due for renewal: the lock holder renews, the others wait for the renewed copy', async () => {
    await client.command('FLUSHALL')
    const other = await connectResp(redis.port)
    try {
      let clock = Date.now()
      const a = redisStore(redisLike(client), { prefix: 't3:', now: () => clock })
      const b = redisStore(redisLike(other), { prefix: 't3:', now: () => clock })
      const old = entry(clock)
      await a.set('k', old)
      expect(await b.get('k')).toEqual(old) // fresh: no lock
      clock += 500_000 // in the last quarter
      expect(await a.get('k')).toEqual(old) // a takes the lock and renews
      const waiting = b.get('k')
      const renewed = entry(clock)
      await a.set('k', renewed)
      expect(await waiting).toEqual(renewed)
    } finally {
      other.close()
    }
  })

  it('a lock holder that never writes costs the others one wait, then they fetch themselves', async () => {
    await client.command('FLUSHALL')
    const other = await connectResp(redis.port)
    try {
      const a = redisStore(redisLike(client), { prefix: 't4:' })
      const b = redisStore(redisLike(other), { prefix: 't4:', wait: 300 })
      expect(await a.get('k')).toBeUndefined()
      const started = Date.now()
      expect(await b.get('k')).toBeUndefined()
      expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    } finally {
      other.close()
    }
  })
})

describe('a fleet of 50 processes', () => {
  let idp: HttpIdp
  let members: ChildProcess[] = []
  let nextId = 0
  const waiting = new Map<number, (outcome: Outcome) => void>()

  beforeAll(async () => {
    requireBuild()
    idp = await startHttpIdp()
    // The member script with the example store and RESP client bundled in; the SDK is the built dist/.
    const dir = mkdtempSync(join(tmpdir(), 'idtoken-verify-fleet-'))
    const script = join(dir, 'member.mjs')
    const built = await esbuild.build({
      entryPoints: [join(root, 'test/fleet/member.ts')],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      plugins: [
        {
          name: 'dist-external',
          setup(build) {
            build.onResolve({ filter: /dist\/index\.js$/ }, () => ({
              path: join(root, 'dist/index.js'),
              external: true,
            }))
          },
        },
      ],
    })
    writeFileSync(script, built.outputFiles[0]!.text)
    const env = { ...process.env, ISSUER: idp.issuer, AUDIENCE, REDIS_PORT: String(redis.port) }
    for (let i = 0; i < FLEET; i += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, FLEET - i) }, () =>
        fork(script, [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
      )
      await Promise.all(
        batch.map(
          (child) =>
            new Promise<void>((resolve, reject) => {
              child.once('error', reject)
              child.once('exit', (code) => reject(new Error(`a fleet member exited with ${code} before it was ready`)))
              child.once('message', () => resolve())
            }),
        ),
      )
      for (const child of batch) {
        child.removeAllListeners('exit')
        child.on('message', (outcome: Outcome) => waiting.get(outcome.id)?.(outcome))
      }
      members.push(...batch)
    }
  }, 120_000)

  afterAll(async () => {
    await Promise.all(
      members.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve()
            child.once('exit', () => resolve())
            child.disconnect()
          }),
      ),
    )
    members = []
    await idp?.close()
  })

  /** Every member verifies a token issued at the fleet's clock; resolves with the provider's requests meanwhile. */
  async function round(verifier: Task['verifier'], offset: number): Promise<{ discovery: number; jwks: number }> {
    const before = { discovery: idp.count(DISCOVERY), jwks: idp.count(JWKS) }
    const token = await idp.mint('fleet-user', { at: Date.now() + offset })
    const outcomes = await Promise.all(
      members.map(
        (child) =>
          new Promise<Outcome>((resolve) => {
            const id = nextId++
            waiting.set(id, resolve)
            child.send({ id, token, verifier, offset } satisfies Task)
          }),
      ),
    )
    expect(outcomes.filter((outcome) => !('sub' in outcome))).toEqual([])
    return { discovery: idp.count(DISCOVERY) - before.discovery, jwks: idp.count(JWKS) - before.jwks }
  }

  it(
    'shares one key cache: about one request per document per freshness window instead of 50',
    { timeout: 120_000 },
    async () => {
      await client.command('FLUSHALL')
      idp.reset() // Cache-Control: max-age=600
      const shared = [
        ['cold start, all 50 at once', 0],
        ['fresh: nothing to fetch', 60_000],
        ['last quarter of the window: renewed ahead', 500_000],
        ["past the renewed copy's window", 1_200_000],
      ] as const
      const rows: string[] = []
      const perRound: Array<{ discovery: number; jwks: number }> = []
      for (const [what, offset] of shared) {
        const before = idp.count()
        await round('shared', offset)
        // A renewal ahead of expiry runs behind the verifications: give it, and whoever waits for it, time to end.
        await new Promise((resolve) => setTimeout(resolve, offset === 500_000 ? 1700 : 100))
        const counts = { discovery: idp.count(DISCOVERY), jwks: idp.count(JWKS) }
        rows.push(`shared store, t+${offset / 1000}s (${what}): ${idp.count() - before} requests`)
        perRound.push(counts)
      }
      // The same fleet with each verifier on its own memory: every instance fetches both documents.
      const solo = await round('solo', 0)
      rows.push(`memory per instance, cold start: discovery ${solo.discovery}, key set ${solo.jwks}`)
      console.log(`fleet of ${FLEET} processes, provider requests per round:\n  ${rows.join('\n  ')}`)
      // Cumulative counts after each round: one of each document per window (the second round is within the
      // first). One more is tolerated per window, for a member too slow to see the holder's copy within its wait.
      const windows = [1, 1, 2, 3]
      perRound.forEach((counts, i) => {
        for (const n of [counts.discovery, counts.jwks]) {
          expect(n).toBeGreaterThanOrEqual(windows[i]!)
          expect(n).toBeLessThanOrEqual(windows[i]! * 2)
        }
      })
      expect(solo).toEqual({ discovery: FLEET, jwks: FLEET })
    },
  )
})
