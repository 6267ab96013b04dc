// Keys kept across reloads: indexKeySet adopts a stored CryptoKey only when it is a public verify key of the
// exact algorithm it is filed under, at a position the set has; everything else is imported anew from the JWK.
// (A non-extractable key cannot be compared with its JWK: the stored copy is trusted as the origin's own.)
import { describe, expect, it } from 'vitest'
import { indexKeySet, selectKey, storedKeyName } from '../../../src/lib/jwks.ts'
import { algorithmSpec } from '../../../src/lib/algorithms.ts'
import type { CachedEntry } from '../../../src/stores.ts'

async function ecKey(curve: 'P-256' | 'P-384') {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, ['sign', 'verify'])
  return { pair, jwk: { ...(await crypto.subtle.exportKey('jwk', pair.publicKey)), kid: `k-${curve}` } }
}

const entry = (value: unknown, cryptoKeys: Record<string, unknown>): CachedEntry =>
  ({ value, fetchedAt: 0, freshUntil: 1, cryptoKeys }) as unknown as CachedEntry

describe('indexKeySet with stored CryptoKeys', () => {
  it('adopts a matching key and ignores wrong algorithm, position, type or kind', async () => {
    const p256 = await ecKey('P-256')
    const p384 = await ecKey('P-384')
    const document = { keys: [p256.jwk, p384.jwk] }
    const spec = algorithmSpec('ES256')!
    const verifyKey = await crypto.subtle.importKey('jwk', p256.jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'verify',
    ])

    const adopted = indexKeySet(document, undefined, entry(document, { '0:ES256': verifyKey }))
    expect(adopted.entries[0]!.ready.get('ES256')).toBe(verifyKey)
    const selection = selectKey(adopted, 'k-P-256', 'ES256', spec)
    expect('problem' in selection).toBe(false)
    expect(storedKeyName(adopted, adopted.entries[0]!, 'ES256')).toBe('0:ES256')

    const refused: Array<[string, Record<string, unknown>]> = [
      ['a P-384 key filed as ES256', { '0:ES256': p384.pair.publicKey }],
      ['a position the set does not have', { '5:ES256': verifyKey }],
      ['a private key', { '0:ES256': p256.pair.privateKey }],
      ['a plain object (a JSON store round trip)', { '0:ES256': JSON.parse(JSON.stringify(verifyKey)) }],
      ['an unknown algorithm name', { '0:HS256': verifyKey }],
      ['an RS256 name for an EC key', { '0:RS256': verifyKey }],
    ]
    for (const [label, keys] of refused) {
      const set = indexKeySet(document, undefined, entry(document, keys))
      expect(
        set.entries.every((e) => e.ready.size === 0),
        label,
      ).toBe(true)
    }
  })
})
