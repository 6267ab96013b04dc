import type { CheckedToken, VerifierOptions } from '../index.ts'
import { listed, misuse, refuse, requireObject, strings } from './shared.ts'

/**
 * Options of {@link entra}.
 *
 * @example
 * ```ts
 * const single: EntraOptions = { clientId, tenant: '72f988bf-86f1-41af-91ab-2d7cd011db47' }
 * const multi: EntraOptions = { clientId, tenant: 'organizations', tenants: ['72f988bf-86f1-41af-91ab-2d7cd011db47'] }
 * ```
 * @see [Microsoft identity platform: validate the issuer](https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-the-issuer)
 */
export interface EntraOptions {
  /** The application (client) ID of the app registration: `aud` must be one of them. */
  clientId: string | readonly string[]
  /**
   * The directory (tenant) ID, a GUID, for a single-tenant app; `'consumers'` for personal Microsoft accounts only;
   * `'organizations'` or `'common'` for a multi-tenant app (then `tenants` is required). Not a domain name: tokens
   * name the tenant by its ID.
   */
  tenant: string
  /**
   * Multi-tenant apps: the tenant IDs (GUIDs) whose users may sign in, checked against the `tid` claim and the
   * tenant in `iss`; `'any'` accepts every tenant (then authorize by `tid` yourself). Only with `'common'` or
   * `'organizations'`.
   */
  tenants?: readonly string[] | 'any'
  /**
   * Also accept v1.0 ID tokens (`iss` `https://sts.windows.net/<tid>/`, from the v1.0 endpoints or an app
   * registration with `accessTokenAcceptedVersion` null). Default false: only v2.0 tokens.
   */
  v1?: boolean
}

const AUTHORITY = 'https://login.microsoftonline.com'
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
/** The tenant of personal Microsoft accounts (what `consumers` stands for). */
const CONSUMERS = '9188040d-6c67-4c5b-b112-36a304b66dad'

const v2Issuer = (tid: string): string => `${AUTHORITY}/${tid}/v2.0`
const v1Issuer = (tid: string): string => `https://sts.windows.net/${tid}/`

/**
 * Verifier options for Microsoft Entra ID (Azure AD, the Microsoft identity platform).
 *
 * - Single tenant (`tenant: '<tenant id>'`): the v2.0 issuer `https://login.microsoftonline.com/<tid>/v2.0`,
 *   keys found by that issuer's discovery document.
 * - Multi-tenant (`tenant: 'organizations' | 'common'`): the issuer template
 *   `https://login.microsoftonline.com/{tenantid}/v2.0` with the tenant-independent key set, and the checks
 *   Microsoft asks for: `tid` is a GUID and is the tenant in `iss`, the tenant is in `tenants` (unless `'any'`),
 *   and the signing key's `issuer` member, where present, is the token's issuer once `{tenantid}` is replaced
 *   by `tid` (a key scoped to one tenant signs for that tenant only).
 * - v1.0 tokens (`https://sts.windows.net/<tid>/`) only with `v1: true`.
 * - An access token for an API of the same app registration (same `aud`, issuer and keys) is refused by its `scp`.
 *
 * @example
 * ```ts
 * import { createVerifier } from 'idtoken-verify'
 * import { entra } from 'idtoken-verify/providers'
 *
 * const verifier = createVerifier(entra({ clientId, tenant: 'organizations', tenants: [contosoTenantId, fabrikamTenantId] }))
 * const { payload } = await verifier.verify(idToken, { nonce })
 * const userKey = `${payload.tid}/${payload.oid}` // claims are scoped to the tenant
 * ```
 * @throws TypeError when `clientId` or `tenant` is missing or of the wrong form, when a multi-tenant app has
 * no `tenants` (pass `'any'` to accept every tenant), or `tenants` is given for a single tenant.
 * @see [Validate the issuer and the signing key issuer](https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-the-issuer)
 * @see [ID token claims reference](https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference)
 * @see [OpenID Connect on the Microsoft identity platform](https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc)
 */
