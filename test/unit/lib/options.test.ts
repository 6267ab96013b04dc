// Options are resolved once, into typed values: the durations the cache uses in milliseconds.
import { describe, expect, it } from 'vitest'
import { resolveOptions } from '../../../src/lib/options.ts'
import type { VerifierOptions } from '../../../src/index.ts'

const base: VerifierOptions = { issuer: 'https://idp.test', audience: 'app', cache: 'memory' }

describe('resolveOptions', () => {
  it('defaults, with cache durations in milliseconds and token rules in seconds', () => {
    const resolved = resolveOptions(base)
    expect(resolved).toMatchObject({
      issuers: ['https://idp.test'],
      audiences: ['app'],
      algorithms: undefined,
      shared: false,
      tabStore: undefined,
      clockTolerance: 60,
      maxTokenAge: undefined,
      maxTokenLength: 16384,
      timeout: 5000,
      cooldown: 30_000,
      freshness: { min: 60_000, max: 86_400_000, fallback: 600_000, maxStale: 3_600_000 },
      staleIfError: 21_600_000,
      serverTime: false,
    })
  })

  it.each<[keyof VerifierOptions, number, string, unknown]>([
    ['cooldown', 5, 'cooldown', 5000],
    ['defaultCacheAge', 0, 'freshness.fallback', 0],
    ['staleWhileRevalidate', 10, 'freshness.maxStale', 10_000],
    ['staleIfError', 0, 'staleIfError', 0],
    ['clockTolerance', 0, 'clockTolerance', 0],
    ['maxTokenAge', 600, 'maxTokenAge', 600],
    ['timeout', 250, 'timeout', 250],
  ])('%s: %s → %s = %s', (option, value, path, expected) => {
    const resolved = resolveOptions({ ...base, [option]: value }) as unknown as Record<string, unknown>
    const found = path.split('.').reduce<unknown>((at, part) => (at as Record<string, unknown>)[part], resolved)
    expect(found).toEqual(expected)
  })

  it.each<[string, Partial<VerifierOptions> | Record<string, unknown>, RegExp]>([
    ['no issuer', { issuer: '' }, /"issuer" must be a non-empty string/],
    ['an empty audience list', { audience: [] }, /"audience" must be a non-empty string/],
    ['a relative issuer without jwksUri', { issuer: 'idp' }, /not an absolute http\(s\) URL/],
    ['a template without jwksUri', { issuer: 'https://idp.test/{tenant}' }, /has no discovery document/],
    ['a plain-http jwksUri for an https issuer', { jwksUri: 'http://idp.test/k' }, /plain http for an https issuer/],
    ['an empty allowlist', { algorithms: [] }, /"algorithms" must be a non-empty array/],
    ['an unsupported algorithm', { algorithms: ['HS256'] }, /algorithm "HS256" is not supported/],
    ['a negative duration', { cooldown: -1 }, /"cooldown" must be a non-negative number/],
    ['NaN', { clockTolerance: Number.NaN }, /"clockTolerance" must be a non-negative number/],
    ['a zero timeout', { timeout: 0 }, /"timeout" must be a positive number/],
    ['minCacheAge above maxCacheAge', { minCacheAge: 100, maxCacheAge: 10 }, /"minCacheAge" exceeds "maxCacheAge"/],
    ['a cache that is not a store', { cache: { get() {} } }, /"cache" must be "memory", "indexeddb" or a JwksStore/],
    ['a fetch that is not a function', { fetch: 'fetch' }, /"fetch" must be a function/],
  ])('%s is a TypeError naming the option', (_name, override, message) => {
    expect(() => resolveOptions({ ...base, ...override } as VerifierOptions)).toThrow(TypeError)
    expect(() => resolveOptions({ ...base, ...override } as VerifierOptions)).toThrow(message)
  })

  it('a custom store is shared; the memory store is not', () => {
    const store = { get: async () => undefined, set: async () => {}, delete: async () => {} }
    expect(resolveOptions({ ...base, cache: store })).toMatchObject({ store, shared: true, tabStore: undefined })
    expect(resolveOptions({ ...base, cache: 'memory' }).shared).toBe(false)
  })
})
