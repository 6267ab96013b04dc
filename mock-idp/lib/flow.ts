// The login flow without a login page: authorization (RFC 6749 4.1 + RFC 7636 PKCE + RFC 9207
// `iss`), token (authorization_code, refresh_token), userinfo and RP-initiated logout.
import { createLocalJWKSet, jwtVerify } from 'jose'
import { randomToken, s256 } from './encoding.ts'
import { isLoopbackHostname } from './hosts.ts'
import { formParams, json, oauthError, redirect } from './http.ts'
import { signInFor, type SignInContext } from './sign-in.ts'
import { mintAccessToken, mintIdToken, type TokenContext } from './tokens.ts'
import type { MockIdpClient, MockIdpUser } from '../types.ts'

export interface FlowContext extends TokenContext, SignInContext {
  now(): number
  codeTtl: number
  clients: readonly MockIdpClient[]
}

interface Grant {
  clientId: string
  sub: string
  claims: Record<string, unknown>
  scope: string
  authTime: number
}

interface CodeRecord extends Grant {
  redirectUri: string
  codeChallenge: string | undefined
  nonce: string | undefined
  expiresAt: number
  used: boolean
}

/** The `aud` of the access token a token request asks for: empty for the provider's default audience. */
type Audience = { aud?: string | string[] }

/**
 * RFC 8707 §2: `resource` (repeatable, each an absolute URI without a fragment, else `invalid_target`) names the
 * API(s) the access token is for; `audience` is the same wish as Auth0 and others spell it.
 */
function audienceOf(params: URLSearchParams): Audience | Response {
  const resources = params.getAll('resource')
  const audience = params.get('audience')
  if (resources.length > 0 && audience !== null)
    return oauthError('invalid_request', 'send "resource" or "audience", not both')
  for (const resource of resources) {
    let url: URL | undefined
    try {
      url = new URL(resource)
    } catch {
      url = undefined
    }
    if (url === undefined || resource.includes('#'))
      return oauthError('invalid_target', '"resource" must be an absolute URI without a fragment (RFC 8707)')
  }
  if (resources.length > 0) return { aud: resources.length === 1 ? resources[0]! : resources }
  if (audience !== null)
    return audience === '' ? oauthError('invalid_request', '"audience" is empty') : { aud: audience }
  return {}
}

export interface Flow {
  authorize(request: Request): Promise<Response>
  token(request: Request): Promise<Response>
  userinfo(request: Request): Promise<Response>
  endSession(request: Request): Promise<Response>
  revoke(request: Request): Promise<Response>
  reset(): void
}

const PKCE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/
const PKCE_CHALLENGE = /^[A-Za-z0-9\-_]{43}$/

/**
 * Where a client without registered URIs may be sent: loopback (RFC 8252 7.3) or a `.test` name
 * (RFC 6761 6.2), which nobody can register on the internet. The redirect carries a live code for
 * a user signed in without a page, so any other URI would make the provider an open redirect.
 */
function isLocalUri(value: string): boolean {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return false
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hash !== '') return false
  const host = url.hostname.toLowerCase().replace(/\.$/, '')
  return isLoopbackHostname(host) || host === 'test' || host.endsWith('.test')
}

function allowedUri(value: string | null, allowed: readonly string[] | undefined): value is string {
  if (value === null) return false
  return allowed === undefined ? isLocalUri(value) : allowed.includes(value)
}

const UNREGISTERED =
  'is not registered for this client (without registered URIs: loopback, localhost or .test URIs only)'

// RFC 6749 2.3.1: client_id and secret are form-encoded before being joined for Basic.
function basicCredentials(request: Request): { id: string; secret: string } | undefined {
  const header = request.headers.get('authorization')
  if (header === null || !/^basic /i.test(header)) return undefined
  try {
    const decoded = atob(header.slice(6).trim())
    const colon = decoded.indexOf(':')
    if (colon < 0) return undefined
    const decode = (part: string): string => decodeURIComponent(part.replace(/\+/g, ' '))
    return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) }
  } catch {
    return undefined
  }
}

