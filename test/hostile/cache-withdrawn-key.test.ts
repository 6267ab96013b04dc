// Issue 8.1: a key the provider withdrew stops verifying when the response's freshness ends, unless the
// response itself allowed stale use (stale-while-revalidate) or the provider cannot be reached (staleIfError).
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { type VerifierOptions } from '../../src/index.ts'
import { makeKey, rejection, type TestKey } from '../helpers/issuer.ts'
import { harness } from '../helpers/harness.ts'

let kept: TestKey
let withdrawn: TestKey
beforeAll(async () => {
  kept = await makeKey('ES256', 'kept')
  withdrawn = await makeKey('ES256', 'withdrawn')
})

function setup(options: Partial<VerifierOptions> = {}) {
  // Defaults on purpose: nothing here turns stale-while-revalidate off.
  const { idp, clock, verifier, token, events } = harness(
    { key: kept, keys: [kept.publicJwk, withdrawn.publicJwk], headers: { 'cache-control': 'max-age=60' } },
    options,
  )
  const withdraw = () => {
    idp.keys = [kept.publicJwk]
  }
  return { idp, clock, verifier, token, withdraw, events }
}

describe('a withdrawn key', () => {
  it('stops verifying at max-age while the provider answers (default options)', async () => {
    const { clock, verifier, token, withdraw } = setup()
    await verifier.verify(await token(withdrawn))
    withdraw()
    clock.advance(61)
    const error = await rejection(verifier.verify(await token(withdrawn)))
    expect(error.code).toBe('ERR_KEY_NOT_FOUND')
    await verifier.verify(await token(kept))
  })

  it('is dropped even earlier by the refresh ahead of expiry, with no verification waiting', async () => {
    const { idp, clock, verifier, token, withdraw } = setup()
    await verifier.verify(await token(withdrawn))
    withdraw()
    clock.advance(50) // the last quarter of the 60 s lifetime
    await verifier.verify(await token(kept)) // answered from the fresh copy, renews it in the background
    await vi.waitFor(() => expect(idp.count('/jwks')).toBe(2))
    clock.advance(1)
    expect((await rejection(verifier.verify(await token(withdrawn)))).code).toBe('ERR_KEY_NOT_FOUND')
  })

  it('verifies past max-age only within the stale-while-revalidate the response granted', async () => {
    const { idp, clock, verifier, token, withdraw } = setup()
    idp.headers = { 'cache-control': 'max-age=60, stale-while-revalidate=30' }
    await verifier.verify(await token(withdrawn))
    withdraw()
    clock.advance(70)
    // Granted by the response: answered from the copy, which is renewed in the background.
    await verifier.verify(await token(withdrawn))
    await vi.waitFor(() => expect(idp.count('/jwks')).toBe(2))
    expect((await rejection(verifier.verify(await token(withdrawn)))).code).toBe('ERR_KEY_NOT_FOUND')
  })

  it('keeps verifying while the provider is unreachable, within staleIfError, and says so', async () => {
    const { idp, clock, verifier, token, withdraw, events } = setup({ staleIfError: 600 })
    await verifier.verify(await token(withdrawn))
    withdraw()
    idp.fault = 503
    clock.advance(61)
    await verifier.verify(await token(withdrawn))
    expect(events.filter((e) => e.type === 'stale' && e.url.endsWith('/jwks'))).toHaveLength(1)
    clock.advance(600)
    expect((await rejection(verifier.verify(await token(kept)))).code).toBe('ERR_JWKS_UNAVAILABLE')
  })
})
