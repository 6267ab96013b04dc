// Cross-profile tokens: each a genuine token of this provider, of one kind (ID, access, logout), addressed and
// shaped so that it would pass the verifier of another kind but for its kind. A verifier that keeps the kinds
// apart refuses each by its header `typ`. (The ID-token verifier's side is in the bad-token catalogue:
// `accessTokenAsIdToken`, `logoutTokenAsIdToken`.) Codes are spelled out, as in bad-tokens.ts.
import {
  BACKCHANNEL_LOGOUT_EVENT,
  mintAccessToken,
  mintIdToken,
  mintLogoutToken,
  type TokenContext,
} from './lib/tokens.ts'
import type { ExpectedError } from './types.ts'

/**
 * The names of {@link CROSS_PROFILE_CATALOGUE}.
 *
 * @example
 * ```ts
 * const name: CrossProfileTokenName = 'idTokenAsAccessToken'
 * ```
 * @see [RFC 8725 §3.11, §3.12](https://www.rfc-editor.org/rfc/rfc8725#section-3.11) (explicit typing, cross-JWT confusion)
 */
export type CrossProfileTokenName = keyof typeof CROSS_PROFILE_TOKENS

/**
 * Which verifier a cross-profile token is meant to fool: `'access'` is `createAccessTokenVerifier({ issuer,
 * audience: accessTokenAudience })`, `'logout'` is `createLogoutTokenVerifier({ issuer, audience: clientId })`.
 *
 * @example
 * ```ts
 * const verifier = target === 'access' ? accessTokens : logoutTokens
 * ```
 * @see {@link CROSS_PROFILE_CATALOGUE}
 */
export type CrossProfileTarget = 'access' | 'logout'

/**
 * What a cross-profile token is and what its target verifier must say about it.
 *
 * @example
 * ```ts
 * const { target, expectedError } = CROSS_PROFILE_CATALOGUE.idTokenAsAccessToken
 * ```
 * @see [RFC 8725 §3.12](https://www.rfc-editor.org/rfc/rfc8725#section-3.12)
 */
export interface CrossProfileTokenInfo {
  /** The verifier the token is presented to. */
  readonly target: CrossProfileTarget
  /** What the token really is, and why it must be refused. */
  readonly description: string
  /** The error a verifier that keeps the kinds apart reports. */
  readonly expectedError: ExpectedError
}

/**
 * A minted cross-profile token: {@link MockIdp.mintCrossProfileToken}.
 *
 * @example
 * ```ts
 * const { token, target, expectedError } = await idp.mintCrossProfileToken('accessTokenAsLogoutToken')
 * ```
 * @see {@link CROSS_PROFILE_CATALOGUE}
 */
export interface CrossProfileToken extends CrossProfileTokenInfo {
  /** The catalogue name. */
  readonly name: CrossProfileTokenName
  /** The compact-serialized token. */
  readonly token: string
}

const header = { code: 'ERR_HEADER_UNSUPPORTED' } as const

const LOGOUT_EVENTS = { [BACKCHANNEL_LOGOUT_EVENT]: {} }

/** A catalogue entry and how to mint its token. */
export interface CrossProfileRecord extends CrossProfileTokenInfo {
  /** Mints the token; `claims` override the entry's own. */
  build(ctx: TokenContext, claims: Record<string, unknown>): Promise<string>
}

/**
 * One record per cross-profile token; the catalogue, the names and the minting derive from it. Entries are
 * asserted to the record type: isolatedDeclarations wants a declared type, and the names type needs only the keys.
 */
export const CROSS_PROFILE_TOKENS = {
  idTokenAsAccessToken: {
    target: 'access',
    description:
      'an ID token (`typ: JWT`) with the API as `aud` and `client_id`, `jti`, `scope`: not an access token (RFC 9068 §4 step 1)',
    expectedError: header,
    build: (ctx, c) =>
      mintIdToken(ctx, {
        aud: ctx.accessTokenAudience,
        client_id: ctx.clientId,
        jti: `id-${ctx.nowSeconds()}`,
        scope: 'openid',
        ...c,
      }),
  } as CrossProfileRecord,
  logoutTokenAsAccessToken: {
    target: 'access',
    description: 'a logout token (`typ: logout+jwt`) with the API as `aud` and `client_id`, `scope`',
    expectedError: header,
    build: (ctx, c) =>
      mintLogoutToken(ctx, { aud: ctx.accessTokenAudience, client_id: ctx.clientId, scope: 'openid', ...c }),
  } as CrossProfileRecord,
  idTokenAsLogoutToken: {
    target: 'logout',
    description: 'an ID token (`typ: JWT`) with `jti`, `sid` and the logout `events`',
    expectedError: header,
    build: (ctx, c) =>
      mintIdToken(ctx, { jti: `id-${ctx.nowSeconds()}`, sid: 'session-1', events: LOGOUT_EVENTS, ...c }),
  } as CrossProfileRecord,
  accessTokenAsLogoutToken: {
    target: 'logout',
    description: 'an access token (`typ: at+jwt`) for the client with `sid` and the logout `events`',
    expectedError: header,
    build: (ctx, c) => mintAccessToken(ctx, { aud: ctx.clientId, sid: 'session-1', events: LOGOUT_EVENTS, ...c }),
  } as CrossProfileRecord,
}

/**
 * The cross-profile catalogue: an ID token to the access-token verifier, a logout token to it, an ID token and an
 * access token to the logout-token verifier, each otherwise valid for its target (issuer, audience, every
 * required claim), so that only the kind tells them apart.
 *
 * @example
 * ```ts
 * for (const [name, { target, expectedError }] of Object.entries(CROSS_PROFILE_CATALOGUE)) console.log(name, target, expectedError.code)
 * ```
 * @see [RFC 9068 §4](https://www.rfc-editor.org/rfc/rfc9068#section-4) and
 *   [Back-Channel Logout 1.0 §4.1](https://openid.net/specs/openid-connect-backchannel-1_0.html#CrossJWT)
 */
export const CROSS_PROFILE_CATALOGUE: Readonly<Record<CrossProfileTokenName, CrossProfileTokenInfo>> = Object.freeze(
  Object.fromEntries(
    Object.entries(CROSS_PROFILE_TOKENS).map(([name, { target, description, expectedError }]) => [
      name,
      { target, description, expectedError },
    ]),
  ) as Record<CrossProfileTokenName, CrossProfileTokenInfo>,
)

/**
 * Every name of {@link CROSS_PROFILE_CATALOGUE}, in catalogue order.
 *
 * @example
 * ```ts
 * it.each(CROSS_PROFILE_NAMES)('refuses %s', async (name) => { ... })
 * ```
 * @see {@link CROSS_PROFILE_CATALOGUE}
 */
export const CROSS_PROFILE_NAMES: readonly CrossProfileTokenName[] = Object.freeze(
  Object.keys(CROSS_PROFILE_TOKENS) as CrossProfileTokenName[],
)

export async function mintCrossProfileToken(
  ctx: TokenContext,
  name: CrossProfileTokenName,
  claims: Record<string, unknown> = {},
): Promise<CrossProfileToken> {
  if (!Object.hasOwn(CROSS_PROFILE_TOKENS, name)) {
    throw new TypeError(`unknown cross-profile token ${JSON.stringify(name)}; known: ${CROSS_PROFILE_NAMES.join(', ')}`)
  }
  const { target, description, expectedError, build } = CROSS_PROFILE_TOKENS[name]
  return { name, token: await build(ctx, claims), target, description, expectedError: { ...expectedError } }
}
