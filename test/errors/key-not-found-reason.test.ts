// ERR_KEY_NOT_FOUND covers four causes; `reason` tells them apart without parsing messages.
import { describe, expect, it } from 'vitest'
import { createVerifier, IdTokenError, type IdTokenErrorReason } from '../../src/index.ts'

const ISSUER = 'https://issuer.test'
const JWKS_URI = 'https://issuer.test/jwks'
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url')
const json = (value: unknown): string => b64(new TextEncoder().encode(JSON.stringify(value)))

const { publicKey, privateKey } = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
  'sign',
  'verify',
])) as CryptoKeyPair
const jwk = { ...(await crypto.subtle.exportKey('jwk', publicKey)), kid: 'k1', alg: 'ES256' }
delete (jwk as { key_ops?: unknown }).key_ops
delete (jwk as { ext?: unknown }).ext

async function token(kid: string | undefined): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const input = `${json({ alg: 'ES256', ...(kid === undefined ? {} : { kid }) })}.${json({ iss: ISSUER, sub: 'u', aud: 'app', iat: now, exp: now + 300 })}`
  const signature = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    privateKey,
    new TextEncoder().encode(input),
  )
  return `${input}.${b64(new Uint8Array(signature))}`
}

function verifierWith(keys: unknown[]) {
  return createVerifier({
    issuer: ISSUER,
    audience: 'app',
    jwksUri: JWKS_URI,
    algorithms: ['ES256'],
    cache: 'memory',
    cooldown: 3600,
    fetch: (async () => Response.json({ keys })) as typeof fetch,
  })
}

async function reasonOf(keys: unknown[], kid: string | undefined): Promise<IdTokenErrorReason | undefined> {
  const error = await verifierWith(keys)
    .verify(await token(kid))
    .catch((e: unknown) => e)
  expect(error).toBeInstanceOf(IdTokenError)
  expect((error as IdTokenError).code).toBe('ERR_KEY_NOT_FOUND')
  return (error as IdTokenError).reason
}

describe('ERR_KEY_NOT_FOUND reason', () => {
  it('verifies with the key as published (the fixture is sound)', async () => {
    await expect(verifierWith([jwk]).verify(await token('k1'))).resolves.toBeDefined()
  })

  it.each<[string, () => unknown[], string | undefined, IdTokenErrorReason]>([
    ['no key has the kid', () => [jwk], 'other', 'unknown-kid'],
    ['the set is empty', () => [], undefined, 'unknown-kid'],
    ['two keys share the kid', () => [jwk, { ...jwk }], 'k1', 'ambiguous'],
    ['no kid and two keys fit', () => [jwk, { ...jwk, kid: 'k2' }], undefined, 'ambiguous'],
    ['the key is for encryption', () => [{ ...jwk, use: 'enc' }], 'k1', 'unusable'],
    ['the key is on another curve', () => [{ ...jwk, crv: 'P-384' }], 'k1', 'unusable'],
    // Right sizes, so every JWK check passes, but not a point on P-256: WebCrypto refuses to import it.
    ['the point is not on the curve', () => [{ ...jwk, x: b64(new Uint8Array(32).fill(1)) }], 'k1', 'import-failed'],
  ])('%s', async (_name, keys, kid, reason) => {
    expect(await reasonOf(keys(), kid)).toBe(reason)
  })

  it('other codes carry no reason', async () => {
    const error = await verifierWith([jwk])
      .verify('a.b')
      .catch((e: unknown) => e)
    expect((error as IdTokenError).code).toBe('ERR_TOKEN_MALFORMED')
    expect((error as IdTokenError).reason).toBeUndefined()
  })
})
