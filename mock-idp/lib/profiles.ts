// Provider profiles: `createMockIdp({ profile })` serves what a real provider serves, at its real URLs (MSW intercepts
// them, so `idtoken-verify/providers` presets work unchanged, offline): its issuer, discovery document or none, key
// set URL and key shapes, and tokens with its claims and header members. One record per provider, from its docs.
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import { http, type RequestHandler } from 'msw'
import { randomToken } from './encoding.ts'
import { ENDPOINT_NAMES, endpointUrls } from './endpoints.ts'
import { createHandlers, endpointHandler, type HandlerContext } from './handlers.ts'
import type { KeyRecord, KeyRing } from './keys.ts'
import type { TokenContext, TokenProfile } from './tokens.ts'
import { selfSignedCertificate, type CertificateMembers } from './x509.ts'
import type { MockIdpEndpoint, MockIdpProfile } from '../types.ts'

/** The profiles, in the order the docs list them. */
export const PROFILE_NAMES: readonly MockIdpProfile[] = [
  'google',
  'entra',
  'firebase',
  'cognito',
  'keycloak',
  'auth0',
  'okta',
  'apple',
]

/** The tenant the `entra` profile's tokens come from unless `tid` says otherwise. */
export const MOCK_ENTRA_TENANT = '11111111-1111-4111-8111-111111111111'
const ENTRA = 'https://login.microsoftonline.com'
const entraIssuer = (tid: string, ver: unknown): string =>
  ver === '1.0' ? `https://sts.windows.net/${tid}/` : `${ENTRA}/${tid}/v2.0`

type Claims = Record<string, unknown>

interface ProfileRecord {
  /** The issuer when `issuer` is not given. */
  readonly issuer: string
  /** The issuers this provider has, and an example for the TypeError. */
  readonly issuerForm: RegExp
  readonly example: string
  /** Where the key set is served. */
  jwksUri(issuer: string): string
  /** False: the discovery URL answers 404 (Firebase has no discovery document). */
  readonly discovery: boolean
  /** The default client ID, where the provider fixes it (Firebase: the project ID). */
  clientId?(issuer: string): string
  /** Publishes X.509 certificates with the keys (`x5c`, `x5t`, `x5t#S256`). */
  readonly certificates?: boolean
  /** A published key as the provider shows it; `keyIssuer` is Entra's per-URL `issuer` member. */
  key?(jwk: JWK, cert: CertificateMembers | undefined, keyIssuer: string): JWK
  /** Keys in the set that never sign (Keycloak's encryption key). */
  extraKeys?(): Promise<JWK[]>
  /** More URLs of the same provider: key sets (with their `issuer` member) and discovery documents. */
  aliases?(issuer: string, jwksUri: string): { jwks: Record<string, string>; discovery: Record<string, Claims> }
  readonly tokens?: TokenProfile
}

const withCert = (jwk: JWK, cert: CertificateMembers | undefined): JWK => ({ ...jwk, ...cert })
const userClaim = (ctx: TokenContext, name: string): unknown => ctx.user()?.claims?.[name]

