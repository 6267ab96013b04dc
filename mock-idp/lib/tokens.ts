// Minting well-formed ID tokens (OIDC Core 2) and JWT access tokens (RFC 9068).
import { isSigningAlgorithm } from './algorithms.ts'
import { compact, halfHash, randomToken, utf8 } from './encoding.ts'
import type { KeyRecord, KeyRing } from './keys.ts'
import { signCompact } from './sign.ts'
import type { MintOptions, MockIdpUser } from '../types.ts'

export interface TokenContext {
  issuer: string
  clientId: string
  tokenTtl: number
  accessTokenAudience: string
  ring: KeyRing
  nowSeconds(): number
  user(): MockIdpUser | null
  /** A provider profile's shape of tokens (lib/profiles.ts); none for the plain mock. */
  tokenProfile?: TokenProfile | undefined
}

/** How a provider profile shapes tokens: more default claims (derived from the caller's), and header members. */
export interface TokenProfile {
  idToken?(
    defaults: Record<string, unknown>,
    claims: Record<string, unknown>,
    ctx: TokenContext,
  ): Record<string, unknown>
  accessToken?(
    defaults: Record<string, unknown>,
    claims: Record<string, unknown>,
    ctx: TokenContext,
  ): Record<string, unknown>
  /** Header members of ID tokens (one set to `undefined` is left out). */
  readonly idTokenHeader?: Record<string, unknown>
  /** Header members of access tokens, e.g. `typ: 'JWT'` where the provider does not use `at+jwt`. */
  readonly accessTokenHeader?: Record<string, unknown>
}

export async function pickKey(ctx: TokenContext, options: MintOptions): Promise<KeyRecord> {
  if (options.kid !== undefined) {
    const record = ctx.ring.find(options.kid)
    if (record === undefined) throw new TypeError(`no key with "kid" ${JSON.stringify(options.kid)}`)
    if (options.alg !== undefined && options.alg !== record.alg)
      throw new TypeError(`key ${options.kid} is for "alg" ${record.alg}, not ${options.alg}`)
    return record
  }
  const alg = options.alg ?? ctx.ring.algorithms[0]
  if (options.signWith === 'unpublished') {
    if (!isSigningAlgorithm(alg)) throw new TypeError(`unsupported "alg": ${JSON.stringify(alg)}`)
    return ctx.ring.unpublished(alg)
  }
  return ctx.ring.signer(alg)
}

export function defaultSub(ctx: TokenContext): string {
  return ctx.user()?.sub ?? 'test-user'
}

async function sign(
  key: KeyRecord,
  typ: string,
  defaults: Record<string, unknown>,
  claims: Record<string, unknown>,
  options: MintOptions,
): Promise<string> {
  const header = compact({ alg: key.alg, typ, kid: key.kid, ...options.header })
  const payload = compact({ ...defaults, ...claims })
  return signCompact(header, utf8(JSON.stringify(payload)), key)
}

export async function mintIdToken(
  ctx: TokenContext,
  claims: Record<string, unknown> = {},
  options: MintOptions = {},
): Promise<string> {
  const key = await pickKey(ctx, options)
  const iat = ctx.nowSeconds()
  const defaults: Record<string, unknown> = {
    iss: ctx.issuer,
    sub: defaultSub(ctx),
    aud: ctx.clientId,
    iat,
    exp: iat + (options.expiresIn ?? ctx.tokenTtl),
  }
  if (options.accessToken !== undefined) defaults.at_hash = await halfHash(key.alg, options.accessToken)
  if (options.code !== undefined) defaults.c_hash = await halfHash(key.alg, options.code)
  return signShaped(ctx, 'idToken', key, 'JWT', defaults, claims, options)
}

export async function mintAccessToken(
  ctx: TokenContext,
  claims: Record<string, unknown> = {},
  options: MintOptions = {},
): Promise<string> {
  const key = await pickKey(ctx, options)
  const iat = ctx.nowSeconds()
  const defaults = {
    iss: ctx.issuer,
    sub: defaultSub(ctx),
    aud: ctx.accessTokenAudience,
    iat,
    exp: iat + (options.expiresIn ?? ctx.tokenTtl),
    jti: randomToken(16),
    client_id: ctx.clientId,
    scope: 'openid',
  }
  return signShaped(ctx, 'accessToken', key, 'at+jwt', defaults, claims, options)
}

/** Signs an ID or access token with the defaults and header members the provider profile gives its kind, if any. */
function signShaped(
  ctx: TokenContext,
  kind: 'idToken' | 'accessToken',
  key: KeyRecord,
  typ: string,
  defaults: Record<string, unknown>,
  claims: Record<string, unknown>,
  options: MintOptions,
): Promise<string> {
  const profile = ctx.tokenProfile
  const header = { ...profile?.[`${kind}Header`], ...options.header }
  return sign(key, typ, profile?.[kind]?.(defaults, claims, ctx) ?? defaults, claims, { ...options, header })
}

/** OpenID Connect Back-Channel Logout 1.0 §2.4: the event that makes a JWT a logout token. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'

export async function mintLogoutToken(
  ctx: TokenContext,
  claims: Record<string, unknown> = {},
  options: MintOptions = {},
): Promise<string> {
  const key = await pickKey(ctx, options)
  const iat = ctx.nowSeconds()
  // §2.4: a short lifetime (two minutes is common), and never a nonce, so it cannot pass as an ID token.
  const defaults = {
    iss: ctx.issuer,
    sub: defaultSub(ctx),
    aud: ctx.clientId,
    iat,
    exp: iat + (options.expiresIn ?? 120),
    jti: randomToken(16),
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
  }
  return sign(key, 'logout+jwt', defaults, claims, options)
}
