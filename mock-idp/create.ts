// createMockIdp: assembles the key ring, token minting, faults, the login flow and the handlers.
import type { JWK } from 'jose'
import type { RequestHandler } from 'msw'
import { isSigningAlgorithm, type SigningAlgorithm } from './lib/algorithms.ts'
import { discoveryDocument } from './lib/discovery.ts'
import { createFaultState } from './lib/faults.ts'
import { createFlow, type FlowContext } from './lib/flow/index.ts'
import { profileIssuer, profileOf, served } from './lib/profiles.ts'
import { createKeyRing } from './lib/keys.ts'
import { createPersonas } from './lib/personas.ts'
import { mintAccessToken, mintIdToken, mintLogoutToken } from './lib/tokens.ts'
import { backchannelLogout } from './lib/backchannel.ts'
import { loadMsw } from './lib/msw-peer.ts'
import { BAD_TOKEN_NAMES, mintBadToken } from './bad-tokens.ts'
import { mintCrossProfileToken } from './cross-profile.ts'
import type { KeyInfo, KeyStatus, MockIdp, MockIdpClient, MockIdpOptions, MockIdpUser } from './types.ts'

const DEFAULT_USER: MockIdpUser = {
  sub: 'test-user',
  claims: { name: 'Test User', email: 'test-user@example.test', email_verified: true },
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0))
    throw new TypeError(`"${name}" must be a positive number of seconds`)
  return value
}

function checkIssuer(issuer: string): string {
  let url: URL
  try {
    url = new URL(issuer)
  } catch {
    throw new TypeError(`"issuer" must be an absolute URL, got ${JSON.stringify(issuer)}`)
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '') {
    throw new TypeError('"issuer" must be an http(s) URL without query or fragment (OIDC Discovery 2)')
  }
  return issuer
}

// Back-Channel Logout 1.0 §2.2: an absolute http(s) URL without a fragment.
function checkBackchannelUri(uri: string): void {
  let url: URL | undefined
  try {
    url = new URL(uri)
  } catch {
    url = undefined
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.hash !== '') {
    throw new TypeError(
      `"backchannelLogoutUri" must be an absolute http(s) URL without a fragment, got ${JSON.stringify(uri)}`,
    )
  }
}

function cloneUser(user: MockIdpUser | null): MockIdpUser | null {
  return user === null ? null : { sub: user.sub, claims: { ...user.claims } }
}

/**
 * Creates a mock OpenID Connect provider: signing keys for each configured algorithm, a discovery
 * document and JWKS, a page-less login flow, good and deliberately bad tokens, and fault injection.
 * Serve `idp.handlers` with MSW (`setupServer` in Node, Deno and Bun; `setupWorker` in a browser),
 * or over real HTTP with `startMockIdpServer` from `idtoken-verify/mock-idp/server`.
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node'
 * import { createMockIdp } from 'idtoken-verify/mock-idp'
 *
 * const idp = await createMockIdp({ issuer: 'https://idp.example.test', algorithms: ['RS256', 'ES256'] })
 * const server = setupServer(...idp.handlers)
 * server.listen({ onUnhandledRequest: 'error' })
 * const token = await idp.mintIdToken({ sub: 'alice', nonce: 'n-1' })
 * ```
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html
 * @see https://openid.net/specs/openid-connect-core-1_0.html
 */
