// A test issuer: keys for every algorithm, and tokens signed by jose (the independent reference).
import * as jose from 'jose'

export const ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const
export type Alg = (typeof ALGS)[number]

export interface TestKey {
  alg: Alg
  kid: string
  privateKey: CryptoKey
  publicJwk: jose.JWK
}

export async function makeKey(alg: Alg, kid = `${alg}-${Math.random().toString(36).slice(2, 8)}`): Promise<TestKey> {
  const options = alg === 'EdDSA' ? { crv: 'Ed25519', extractable: true } : { extractable: true }
  const { privateKey, publicKey } = await jose.generateKeyPair(alg, options)
  const publicJwk = { ...(await jose.exportJWK(publicKey)), kid, alg, use: 'sig' }
  return { alg, kid, privateKey, publicJwk }
}

let keyCache: Promise<Record<Alg, TestKey>> | undefined
/** One key per algorithm, made once per test file (RSA generation is slow). */
export function keysForAllAlgs(): Promise<Record<Alg, TestKey>> {
  keyCache ??= (async () => {
    const entries = await Promise.all(ALGS.map(async (alg) => [alg, await makeKey(alg, `kid-${alg}`)] as const))
    return Object.fromEntries(entries) as Record<Alg, TestKey>
  })()
  return keyCache
}

export const ISSUER = 'https://issuer.example.test'
export const CLIENT = 'client-1'
export const NOW = 1_800_000_000_000 // a fixed clock for tests: 2027-01-15

export interface SignOptions {
  header?: Record<string, unknown>
  claims?: Record<string, unknown>
  /** Remove these claims from the defaults. */
  omit?: string[]
}

export function defaultClaims(now = NOW): Record<string, unknown> {
  const iat = Math.floor(now / 1000)
  return { iss: ISSUER, aud: CLIENT, sub: 'user-1', iat, exp: iat + 600 }
}

export async function sign(key: TestKey, options: SignOptions = {}): Promise<string> {
  const claims: Record<string, unknown> = { ...defaultClaims(), ...options.claims }
  for (const name of options.omit ?? []) delete claims[name]
  return new jose.CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({
      alg: key.alg,
      kid: key.kid,
      typ: 'JWT',
      ...options.header,
    } as jose.CompactJWSHeaderParameters)
    .sign(key.privateKey)
}

/** Asserts a promise rejects with an IdTokenError of `code` (and `claim`), returning the error. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<{ code: string; claim?: string; message: string; name: string }> {
  try {
    await promise
  } catch (error) {
    return error as { code: string; claim?: string; message: string; name: string }
  }
  throw new Error('expected a rejection')
}