const PROFILES: Record<MockIdpProfile, ProfileRecord> = {
  // https://developers.google.com/identity/gsi/web/guides/verify-google-id-token: two spellings of the issuer
  // (mint with { iss: 'accounts.google.com' } for the legacy one), keys at googleapis.com.
  google: {
    issuer: 'https://accounts.google.com',
    issuerForm: /^https:\/\/accounts\.google\.com$/,
    example: 'https://accounts.google.com',
    jwksUri: () => 'https://www.googleapis.com/oauth2/v3/certs',
    discovery: true,
    tokens: {
      idToken: (d, _c, ctx) => ({
        ...d,
        azp: ctx.clientId,
        email: userClaim(ctx, 'email') ?? 'test-user@gmail.com',
        email_verified: true,
        name: userClaim(ctx, 'name'),
      }),
    },
  },
  // https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-the-issuer: keys without `alg`, with
  // certificates and an `issuer` member (the tenant's at its own URL, the {tenantid} template at common/organizations).
  entra: {
    issuer: entraIssuer(MOCK_ENTRA_TENANT, '2.0'),
    issuerForm:
      /^https:\/\/login\.microsoftonline\.com\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/v2\.0$/,
    example: `${ENTRA}/${MOCK_ENTRA_TENANT}/v2.0`,
    jwksUri: (issuer) => `${ENTRA}/${tenantOf(issuer)}/discovery/v2.0/keys`,
    discovery: true,
    certificates: true,
    key: ({ alg: _alg, ...jwk }, cert, keyIssuer) =>
      ({
        kty: jwk.kty,
        use: 'sig',
        kid: jwk.kid,
        x5t: cert?.x5t,
        n: jwk.n,
        e: jwk.e,
        x5c: cert?.x5c,
        issuer: keyIssuer,
      }) as JWK,
    aliases: () => {
      const template = `${ENTRA}/{tenantid}/v2.0`
      const jwks: Record<string, string> = {}
      const discovery: Record<string, Claims> = {}
      for (const tenant of ['common', 'organizations']) {
        jwks[`${ENTRA}/${tenant}/discovery/v2.0/keys`] = template
        discovery[`${ENTRA}/${tenant}/v2.0/.well-known/openid-configuration`] = {
          issuer: template,
          jwks_uri: `${ENTRA}/${tenant}/discovery/v2.0/keys`,
        }
      }
      return { jwks, discovery }
    },
    tokens: {
      // A token of another tenant: mint with { tid }; a v1.0 token: { ver: '1.0' }. The issuer follows both.
      idToken: (d, c, ctx) => {
        const tid = typeof c.tid === 'string' ? c.tid : tenantOf(ctx.issuer)
        return {
          ...d,
          iss: entraIssuer(tid, c.ver),
          nbf: d.iat,
          ver: '2.0',
          tid,
          oid: '00000000-0000-0000-66f3-3332eca7ea81',
          preferred_username: userClaim(ctx, 'email') ?? 'test-user@example.test',
          name: userClaim(ctx, 'name'),
          aio: randomToken(24),
          rh: '0.ARoAv4j5cvGGr0GRqy180BHbR.',
          sid: randomToken(12),
          uti: randomToken(16),
        }
      },
      accessToken: (d, c, ctx) => {
        const tid = typeof c.tid === 'string' ? c.tid : tenantOf(ctx.issuer)
        const { client_id: _client, scope: _scope, ...rest } = d
        return {
          ...rest,
          iss: entraIssuer(tid, c.ver),
          ver: '2.0',
          tid,
          azp: ctx.clientId,
          scp: 'access_as_user',
          oid: '00000000-0000-0000-66f3-3332eca7ea81',
        }
      },
      accessTokenHeader: { typ: 'JWT' },
    },
  },
  // https://firebase.google.com/docs/auth/admin/verify-id-tokens: no discovery document, the securetoken key set
  // (as JWKs), aud = project ID, auth_time, and the `firebase` claim.
  firebase: {
    issuer: 'https://securetoken.google.com/mock-project',
    issuerForm: /^https:\/\/securetoken\.google\.com\/[a-z0-9-]+$/,
    example: 'https://securetoken.google.com/my-project',
    jwksUri: () => 'https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com',
    discovery: false,
    clientId: (issuer) => issuer.slice(issuer.lastIndexOf('/') + 1),
    tokens: {
      idToken: (d, c, ctx) => {
        const email = userClaim(ctx, 'email') ?? 'test-user@example.test'
        return {
          ...d,
          auth_time: d.iat,
          user_id: c.sub ?? d.sub,
          email,
          email_verified: true,
          firebase: { identities: { email: [email] }, sign_in_provider: 'password' },
        }
      },
    },
  },
  // https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html:
  // ID and access tokens signed by the same keys, told apart by token_use; access tokens have no aud.
  cognito: {
    issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_MockPool1',
    issuerForm: /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/[a-z0-9-]+_[0-9A-Za-z]+$/,
    example: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
    jwksUri: (issuer) => `${issuer}/.well-known/jwks.json`,
    discovery: true,
    tokens: {
      idToken: (d, c) => ({
        ...d,
        token_use: 'id',
        'cognito:username': c.sub ?? d.sub,
        auth_time: d.iat,
        email_verified: true,
        event_id: crypto.randomUUID(),
        origin_jti: crypto.randomUUID(),
        jti: crypto.randomUUID(),
      }),
      accessToken: (d, c) => {
        const { aud: _aud, ...rest } = d
        return {
          ...rest,
          token_use: 'access',
          username: c.sub ?? d.sub,
          scope: 'openid email',
          auth_time: d.iat,
          origin_jti: crypto.randomUUID(),
          event_id: crypto.randomUUID(),
        }
      },
      idTokenHeader: { typ: undefined },
      accessTokenHeader: { typ: undefined },
    },
  },
  // https://www.keycloak.org/securing-apps/oidc-layers: the realm's certs also list an encryption key (RSA-OAEP);
  // ID tokens carry typ "ID", access tokens typ "Bearer" (here with the client in aud, as an audience mapper does).
  keycloak: {
    issuer: 'https://sso.example.test/realms/main',
    issuerForm: /^https?:\/\/[^/]+(\/[^/]+)*\/realms\/[^/]+$/,
    example: 'https://sso.example.com/realms/main',
    jwksUri: (issuer) => `${issuer}/protocol/openid-connect/certs`,
    discovery: true,
    certificates: true,
    key: (jwk, cert) => withCert(jwk, cert),
    async extraKeys() {
      const { publicKey } = await generateKeyPair('RSA-OAEP', { extractable: true, modulusLength: 2048 })
      const { kty, n, e } = await exportJWK(publicKey)
      return [{ kid: randomToken(16), kty, alg: 'RSA-OAEP', use: 'enc', n, e } as JWK]
    },
    tokens: {
      idToken: (d, _c, ctx) => ({
        ...d,
        auth_time: d.iat,
        jti: crypto.randomUUID(),
        typ: 'ID',
        azp: ctx.clientId,
        sid: crypto.randomUUID(),
        acr: '1',
        email_verified: true,
        preferred_username: d.sub,
      }),
      accessToken: (d, _c, ctx) => {
        const { client_id: _client, ...rest } = d
        return {
          ...rest,
          typ: 'Bearer',
          azp: ctx.clientId,
          sid: crypto.randomUUID(),
          acr: '1',
          scope: 'openid email profile',
          realm_access: { roles: ['default-roles-main'] },
        }
      },
      accessTokenHeader: { typ: 'JWT' },
    },
  },
  // https://auth0.com/docs/secure/tokens/id-tokens/id-token-structure: the issuer ends with "/".
  auth0: {
    issuer: 'https://example.eu.auth0.com/',
    issuerForm: /^https:\/\/[^/]+\/$/,
    example: 'https://example.eu.auth0.com/',
    jwksUri: (issuer) => `${issuer}.well-known/jwks.json`,
    discovery: true,
    certificates: true,
    key: (jwk, cert) => withCert(jwk, cert),
    tokens: {
      idToken: (d, _c, ctx) => ({
        ...d,
        nickname: 'test-user',
        name: userClaim(ctx, 'name') ?? 'Test User',
        email: userClaim(ctx, 'email') ?? 'test-user@example.test',
        email_verified: true,
        updated_at: new Date(Number(d.iat) * 1000).toISOString(),
        sid: randomToken(24),
      }),
      accessToken: (d, _c, ctx) => ({
        ...d,
        aud: [`${ctx.issuer}api/v2/`, `${ctx.issuer}userinfo`],
        azp: ctx.clientId,
        scope: 'openid profile email',
      }),
      accessTokenHeader: { typ: 'JWT' },
    },
  },
  // https://developer.okta.com/docs/guides/validate-id-tokens/main/: a custom authorization server's issuer as is.
  okta: {
    issuer: 'https://example.okta.com/oauth2/default',
    issuerForm: /^https:\/\/[^/]+(\/oauth2\/[^/]+)?$/,
    example: 'https://example.okta.com/oauth2/default',
    jwksUri: (issuer) => (issuer.includes('/oauth2/') ? `${issuer}/v1/keys` : `${issuer}/oauth2/v1/keys`),
    discovery: true,
    tokens: {
      idToken: (d) => ({
        ...d,
        ver: 1,
        jti: `ID.${randomToken(32)}`,
        amr: ['pwd'],
        idp: '00o1a2b3c4d5e6f7g8h9',
        auth_time: d.iat,
        preferred_username: 'test-user@example.test',
      }),
      accessToken: (d, _c, ctx) => {
        const { client_id: _client, scope: _scope, ...rest } = d
        return {
          ...rest,
          ver: 1,
          jti: `AT.${randomToken(32)}`,
          aud: 'api://default',
          cid: ctx.clientId,
          uid: '00u1a2b3c4d5e6f7g8h9',
          scp: ['openid', 'email'],
        }
      },
      idTokenHeader: { typ: undefined },
      accessTokenHeader: { typ: undefined },
    },
  },
  // https://developer.apple.com/documentation/signinwithapple/authenticating-users-with-sign-in-with-apple:
  // booleans written as strings.
  apple: {
    issuer: 'https://appleid.apple.com',
    issuerForm: /^https:\/\/appleid\.apple\.com$/,
    example: 'https://appleid.apple.com',
    jwksUri: () => 'https://appleid.apple.com/auth/keys',
    discovery: true,
    tokens: {
      idToken: (d) => ({
        ...d,
        auth_time: d.iat,
        email: 'test-user@privaterelay.appleid.com',
        email_verified: 'true',
        is_private_email: 'true',
        nonce_supported: true,
      }),
      idTokenHeader: { typ: undefined },
    },
  },
}

