// freshnessOf: RFC 9111 §4.2 lifetimes (max-age, Expires minus Date, minus Age), no-cache and no-store,
// RFC 5861 stale-while-revalidate, all clamped to the verifier's bounds. refreshAheadAt: the last quarter of a
// lifetime, at most five minutes.
import { describe, expect, it } from 'vitest'
import { freshnessOf, refreshAheadAt } from '../../../src/lib/freshness.ts'

const POLICY = { min: 10_000, max: 3_600_000, fallback: 300_000, maxStale: 600_000 }
const DATE = 'Sun, 15 Jan 2027 08:00:00 GMT'
const at = (seconds: number) => new Date(Date.parse(DATE) + seconds * 1000).toUTCString()

describe('freshnessOf', () => {
  it.each([
    ['no caching headers: the fallback', {}, 300_000, 0, true],
    ['max-age', { 'cache-control': 'max-age=120' }, 120_000, 0, true],
    ['directives are case-insensitive', { 'cache-control': 'Public, MAX-AGE=120' }, 120_000, 0, true],
    ['a max-age below the minimum is raised', { 'cache-control': 'max-age=5' }, 10_000, 0, true],
    ['a max-age above the maximum is lowered', { 'cache-control': 'max-age=999999' }, 3_600_000, 0, true],
    ['Age is subtracted', { 'cache-control': 'max-age=600', age: '100' }, 500_000, 0, true],
    ['an Age that is not a number is ignored', { 'cache-control': 'max-age=600', age: 'soon' }, 600_000, 0, true],
    ['a negative Age is ignored', { 'cache-control': 'max-age=600', age: '-100' }, 600_000, 0, true],
    ['a max-age that is not digits is ignored', { 'cache-control': 'max-age=1e3' }, 300_000, 0, true],
    ['a negative max-age is ignored', { 'cache-control': 'max-age=-5' }, 300_000, 0, true],
    ['the first max-age counts', { 'cache-control': 'max-age=100, max-age=900' }, 100_000, 0, true],
    ['no-cache: revalidate before use', { 'cache-control': 'no-cache' }, 10_000, 0, true],
    ['no-cache before max-age wins', { 'cache-control': 'no-cache, max-age=600' }, 10_000, 0, true],
    ['no-cache after max-age wins', { 'cache-control': 'max-age=600, no-cache' }, 10_000, 0, true],
    ['no-cache grants no stale use', { 'cache-control': 'no-cache, stale-while-revalidate=60' }, 10_000, 0, true],
    ['no-store: not storable, freshness kept', { 'cache-control': 'no-store, max-age=60' }, 60_000, 0, false],
    ['stale-while-revalidate', { 'cache-control': 'max-age=120, stale-while-revalidate=60' }, 120_000, 60_000, true],
    [
      'stale-while-revalidate is bounded',
      { 'cache-control': 'max-age=1, stale-while-revalidate=9999' },
      10_000,
      600_000,
      true,
    ],
    ['Expires minus Date', { expires: at(200), date: DATE }, 200_000, 0, true],
    ['Expires minus Date, minus Age', { expires: at(500), date: DATE, age: '100' }, 400_000, 0, true],
    ['Expires in the past (no Date: now)', { expires: 'Thu, 01 Jan 1970 00:00:00 GMT' }, 10_000, 0, true],
    ['an invalid Expires is already expired', { expires: 'never', date: DATE }, 10_000, 0, true],
    ['max-age wins over Expires', { 'cache-control': 'max-age=100', expires: at(2000), date: DATE }, 100_000, 0, true],
  ] as const)('%s', (_, headers, freshFor, staleFor, storable) => {
    expect(freshnessOf(new Headers(headers), POLICY)).toEqual({ freshFor, staleFor, storable })
  })
})

describe('refreshAheadAt', () => {
  it.each([
    ['a quarter of a short lifetime before its end', 0, 400_000, 300_000],
    ['at most five minutes before the end of a long one', 0, 4_000_000, 3_700_000],
    ['from when it was fetched', 1_000_000, 1_400_000, 1_300_000],
    ['an empty lifetime: at its end', 1_000, 1_000, 1_000],
  ])('%s', (_, fetchedAt, freshUntil, expected) => {
    expect(refreshAheadAt(fetchedAt, freshUntil)).toBe(expected)
  })
})
