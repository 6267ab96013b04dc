// The configured issuers, and which of them a token's (still unverified) `iss` names. A token is only ever
// routed to a configured issuer: an `iss` that matches none is refused before any key is looked up, so a
// token cannot make the verifier fetch anything from a place of its choosing.

/** A configured issuer a token's `iss` matched. */
export interface IssuerMatch {
  /** The token's `iss`: a configured issuer, or a concrete value of a configured template. */
  readonly issuer: string
  /** The configured entry it matched (a template keeps its placeholders). */
  readonly configured: string
  /** A template's placeholder values, e.g. `{ tenantid: '…' }`; empty for a plain issuer. */
  readonly params: Readonly<Record<string, string>>
}

export interface Issuers {
  readonly configured: readonly string[]
  match(iss: unknown): IssuerMatch | undefined
}

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({})
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g
// A placeholder stands for one identifier (a tenant id, a project id): never a dot, slash or colon, so it can
// neither reach into the host nor add a path segment.
const VALUE = '([A-Za-z0-9_-]{1,128})'

/** True for an issuer with `{name}` placeholders (Entra's multi-tenant `https://…/{tenantid}/v2.0`). */
export const isTemplate = (issuer: string): boolean => /\{[A-Za-z_][A-Za-z0-9_]*\}/.test(issuer)

export function issuersOf(configured: readonly string[]): Issuers {
  const exact = new Set(configured.filter((issuer) => !isTemplate(issuer)))
  const templates = configured.filter(isTemplate).map((template) => {
    const names: string[] = []
    const source = template
      .split(PLACEHOLDER)
      .map((part, i) => {
        if (i % 2 === 0) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        names.push(part)
        return VALUE
      })
      .join('')
    return { template, names, pattern: new RegExp(`^${source}$`) }
  })
  return {
    configured,
    match(iss) {
      if (typeof iss !== 'string') return undefined
      if (exact.has(iss)) return { issuer: iss, configured: iss, params: NO_PARAMS }
      for (const { template, names, pattern } of templates) {
        const found = pattern.exec(iss)
        if (found !== null) {
          return {
            issuer: iss,
            configured: template,
            params: Object.fromEntries(names.map((name, i) => [name, found[i + 1]!])),
          }
        }
      }
      return undefined
    },
  }
}

/**
 * Why a configured issuer and the token's `iss` differ, when they differ in a way people get wrong (a trailing
 * slash, the scheme, the host), without quoting the token's value.
 */
export function issuerHint(iss: string, configured: readonly string[]): string {
  for (const expected of configured) {
    if (iss.replace(/\/$/, '') === expected.replace(/\/$/, ''))
      return ` (the configured "${expected}" differs only by a trailing slash)`
    const strip = (url: string): string => url.replace(/^[a-z]+:\/\//i, '')
    if (strip(iss) === strip(expected)) return ` (the configured "${expected}" differs only by the scheme)`
    try {
      const a = new URL(iss)
      const b = new URL(expected)
      if (a.pathname === b.pathname && a.host !== b.host) return ` (it has the path of "${expected}" on another host)`
      const sa = a.pathname.split('/')
      const sb = b.pathname.split('/')
      if (a.origin === b.origin && sa.length === sb.length && sa.filter((part, i) => part !== sb[i]).length === 1) {
        return ` (the configured "${expected}" differs in one path segment: another tenant, realm or project?)`
      }
    } catch {
      // Not URLs: no finer hint.
    }
  }
  return ''
}
