// Shared plumbing of the preset tests: one MSW server per file, the mock IdP with a provider profile at the
// provider's real URLs, and the rejection of a verification.
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { IdTokenError } from '../../src/index.ts'
import { createMockIdp, type MockIdp, type MockIdpOptions, type MockIdpProfile } from '../../mock-idp/index.ts'

export function profileServer() {
  const server = setupServer()
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => server.resetHandlers())
  afterAll(() => server.close())
  return {
    server,
    /** A mock of `profile`, served until the end of the test. */
    async idp(profile: MockIdpProfile, options: MockIdpOptions = {}): Promise<MockIdp> {
      const idp = await createMockIdp({ profile, ...options })
      server.use(...idp.handlers)
      return idp
    },
  }
}

/** The IdTokenError a verification was refused with (fails when it was accepted or failed otherwise). */
export async function rejection(promise: Promise<unknown>): Promise<IdTokenError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(error instanceof IdTokenError))
    throw new Error(`expected an IdTokenError, got ${error === undefined ? 'acceptance' : String(error)}`)
  return error
}

/** The payload segment of a compact token, decoded (to assert on what the mock minted). */
export function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>
}

export function headerOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>
}