export function entra(options: EntraOptions): VerifierOptions {
  requireObject('entra', options)
  const audience = strings('entra', 'clientId', options.clientId)
  const { tenant, tenants, v1 = false } = options
  if (typeof v1 !== 'boolean') misuse('entra', '"v1" must be a boolean')
  if (
    typeof tenant !== 'string' ||
    !(tenant === 'common' || tenant === 'organizations' || tenant === 'consumers' || GUID.test(tenant.toLowerCase()))
  ) {
    misuse(
      'entra',
      '"tenant" must be the directory (tenant) ID, a GUID (not a domain name: tokens name the tenant by ID), ' +
        'or "common", "organizations" or "consumers"',
    )
  }
  const multi = tenant === 'common' || tenant === 'organizations'
  if (!multi) {
    if (tenants !== undefined)
      misuse(
        'entra',
        `"tenants" applies to a multi-tenant app only (tenant "common" or "organizations"), not to tenant "${tenant}"`,
      )
    const tid = tenant === 'consumers' ? CONSUMERS : tenant.toLowerCase()
    const check = checkToken({ tenants: [tid], organizationsOnly: false, configured: `tenant "${tenant}"` })
    // v1.0 tokens have their own issuer (and no discovery document at it): one key set for both versions.
    return v1
      ? {
          issuer: [v2Issuer(tid), v1Issuer(tid)],
          audience,
          jwksUri: `${AUTHORITY}/${tid}/discovery/v2.0/keys`,
          algorithms: ['RS256'],
          check,
        }
      : { issuer: v2Issuer(tid), audience, check }
  }
  if (tenants === undefined) {
    misuse(
      'entra',
      `"tenants" is required with tenant "${tenant}": list the tenant IDs whose users may sign in, ` +
        "or pass tenants: 'any' to accept every tenant",
    )
  }
  let allowed: readonly string[] | undefined
  if (tenants !== 'any') {
    if (
      !Array.isArray(tenants) ||
      tenants.length === 0 ||
      !tenants.every((t) => typeof t === 'string' && GUID.test(t.toLowerCase()))
    ) {
      misuse('entra', '"tenants" must be \'any\' or a non-empty array of tenant IDs (GUIDs)')
    }
    allowed = tenants.map((t) => t.toLowerCase())
  }
  const issuer = v1 ? [v2Issuer('{tenantid}'), v1Issuer('{tenantid}')] : v2Issuer('{tenantid}')
  const check = checkToken({ tenants: allowed, organizationsOnly: tenant === 'organizations', configured: '"tenants"' })
  return { issuer, audience, jwksUri: `${AUTHORITY}/${tenant}/discovery/v2.0/keys`, algorithms: ['RS256'], check }
}

interface TenantPolicy {
  /** Allowed tenant IDs, lower case; undefined for any. */
  readonly tenants: readonly string[] | undefined
  /** `organizations`: work and school accounts only. */
  readonly organizationsOnly: boolean
  /** How the allowed tenants are named in messages. */
  readonly configured: string
}

function checkToken(policy: TenantPolicy): (token: CheckedToken) => void {
  return ({ payload, params, key }) => {
    // An access token for an API of the same app registration has this aud, issuer and keys; ID tokens have no scopes.
    if (payload.scp !== undefined)
      refuse('scp', 'the token has a "scp" claim: it is an Entra access token, not an ID token')
    const { tid } = payload
    if (typeof tid !== 'string' || !GUID.test(tid))
      refuse('tid', 'the "tid" claim is missing or not a tenant ID (a GUID)')
    // The tenant of a template issuer is the tenant of the token: tid and iss must name the same one.
    if (params.tenantid !== undefined && params.tenantid !== tid)
      refuse('iss', 'the "iss" claim names another tenant than the "tid" claim')
    if (policy.tenants !== undefined && !policy.tenants.includes(tid)) {
      refuse('tid', `the token is from another tenant than ${policy.configured} allows (${listed(policy.tenants)})`)
    }
    if (policy.organizationsOnly && tid === CONSUMERS) {
      refuse(
        'tid',
        'the token is of a personal Microsoft account, and tenant "organizations" accepts work and school accounts only',
      )
    }
    // Microsoft: a key whose issuer names one tenant signs for that tenant only; a templated one for any.
    const keyIssuer = key.issuer
    if (typeof keyIssuer === 'string') {
      const scoped = keyIssuer.replaceAll('{tenantid}', tid)
      // The v2.0 key set describes keys by v2.0 issuers; a v1.0 token is judged by its tenant's v2.0 issuer.
      if (scoped !== payload.iss && scoped !== v2Issuer(tid)) {
        refuse('iss', 'the signing key is published for another issuer than the token\'s (the key\'s "issuer" member)')
      }
    }
  }
}