function tenantOf(issuer: string): string {
  return new URL(issuer).pathname.split('/')[1] ?? MOCK_ENTRA_TENANT
}

/** The profile of `name` (undefined for none); a TypeError names the profiles for anything else. */
export function profileOf(name: unknown): ProfileRecord | undefined {
  if (name === undefined) return undefined
  if (typeof name !== 'string' || !Object.hasOwn(PROFILES, name)) {
    throw new TypeError(`"profile" must be one of ${PROFILE_NAMES.map((n) => JSON.stringify(n)).join(', ')}`)
  }
  return PROFILES[name as MockIdpProfile]
}

/** The issuer of a profile: its default, or the given one if it has the provider's form. */
export function profileIssuer(profile: ProfileRecord, given: string | undefined): string {
  if (given === undefined) return profile.issuer
  if (!profile.issuerForm.test(given))
    throw new TypeError(`this profile's "issuer" must have the provider's form, like "${profile.example}"`)
  return given
}

/** How a mock serves its provider: the plain mock without a profile. */
export interface Served {
  readonly endpoints: Record<MockIdpEndpoint, string>
  readonly clientId: string | undefined
  readonly tokens: TokenProfile | undefined
  /** The ring, made to give each new key its certificate (and the extra keys) before anyone sees it. */
  keyRing(ring: KeyRing): KeyRing
  jwks(records: readonly KeyRecord[]): { keys: JWK[] }
  discovery(document: Claims): Claims
  handlers(ctx: HandlerContext): RequestHandler[]
}