export async function createMockIdp(options: MockIdpOptions = {}): Promise<MockIdp> {
  await loadMsw()
  const profile = profileOf(options.profile)
  const issuer = checkIssuer(
    profile === undefined ? (options.issuer ?? 'https://idp.example.test') : profileIssuer(profile, options.issuer),
  )
  const shape = served(profile, issuer)
  const clients: MockIdpClient[] = options.clients?.map((c) => ({ ...c })) ?? [
    { clientId: options.clientId ?? shape.clientId ?? 'test-client' },
  ]
  const clientId = options.clientId ?? clients[0]?.clientId ?? 'test-client'
  if (!clients.some((c) => c.clientId === clientId)) clients.unshift({ clientId })
  for (const c of clients) if (c.backchannelLogoutUri !== undefined) checkBackchannelUri(c.backchannelLogoutUri)
  const imported: JWK[] = options.keys ?? []
  const requested =
    options.algorithms ?? (imported.length > 0 ? [...new Set(imported.map((k) => String(k.alg)))] : ['RS256'])
  if (requested.length === 0) throw new TypeError('"algorithms" must name at least one algorithm')
  const algorithms: SigningAlgorithm[] = requested.map((alg) => {
    if (!isSigningAlgorithm(alg)) throw new TypeError(`unsupported algorithm ${JSON.stringify(alg)}`)
    return alg
  })
  for (const jwk of imported) {
    if (!algorithms.includes(jwk.alg as SigningAlgorithm))
      throw new TypeError(`imported key "alg" ${String(jwk.alg)} is not in "algorithms"`)
  }
  const now = options.now ?? Date.now
  const tokenTtl = positive('tokenTtl', options.tokenTtl, 3600)
  const codeTtl = positive('codeTtl', options.codeTtl, 60)
  if (options.rotation !== undefined) positive('rotation.every', options.rotation.every, 1)

  const ring = shape.keyRing(createKeyRing({ algorithms, imported, now, rotation: options.rotation }))
  await ring.init()
  const faults = createFaultState(now)
  const initialUser = cloneUser(options.user ?? DEFAULT_USER)
  let user = cloneUser(initialUser)
  const personas = createPersonas(options.users)
  const { endpoints } = shape

  const ctx: FlowContext = {
    issuer,
    clientId,
    tokenTtl,
    codeTtl,
    clients,
    accessTokenAudience: options.accessTokenAudience ?? clientId,
    ring,
    now,
    nowSeconds: () => Math.floor(now() / 1000),
    user: () => user,
    personas,
    signIn: (next) => {
      user = cloneUser(next)
    },
    loginPage: options.loginPage === true,
    tokenProfile: shape.tokens,
  }
  const flow = createFlow(ctx)
  const jwks = (): { keys: JWK[] } => shape.jwks(ring.published())
  const discovery = (): Record<string, unknown> =>
    shape.discovery(discoveryDocument(issuer, algorithms, Object.keys(user?.claims ?? DEFAULT_USER.claims ?? {})))

  const handlers: RequestHandler[] = shape.handlers({
    endpoints,
    ring,
    faults,
    flow,
    discovery,
    jwks,
    jwksContentType: options.jwksContentType ?? 'application/jwk-set+json',
    cacheControl: options.cacheControl ?? 'public, max-age=300',
  })

  return {
    issuer,
    clientId,
    discoveryUrl: endpoints.discovery,
    jwksUri: endpoints.jwks,
    endpoints,
    algorithms,
    handlers,
    nowSeconds: ctx.nowSeconds,
    async mintIdToken(claims, mintOptions) {
      await ring.applySchedule()
      return mintIdToken(ctx, claims, mintOptions)
    },
    async mintAccessToken(claims, mintOptions) {
      await ring.applySchedule()
      return mintAccessToken(ctx, claims, mintOptions)
    },
    async mintLogoutToken(claims, mintOptions) {
      await ring.applySchedule()
      return mintLogoutToken(ctx, claims, mintOptions)
    },
    async backchannelLogout(sub, logoutOptions) {
      await ring.applySchedule()
      return backchannelLogout(ctx, clients, sub, logoutOptions)
    },
    async mintBadToken(name, claims) {
      await ring.applySchedule()
      return mintBadToken(ctx, name, claims)
    },
    async badTokens() {
      await ring.applySchedule()
      const out = []
      for (const name of BAD_TOKEN_NAMES) out.push(await mintBadToken(ctx, name))
      return out
    },
    async mintCrossProfileToken(name, claims) {
      await ring.applySchedule()
      return mintCrossProfileToken(ctx, name, claims)
    },
    async rotateKeys(rotateOptions = {}) {
      await ring.applySchedule()
      const alg = rotateOptions.alg ?? algorithms[0]
      if (!isSigningAlgorithm(alg)) throw new TypeError(`unsupported algorithm ${JSON.stringify(alg)}`)
      return (await ring.rotate(alg, rotateOptions.stage === true)).kid
    },
    promoteKey: (kid) => ring.promote(kid),
    retireKey: (kid) => ring.retire(kid),
    signingKid: (alg) => ring.signer(alg).kid,
    listKeys: (): KeyInfo[] =>
      ring.all().map((r) => ({
        kid: r.kid,
        alg: r.alg,
        status: r.status as KeyStatus,
        createdAt: r.createdAt,
        ...(r.decoy === true ? { decoy: true as const } : {}),
      })),
    jwks,
    discovery,
    setUser(next) {
      if (next !== null && (typeof next !== 'object' || typeof next.sub !== 'string' || next.sub === '')) {
        throw new TypeError('a user needs a non-empty string "sub"')
      }
      user = cloneUser(next)
    },
    signInAs(name) {
      if (name === null) {
        user = null
        return
      }
      const persona = personas.get(name)
      if (persona === undefined) {
        const known = personas.list().map((p) => p.name)
        throw new TypeError(
          `no persona ${JSON.stringify(name)} (${known.length === 0 ? 'no "users" configured' : `known: ${known.join(', ')}`})`,
        )
      }
      user = cloneUser(persona.user)
    },
    setFault: (endpoint, fault) => faults.set(endpoint, fault),
    requestCount: (endpoint) => faults.count(endpoint),
    get requests() {
      return faults.log.slice()
    },
    reset(resetOptions = {}) {
      // Keys stay by default: a verifier kept across tests has them cached, and bringing back the keys
      // of creation would meet it in its refetch cooldown.
      if (resetOptions.rotateKeys === true) ring.reset()
      faults.reset()
      flow.reset()
      user = cloneUser(initialUser)
    },
  }
}