export function createFlow(ctx: FlowContext): Flow {
  const codes = new Map<string, CodeRecord>()
  const refreshTokens = new Map<string, Grant>()
  const userClaims = new Map<string, Record<string, unknown>>()
  // Access tokens are JWTs the provider keeps no record of: a revoked one is remembered by `jti`.
  const revokedAccessTokens = new Set<string>()

  async function readAccessToken(token: string): Promise<{ jti: string; clientId: string } | undefined> {
    try {
      const keys = createLocalJWKSet({ keys: ctx.ring.published().map((r) => r.publicJwk) })
      const { payload } = await jwtVerify(token, keys, {
        issuer: ctx.issuer,
        typ: 'at+jwt',
        currentDate: new Date(ctx.now()),
      })
      return typeof payload.jti === 'string' ? { jti: payload.jti, clientId: String(payload.client_id) } : undefined
    } catch {
      return undefined
    }
  }

  const client = (id: string | null): MockIdpClient | undefined => ctx.clients.find((c) => c.clientId === id)

  async function issue(grant: Grant, nonce: string | undefined, audience: Audience): Promise<Response> {
    const accessToken = await mintAccessToken(ctx, {
      sub: grant.sub,
      client_id: grant.clientId,
      scope: grant.scope,
      ...audience,
    })
    const body: Record<string, unknown> = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ctx.tokenTtl,
      scope: grant.scope,
    }
    if (grant.scope.split(' ').includes('openid')) {
      body.id_token = await mintIdToken(
        ctx,
        { ...grant.claims, sub: grant.sub, aud: grant.clientId, auth_time: grant.authTime, nonce },
        { accessToken },
      )
    }
    const refreshToken = randomToken()
    refreshTokens.set(refreshToken, grant)
    body.refresh_token = refreshToken
    return json(body, 200, { 'cache-control': 'no-store', pragma: 'no-cache' })
  }

  async function authenticateClient(request: Request, params: URLSearchParams): Promise<MockIdpClient | Response> {
    const basic = basicCredentials(request)
    const id = basic?.id ?? params.get('client_id')
    const found = client(id)
    const challenge = basic !== undefined ? { 'www-authenticate': 'Basic realm="mock-idp"' } : {}
    if (found === undefined) return oauthError('invalid_client', 'unknown client', 401, challenge)
    if (basic !== undefined && params.has('client_id') && params.get('client_id') !== basic.id) {
      return oauthError('invalid_request', 'client_id in the body differs from the Basic credentials')
    }
    if (found.clientSecret !== undefined) {
      const secret = basic?.secret ?? params.get('client_secret')
      if (secret !== found.clientSecret)
        return oauthError('invalid_client', 'client authentication failed', 401, challenge)
    }
    return found
  }

  return {
    async authorize(request) {
      const params = request.method === 'POST' ? await formParams(request) : new URL(request.url).searchParams
      if (params === undefined) return oauthError('invalid_request', 'a POST must be application/x-www-form-urlencoded')
      const found = client(params.get('client_id'))
      // RFC 6749 4.1.2.1: never redirect to an unverified redirect_uri.
      if (found === undefined) return oauthError('invalid_request', 'missing or unknown client_id')
      const redirectUri = params.get('redirect_uri')
      if (!allowedUri(redirectUri, found.redirectUris))
        return oauthError(
          'invalid_request',
          redirectUri === null ? 'missing redirect_uri' : `redirect_uri ${UNREGISTERED}`,
        )
      const state = params.get('state')
      const back = (result: Record<string, string>): Response => {
        const target = new URL(redirectUri)
        for (const [name, value] of Object.entries(result)) target.searchParams.set(name, value)
        if (state !== null) target.searchParams.set('state', state)
        target.searchParams.set('iss', ctx.issuer)
        return redirect(target.href)
      }
      const fail = (error: string, description: string): Response => back({ error, error_description: description })
      if (params.get('response_type') !== 'code')
        return fail('unsupported_response_type', 'only response_type=code is supported')
      const challenge = params.get('code_challenge')
      const method = params.get('code_challenge_method')
      if (challenge !== null) {
        if (method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256')
        if (!PKCE_CHALLENGE.test(challenge))
          return fail('invalid_request', 'code_challenge must be 43 base64url characters')
      } else if (method !== null) {
        return fail('invalid_request', 'code_challenge_method without code_challenge')
      } else if (found.clientSecret === undefined) {
        return fail('invalid_request', 'PKCE (code_challenge, S256) is required for public clients')
      }
      const user = signInFor(ctx, params, new URL(request.url).pathname)
      if (user instanceof Response) return user
      if ('error' in user) return fail(user.error, user.description)
      const scope = params.get('scope') ?? 'openid'
      const code = randomToken()
      const claims = { ...user.claims }
      userClaims.set(user.sub, claims)
      codes.set(code, {
        clientId: found.clientId,
        sub: user.sub,
        claims,
        scope,
        authTime: ctx.nowSeconds(),
        redirectUri,
        codeChallenge: challenge ?? undefined,
        nonce: params.get('nonce') ?? undefined,
        expiresAt: ctx.now() + ctx.codeTtl * 1000,
        used: false,
      })
      return back({ code })
    },

    async token(request) {
      const params = await formParams(request)
      if (params === undefined)
        return oauthError('invalid_request', 'the body must be application/x-www-form-urlencoded')
      const authenticated = await authenticateClient(request, params)
      if (authenticated instanceof Response) return authenticated
      const audience = audienceOf(params)
      if (audience instanceof Response) return audience
      const grantType = params.get('grant_type')
      if (grantType === 'authorization_code') {
        const record = codes.get(params.get('code') ?? '')
        if (record === undefined) return oauthError('invalid_grant', 'unknown authorization code')
        if (record.used) return oauthError('invalid_grant', 'authorization code already used')
        record.used = true
        if (record.expiresAt <= ctx.now()) return oauthError('invalid_grant', 'authorization code expired')
        if (record.clientId !== authenticated.clientId)
          return oauthError('invalid_grant', 'authorization code was issued to another client')
        if (params.get('redirect_uri') !== record.redirectUri)
          return oauthError('invalid_grant', 'redirect_uri does not match the authorization request')
        const verifier = params.get('code_verifier')
        if (record.codeChallenge === undefined) {
          if (verifier !== null) return oauthError('invalid_grant', 'code_verifier sent but no code_challenge was')
        } else {
          if (verifier === null || !PKCE_VERIFIER.test(verifier))
            return oauthError('invalid_grant', 'missing or malformed code_verifier')
          if ((await s256(verifier)) !== record.codeChallenge)
            return oauthError('invalid_grant', 'code_verifier does not match code_challenge')
        }
        return issue(record, record.nonce, audience)
      }
      if (grantType === 'refresh_token') {
        const grant = refreshTokens.get(params.get('refresh_token') ?? '')
        if (grant === undefined) return oauthError('invalid_grant', 'unknown refresh token')
        if (grant.clientId !== authenticated.clientId)
          return oauthError('invalid_grant', 'refresh token was issued to another client')
        const asked = params.get('scope')
        const granted = grant.scope.split(' ')
        if (asked !== null && !asked.split(' ').every((s) => granted.includes(s)))
          return oauthError('invalid_scope', 'scope exceeds the original grant')
        // OIDC Core 12.2: no nonce in an ID token from a refresh.
        return issue({ ...grant, scope: asked ?? grant.scope }, undefined, audience)
      }
      if (grantType === 'client_credentials') {
        // RFC 6749 4.4: confidential clients only; no refresh token (4.4.3), and no ID token: no user is involved.
        if (authenticated.clientSecret === undefined)
          return oauthError(
            'unauthorized_client',
            'client_credentials is for confidential clients (with a secret) only',
          )
        const scope = params.get('scope')
        const accessToken = await mintAccessToken(ctx, {
          sub: authenticated.clientId,
          client_id: authenticated.clientId,
          scope: scope ?? undefined,
          ...audience,
        })
        const body = {
          access_token: accessToken,
          token_type: 'Bearer',
          expires_in: ctx.tokenTtl,
          ...(scope === null ? {} : { scope }),
        }
        return json(body, 200, { 'cache-control': 'no-store', pragma: 'no-cache' })
      }
      return oauthError('unsupported_grant_type', 'use authorization_code, refresh_token or client_credentials')
    },

    async userinfo(request) {
      const header = request.headers.get('authorization') ?? ''
      const match = /^bearer (.+)$/i.exec(header)
      const invalid = (description: string): Response =>
        json({ error: 'invalid_token', error_description: description }, 401, {
          'www-authenticate': `Bearer error="invalid_token", error_description="${description}"`,
        })
      if (match === null || match[1] === undefined) {
        return json({ error: 'invalid_token', error_description: 'no Bearer token' }, 401, {
          'www-authenticate': 'Bearer',
        })
      }
      try {
        const keys = createLocalJWKSet({ keys: ctx.ring.published().map((r) => r.publicJwk) })
        const { payload } = await jwtVerify(match[1], keys, {
          issuer: ctx.issuer,
          typ: 'at+jwt',
          currentDate: new Date(ctx.now()),
        })
        if (typeof payload.jti === 'string' && revokedAccessTokens.has(payload.jti))
          return invalid('access token was revoked')
        const sub = String(payload.sub)
        const user: MockIdpUser | null = ctx.user()
        const claims = userClaims.get(sub) ?? (user?.sub === sub ? user.claims : undefined) ?? {}
        return json({ ...claims, sub }, 200, { 'cache-control': 'no-store' })
      } catch {
        return invalid('access token is invalid or expired')
      }
    },

    async endSession(request) {
      const params = request.method === 'POST' ? await formParams(request) : new URL(request.url).searchParams
      if (params === undefined) return oauthError('invalid_request', 'a POST must be application/x-www-form-urlencoded')
      const clientId = params.get('client_id')
      const named = clientId === null ? undefined : client(clientId)
      if (clientId !== null && named === undefined) return oauthError('invalid_request', 'unknown client_id')
      const target = params.get('post_logout_redirect_uri')
      if (target === null) {
        return new Response('Signed out of the mock IdP.', {
          status: 200,
          headers: { 'content-type': 'text/plain;charset=UTF-8' },
        })
      }
      const allowed =
        named?.postLogoutRedirectUris ??
        (ctx.clients.some((c) => c.postLogoutRedirectUris !== undefined)
          ? ctx.clients.flatMap((c) => c.postLogoutRedirectUris ?? [])
          : undefined)
      if (!allowedUri(target, allowed)) return oauthError('invalid_request', `post_logout_redirect_uri ${UNREGISTERED}`)
      const url = new URL(target)
      const state = params.get('state')
      if (state !== null) url.searchParams.set('state', state)
      return redirect(url.href)
    },

    // RFC 7009: client authentication as at the token endpoint; 200 for tokens it does not know.
    async revoke(request) {
      const params = await formParams(request)
      if (params === undefined)
        return oauthError('invalid_request', 'the body must be application/x-www-form-urlencoded')
      const authenticated = await authenticateClient(request, params)
      if (authenticated instanceof Response) return authenticated
      const token = params.get('token')
      if (token === null || token === '') return oauthError('invalid_request', 'missing token')
      const grant = refreshTokens.get(token)
      const access = grant === undefined ? await readAccessToken(token) : undefined
      const owner = grant?.clientId ?? access?.clientId
      // RFC 7009 2.1: a client may revoke only its own tokens.
      if (owner !== undefined && owner !== authenticated.clientId)
        return oauthError('unauthorized_client', 'the token was issued to another client')
      if (grant !== undefined) refreshTokens.delete(token)
      if (access !== undefined) revokedAccessTokens.add(access.jti)
      return new Response(null, { status: 200, headers: { 'cache-control': 'no-store' } })
    },

    reset() {
      codes.clear()
      refreshTokens.clear()
      revokedAccessTokens.clear()
      userClaims.clear()
    },
  }
}
