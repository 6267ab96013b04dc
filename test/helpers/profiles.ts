// Access tokens (RFC 9068) and logout tokens (Back-Channel Logout 1.0) signed by jose, and an assertion for any
// of the verifiers: the exact IdTokenError code (and claim), with no token content in the message.
import { expect } from 'vitest'
import { ERROR_CODES, IdTokenError, type IdTokenErrorCode } from '../../src/index.ts'
import { CLIENT, ISSUER, NOW, sign, type TestKey } from './issuer.ts'
import { assertNoLeak } from './forge.ts'

export const API = 'https://api.example.test'
export const T = Math.floor(NOW / 1000)
export const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'

export function accessClaims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: ISSUER,
    aud: API,
    sub: 'user-1',
    client_id: CLIENT,
    iat: T,
    exp: T + 600,
    jti: 'at-1',
    scope: 'openid invoices:read',
    ...extra,
  }
}

export function logoutClaims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: ISSUER,
    aud: CLIENT,
    sub: 'user-1',
    sid: 'session-1',
    iat: T,
    exp: T + 120,
    jti: `lt-${Math.random()}`,
    events: { [LOGOUT_EVENT]: {} },
    ...extra,
  }
}

export interface SignProfileOptions {
  claims?: Record<string, unknown>
  omit?: string[]
  header?: Record<string, unknown>
}

/** An RFC 9068 access token (`typ: at+jwt`). */
export function accessToken(key: TestKey, options: SignProfileOptions = {}): Promise<string> {
  return sign(key, {
    claims: accessClaims(options.claims),
    header: { typ: 'at+jwt', ...options.header },
    omit: options.omit ?? [],
  })
}

/** A Back-Channel Logout token (`typ: logout+jwt`), with a fresh jti unless given. */
export function logoutToken(key: TestKey, options: SignProfileOptions = {}): Promise<string> {
  return sign(key, {
    claims: logoutClaims(options.claims),
    header: { typ: 'logout+jwt', ...options.header },
    omit: options.omit ?? [],
  })
}

interface AnyVerifier<C> {
  verify(token: string, checks?: C): Promise<unknown>
}

/** Asserts an IdTokenError of `code` (and `claim`) with no token content in it; records the code in `produced`. */
export async function expectRejection<C>(
  verifier: AnyVerifier<C>,
  token: string,
  code: IdTokenErrorCode,
  options: { claim?: string; checks?: C; produced?: Set<string> } = {},
): Promise<IdTokenError> {
  let error: unknown
  try {
    await (options.checks === undefined ? verifier.verify(token) : verifier.verify(token, options.checks))
  } catch (caught) {
    error = caught
  }
  if (error === undefined) throw new Error(`expected ${code}, but the token verified`)
  expect(error).toBeInstanceOf(IdTokenError)
  const e = error as IdTokenError
  expect(ERROR_CODES).toContain(e.code)
  expect({ code: e.code, message: e.message }).toMatchObject({ code })
  if (options.claim !== undefined) expect(e.claim).toBe(options.claim)
  assertNoLeak(e, token)
  options.produced?.add(e.code)
  return e
}
