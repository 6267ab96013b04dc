// A verifier kept for a whole test file, as suites do: created once, used across idp.reset() and every
// catalogue entry in random order, with key rotations in between. Whatever it has cached, each bad token
// fails with exactly its expectedError and each good token verifies.
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createVerifier, IdTokenError } from '../../dist/index.js'
import { BAD_TOKEN_NAMES, createMockIdp, type MockIdp } from '../../mock-idp/index.ts'
import { requireBuild } from '../runtimes/built.ts'

let clock = Date.UTC(2030, 0, 1)
let idp: MockIdp
const server = setupServer()
beforeAll(async () => {
  requireBuild()
  idp = await createMockIdp({ algorithms: ['RS256', 'ES256'], now: () => clock })
  server.use(...idp.handlers)
  server.listen({ onUnhandledRequest: 'error' })
})
afterAll(() => server.close())

// mulberry32: a seeded order, so that a failing order can be replayed.
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

type Step = (typeof BAD_TOKEN_NAMES)[number] | 'good' | 'goodES256' | 'rotateAndRetire'
const STEPS: readonly Step[] = [...BAD_TOKEN_NAMES, 'good', 'good', 'goodES256', 'rotateAndRetire', 'rotateAndRetire']

describe('a verifier kept across reset() and the whole catalogue', () => {
  it.each([1, 2, 3, 4])('order %i: every bad token fails with its error, every good token verifies', async (seed) => {
    clock = Date.UTC(2030, 0, 1)
    idp.reset({ rotateKeys: true })
    const verifier = createVerifier({ issuer: idp.issuer, audience: idp.clientId, cache: 'memory', now: () => clock })
    const outcomes: string[] = []
    for (const step of shuffled(STEPS, seed)) {
      let outcome: string
      if (step === 'good' || step === 'goodES256') {
        const token = await idp.mintIdToken({}, step === 'good' ? {} : { alg: 'ES256' })
        outcome = await verifier.verify(token).then(
          () => 'ok',
          (e: IdTokenError) => e.code,
        )
        outcomes.push(`${step}: ${outcome}`)
        expect(outcome, `${step} (order ${seed}: ${outcomes.join(', ')})`).toBe('ok')
      } else if (step === 'rotateAndRetire') {
        // What a rotation test does before the reset of the next test. Rotations are spaced by more than the
        // verifier's cooldown (30 s): two new keys within it would rightly meet a verifier that will not refetch.
        clock += 31_000
        const old = idp.signingKid()
        await idp.rotateKeys()
        idp.retireKey(old)
        outcome = await verifier.verify(await idp.mintIdToken()).then(
          () => 'ok',
          (e: IdTokenError) => e.code,
        )
        outcomes.push(`${step}: ${outcome}`)
        expect(outcome, `${step} (order ${seed}: ${outcomes.join(', ')})`).toBe('ok')
      } else {
        const bad = await idp.mintBadToken(step)
        const error = await verifier.verify(bad.token, bad.checks).then(
          () => undefined,
          (e: unknown) => e,
        )
        const { code, claim, reason } = bad.expectedError
        // The catalogue names a claim only for ERR_CLAIM_INVALID; other codes may carry one too. A reason is
        // compared whenever either side has one: what the verifier has cached must not change the cause.
        outcome =
          error instanceof IdTokenError
            ? `${error.code}${claim === undefined ? '' : `(${String(error.claim)})`}${error.reason === undefined ? '' : `[${error.reason}]`}`
            : 'accepted'
        outcomes.push(`${step}: ${outcome}`)
        const expected = `${code}${claim === undefined ? '' : `(${claim})`}${reason === undefined ? '' : `[${reason}]`}`
        expect(outcome, `${step} (order ${seed}: ${outcomes.join(', ')})`).toBe(expected)
      }
      idp.reset()
    }
  })
})
