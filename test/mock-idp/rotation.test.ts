// Key rotation: overlap, retirement, staged publication and a schedule on a controlled clock.
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createMockIdp, type MockIdp } from '../../mock-idp/index.ts'

let clock = Date.UTC(2030, 0, 1)
let idp: MockIdp
let scheduled: MockIdp
const server = setupServer()

beforeAll(async () => {
  idp = await createMockIdp({ algorithms: ['ES256', 'EdDSA'], now: () => clock })
  scheduled = await createMockIdp({
    issuer: 'https://scheduled.example.test',
    algorithms: ['ES256'],
    now: () => clock,
    tokenTtl: 86_400,
    rotation: { every: 3600, retireAfter: 600, publishAhead: 300 },
  })
  server.use(...idp.handlers, ...scheduled.handlers)
  server.listen({ onUnhandledRequest: 'error' })
})
beforeEach(() => {
  clock = Date.UTC(2030, 0, 1)
  idp.reset({ rotateKeys: true })
  scheduled.reset({ rotateKeys: true })
})
afterAll(() => server.close())

// A fresh remote set per call: no caching between steps, the served JWKS decides.
const verify = (target: MockIdp, token: string) =>
  jwtVerify(token, createRemoteJWKSet(new URL(target.jwksUri)), { issuer: target.issuer, currentDate: new Date(clock) })
// The catalogue's decoy (published for good, never signing) is left out: these tests follow the rotation.
const kids = async (target: MockIdp) => {
  const decoys = new Set(
    target
      .listKeys()
      .filter((k) => k.decoy === true)
      .map((k) => k.kid),
  )
  return ((await (await fetch(target.jwksUri)).json()) as { keys: { kid: string }[] }).keys
    .map((k) => k.kid)
    .filter((kid) => !decoys.has(kid))
}

describe('manual rotation', () => {
  it('the old key stays published and verifies old tokens until retired', async () => {
    const oldKid = idp.signingKid()
    const oldToken = await idp.mintIdToken()
    const newKid = await idp.rotateKeys()
    expect(newKid).not.toBe(oldKid)
    expect(idp.signingKid()).toBe(newKid)
    expect(idp.signingKid('EdDSA')).not.toBe(newKid)
    const newToken = await idp.mintIdToken()
    expect(decodeProtectedHeader(newToken).kid).toBe(newKid)
    expect(await kids(idp)).toEqual(expect.arrayContaining([oldKid, newKid]))
    await expect(verify(idp, oldToken)).resolves.toBeTruthy()
    await expect(verify(idp, newToken)).resolves.toBeTruthy()
    expect(idp.listKeys().find((k) => k.kid === oldKid)?.status).toBe('verify-only')

    idp.retireKey(oldKid)
    expect(await kids(idp)).not.toContain(oldKid)
    await expect(verify(idp, oldToken)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' })
    await expect(verify(idp, newToken)).resolves.toBeTruthy()
    // a retired key can still sign on request, for "token from a retired key" tests
    const retiredToken = await idp.mintIdToken({}, { kid: oldKid })
    await expect(verify(idp, retiredToken)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' })
  })

  it('staged rotation publishes first and promotes later', async () => {
    const oldKid = idp.signingKid('EdDSA')
    const staged = await idp.rotateKeys({ alg: 'EdDSA', stage: true })
    expect(idp.signingKid('EdDSA')).toBe(oldKid)
    expect(await kids(idp)).toContain(staged)
    expect(idp.listKeys().find((k) => k.kid === staged)?.status).toBe('staged')
    // a verifier that cached the set now already holds the next key
    const cached = createLocalJWKSet((await (await fetch(idp.jwksUri)).json()) as { keys: [] })
    idp.promoteKey(staged)
    const token = await idp.mintIdToken({}, { alg: 'EdDSA' })
    expect(decodeProtectedHeader(token).kid).toBe(staged)
    await expect(jwtVerify(token, cached, { currentDate: new Date(clock) })).resolves.toBeTruthy()
    expect(() => idp.retireKey(staged)).toThrow(TypeError)
    idp.retireKey(oldKid)
    expect(() => idp.promoteKey(oldKid)).toThrow(TypeError)
  })

  it('reset() keeps the keys; reset({ rotateKeys: true }) restores the keys made at creation', async () => {
    const original = idp.jwks()
    const kid = await idp.rotateKeys()
    idp.retireKey(original.keys[0]?.kid ?? '')
    const rotated = idp.jwks()
    idp.reset()
    expect(idp.jwks()).toEqual(rotated)
    expect(idp.signingKid()).toBe(kid)
    idp.reset({ rotateKeys: true })
    expect(idp.jwks()).toEqual(original)
    expect(idp.listKeys().map((k) => k.kid)).not.toContain(kid)
  })

  it('the decoy key of the default alg is published for good: never signs, never retired, not even by a long clock jump', async () => {
    const [decoy, ...more] = idp.listKeys().filter((k) => k.decoy === true)
    expect(more).toEqual([])
    expect(decoy).toMatchObject({ alg: idp.algorithms[0], status: 'verify-only' })
    expect(() => idp.retireKey(String(decoy?.kid))).toThrow(TypeError)
    expect(() => idp.promoteKey(String(decoy?.kid))).toThrow(TypeError)
    const scheduledDecoy = scheduled.listKeys().find((k) => k.decoy === true)?.kid
    clock += 1000 * 3600_000
    expect(
      ((await (await fetch(scheduled.jwksUri)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid),
    ).toContain(scheduledDecoy)
  })
})

describe('scheduled rotation on the test clock', () => {
  it('publishes ahead, promotes on time, retires after the overlap', async () => {
    const first = scheduled.signingKid()
    const firstToken = await scheduled.mintIdToken()
    expect(await kids(scheduled)).toEqual([first])

    clock += 3300_000 // 55 min: inside publishAhead
    const [, next] = await kids(scheduled)
    expect(next).toBeDefined()
    expect(scheduled.signingKid()).toBe(first)

    clock += 300_000 // 60 min: rotation
    const afterRotation = await scheduled.mintIdToken()
    expect(decodeProtectedHeader(afterRotation).kid).toBe(next)
    expect(await kids(scheduled)).toEqual([first, next])
    await expect(verify(scheduled, firstToken)).resolves.toBeTruthy()

    clock += 600_000 // 70 min: the old key is retired
    expect(await kids(scheduled)).toEqual([next])
    await expect(verify(scheduled, firstToken)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' })
    await expect(verify(scheduled, afterRotation)).resolves.toBeTruthy()
  })

  it('a long jump of the clock makes only the keys still published', async () => {
    clock += 1000 * 3600_000 + 1800_000 // half an hour after the 1000th rotation
    const published = await kids(scheduled)
    expect(published).toHaveLength(1)
    expect(scheduled.listKeys().length).toBeLessThan(6)
    const token = await scheduled.mintIdToken()
    expect(decodeProtectedHeader(token).kid).toBe(published[0])
  })
})
