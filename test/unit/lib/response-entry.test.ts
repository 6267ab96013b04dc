// nextEntry: what a 200 or a 304 makes of the cached entry. A 200 replaces the document (keeping its ETag
// when it has one); a 304 renews only the times of the previous entry, and is refused without one.
import { describe, expect, it } from 'vitest'
import { nextEntry } from '../../../src/lib/response-entry.ts'
import type { CachedEntry } from '../../../src/stores.ts'
import { outcome } from '../../helpers/outcome.ts'

const POLICY = { min: 0, max: 3_600_000, fallback: 300_000, maxStale: 600_000 }
const AT = 1_000_000
const URL = 'https://issuer.example.test/jwks'
const PREVIOUS: CachedEntry = { value: { keys: ['old'] }, fetchedAt: 1, freshUntil: 2, staleUntil: 2, etag: '"v1"' }
const response = (status: number, headers: Record<string, string> = {}, body: unknown = { keys: ['new'] }) => ({
  status,
  headers: new Headers(headers),
  body,
})

describe('nextEntry', () => {
  it.each([
    [
      'a 200 with an ETag keeps it',
      response(200, { etag: '"v2"', 'cache-control': 'max-age=60' }),
      undefined,
      {
        entry: {
          value: { keys: ['new'] },
          fetchedAt: AT,
          freshUntil: AT + 60_000,
          staleUntil: AT + 60_000,
          etag: '"v2"',
        },
        storable: true,
        revalidated: false,
      },
    ],
    [
      'a 200 without an ETag has none, even over an entry that had one',
      response(200, { 'cache-control': 'max-age=60' }),
      PREVIOUS,
      {
        entry: { value: { keys: ['new'] }, fetchedAt: AT, freshUntil: AT + 60_000, staleUntil: AT + 60_000 },
        storable: true,
        revalidated: false,
      },
    ],
    [
      'stale-while-revalidate extends staleUntil past freshUntil',
      response(200, { 'cache-control': 'max-age=60, stale-while-revalidate=30' }),
      undefined,
      {
        entry: { value: { keys: ['new'] }, fetchedAt: AT, freshUntil: AT + 60_000, staleUntil: AT + 90_000 },
        storable: true,
        revalidated: false,
      },
    ],
    [
      'no-store is not storable',
      response(200, { 'cache-control': 'no-store, max-age=60' }),
      undefined,
      {
        entry: { value: { keys: ['new'] }, fetchedAt: AT, freshUntil: AT + 60_000, staleUntil: AT + 60_000 },
        storable: false,
        revalidated: false,
      },
    ],
    [
      'a 304 keeps the previous document and ETag, and renews its times',
      response(304, { 'cache-control': 'max-age=120' }, undefined),
      PREVIOUS,
      {
        entry: {
          value: { keys: ['old'] },
          fetchedAt: AT,
          freshUntil: AT + 120_000,
          staleUntil: AT + 120_000,
          etag: '"v1"',
        },
        storable: true,
        revalidated: true,
      },
    ],
  ])('%s', (_, answer, previous, expected) => {
    expect(nextEntry(answer, previous, POLICY, AT, 'key set', URL)).toEqual(expected)
  })

  it.each([
    ['a 304 to an unconditional request', response(304), undefined, 'ERR_JWKS_INVALID'],
    ['a 304 over a previous entry', response(304), PREVIOUS, 'ok'],
    ['a 200 without a previous entry', response(200), undefined, 'ok'],
  ])('%s', (_, answer, previous, expected) => {
    expect(outcome(() => nextEntry(answer, previous, POLICY, AT, 'key set', URL))).toBe(expected)
  })
})