export function served(profile: ProfileRecord | undefined, issuer: string): Served {
  const endpoints = endpointUrls(issuer)
  if (profile === undefined) {
    return {
      endpoints,
      clientId: undefined,
      tokens: undefined,
      keyRing: (ring) => ring,
      jwks: (records) => ({ keys: records.map((r) => ({ ...r.publicJwk })) }),
      discovery: (document) => document,
      handlers: createHandlers,
    }
  }
  endpoints.jwks = profile.jwksUri(issuer)
  const certificates = new Map<string, CertificateMembers | undefined>()
  let extra: JWK[] = []
  const host = new URL(issuer).hostname
  async function prepare(ring: KeyRing): Promise<void> {
    if (profile!.extraKeys !== undefined && extra.length === 0) extra = await profile!.extraKeys()
    if (profile!.certificates !== true) return
    for (const record of ring.all()) {
      if (!certificates.has(record.kid))
        certificates.set(record.kid, await selfSignedCertificate(record, host, record.createdAt))
    }
  }
  const keysFor = (records: readonly KeyRecord[], keyIssuer: string): { keys: JWK[] } => ({
    keys: [
      ...records.map((r) =>
        profile.key === undefined
          ? { ...r.publicJwk }
          : profile.key({ ...r.publicJwk }, certificates.get(r.kid), keyIssuer),
      ),
      ...extra.map((jwk) => ({ ...jwk })),
    ],
  })
  return {
    endpoints,
    clientId: profile.clientId?.(issuer),
    tokens: profile.tokens,
    keyRing: (ring) => ({
      ...ring,
      init: async () => {
        await ring.init()
        await prepare(ring)
      },
      rotate: async (alg, stage) => {
        const record = await ring.rotate(alg, stage)
        await prepare(ring)
        return record
      },
      applySchedule: async () => {
        await ring.applySchedule()
        await prepare(ring)
      },
    }),
    jwks: (records) => keysFor(records, issuer),
    discovery: (document) => ({ ...document, jwks_uri: endpoints.jwks }),
    handlers(ctx) {
      const handlers = ENDPOINT_NAMES.filter((name) => profile.discovery || name !== 'discovery').map((name) =>
        endpointHandler(ctx, name),
      )
      // Firebase publishes no discovery document: its URL is a 404 page, as Google's servers answer.
      if (!profile.discovery) {
        handlers.push(
          http.all(
            endpoints.discovery,
            () =>
              new Response('<!DOCTYPE html><title>Error 404 (Not Found)</title>', {
                status: 404,
                headers: { 'content-type': 'text/html; charset=UTF-8' },
              }),
          ),
        )
      }
      const aliases = profile.aliases?.(issuer, endpoints.jwks)
      for (const [url, keyIssuer] of Object.entries(aliases?.jwks ?? {})) {
        const jwks = (): { keys: unknown[] } => keysFor(ctx.ring.published(), keyIssuer)
        handlers.push(endpointHandler({ ...ctx, endpoints: { ...ctx.endpoints, jwks: url }, jwks }, 'jwks'))
      }
      for (const [url, members] of Object.entries(aliases?.discovery ?? {})) {
        const discovery = (): Claims => ({ ...ctx.discovery(), ...members })
        handlers.push(
          endpointHandler({ ...ctx, endpoints: { ...ctx.endpoints, discovery: url }, discovery }, 'discovery'),
        )
      }
      return handlers
    },
  }
}
