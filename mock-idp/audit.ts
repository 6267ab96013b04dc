// The audit: the mock IdP on a real port, its good token and the bad-token catalogue fired at an API
// that trusts that issuer, and which of them the API accepted.
import { startMockIdpServer } from './start-server.ts'
import type { BadTokenName } from './types.ts'

/**
 * Options of {@link auditApi}.
 *
 * @example
 * ```ts
 * const report = await auditApi({ target: 'http://127.0.0.1:3000/api/me', clientId: 'my-app', port: 4000 })
 * ```
 * @see [RFC 6750 §2.1](https://www.rfc-editor.org/rfc/rfc6750#section-2.1) (the `Authorization: Bearer` header)
 */
export interface AuditOptions {
  /** The API URL to send each token to (a `GET`). */
  target: string
  /** The client id the API expects as `aud`. Default `test-client`. */
  clientId?: string
  /** Port of the mock IdP on 127.0.0.1; the issuer is `http://127.0.0.1:<port>`. Default 4000 (0: any free port). */
  port?: number
  /**
   * The header that carries the token, as `Name: value` with `{token}` where the token goes.
   * Default `Authorization: Bearer {token}`.
   */
  header?: string
  /** Signing algorithms of the mock IdP; the first signs. Default `['RS256']`. */
  algorithms?: string[]
  /** Transport to the target (an in-process app's `fetch`, a proxy). Default `globalThis.fetch`. */
  fetch?: (input: Request) => Promise<Response>
  /** Milliseconds to wait for each answer of the target. Default 10000. */
  timeout?: number
}

/**
 * What an audit says about one token: `fail` (the API accepted a token it must refuse), `pass` (it
 * refused it), `note` (it accepted a token that only a login's context or a provider's own mistake
 * makes bad; see `BadTokenAcceptance` in `idtoken-verify/mock-idp`), or, with `status: null`, that the API gave no answer.
 *
 * @example
 * ```ts
 * const holes = report.results.filter((row) => row.verdict === 'fail')
 * ```
 * @see [OpenID Connect Core 1.0 §3.1.3.7](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation)
 */
export type AuditVerdict = 'fail' | 'pass' | 'note'

/**
 * The target's answer to one token of the audit.
 *
 * @example
 * ```ts
 * const row: AuditResult = { name: 'algNone', status: 401, accepted: false, verdict: 'pass' }
 * ```
 * @see [RFC 9110 §15.3](https://www.rfc-editor.org/rfc/rfc9110#section-15.3) (2xx: accepted)
 */
export interface AuditResult {
  /** The bad-token catalogue name. */
  name: BadTokenName
  /** The HTTP status, or `null` when the target gave no answer (refused, reset, timed out). */
  status: number | null
  /** The status was 2xx. */
  accepted: boolean
  /** What the answer means. */
  verdict: AuditVerdict
}

/**
 * What {@link auditApi} resolves to, and what `idtoken-verify-mock-idp audit --json` prints.
 *
 * @example
 * ```ts
 * const { baseline, results } = await auditApi({ target, clientId: 'my-app' })
 * ```
 * @see {@link auditExitCode}
 */
export interface AuditReport {
  /** The target's answer to a good token: the audit means something only when it was accepted. */
  baseline: {
    /** The HTTP status, or `null` without an answer. */
    status: number | null
    /** The status was 2xx. */
    accepted: boolean
  }
  /** One row per catalogue entry, in catalogue order; empty when the baseline was not accepted. */
  results: AuditResult[]
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/** Splits `Name: value {token}`; a TypeError names what is wrong. */
export function parseAuditHeader(spec: string): { name: string; template: string } {
  const colon = spec.indexOf(':')
  const name = colon < 0 ? '' : spec.slice(0, colon).trim()
  const template = colon < 0 ? '' : spec.slice(colon + 1).trim()
  if (!HEADER_NAME.test(name))
    throw new TypeError(`--header must look like 'Name: value {token}', got ${JSON.stringify(spec)}`)
  if (!template.includes('{token}')) throw new TypeError('--header must say where the token goes with {token}')
  return { name, template }
}

/**
 * The exit code of `idtoken-verify-mock-idp audit` for a report: 2 when the good token was refused
 * or some request got no answer, 1 when some token whose acceptance is a hole was accepted, else 0.
 *
 * @example
 * ```ts
 * process.exitCode = auditExitCode(await auditApi({ target }))
 * ```
 * @see {@link AuditReport}
 */
export function auditExitCode(report: AuditReport): 0 | 1 | 2 {
  if (!report.baseline.accepted || report.results.some((row) => row.status === null)) return 2
  return report.results.some((row) => row.verdict === 'fail') ? 1 : 0
}

/**
 * Fires the mock IdP's good token, then every token of the bad-token catalogue, at an API and
 * reports which it accepted (any 2xx; redirects are not followed, so a redirect to a login page
 * counts as a refusal). The API must trust the issuer `http://127.0.0.1:<port>` and expect
 * `clientId` as the audience; the mock IdP serves discovery and the JWKS there while the audit
 * runs. Tokens go one at a time, as `Authorization: Bearer <token>` unless `header` says otherwise.
 * Rejects only when the mock IdP cannot start (the port is taken, a bad option).
 *
 * @example
 * ```ts
 * import { auditApi, auditExitCode } from 'idtoken-verify/mock-idp/server'
 *
 * const report = await auditApi({ target: 'http://127.0.0.1:3000/api/me', clientId: 'my-app', port: 4000 })
 * expect(report.baseline.accepted).toBe(true)
 * expect(report.results.filter((row) => row.verdict === 'fail')).toEqual([])
 * expect(auditExitCode(report)).toBe(0)
 * ```
 * @see [OpenID Connect Core 1.0 §3.1.3.7](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation)
 * @see [RFC 8725](https://www.rfc-editor.org/rfc/rfc8725) (JWT best current practices)
 */
export async function auditApi(options: AuditOptions): Promise<AuditReport> {
  const target = new URL(options.target)
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw new TypeError('"target" must be an http(s) URL')
  const { name, template } = parseAuditHeader(options.header ?? 'Authorization: Bearer {token}')
  const timeout = options.timeout ?? 10_000
  const send = options.fetch ?? ((request: Request) => fetch(request))
  const clientId = options.clientId ?? 'test-client'
  const server = await startMockIdpServer({
    port: options.port ?? 4000,
    clientId,
    control: false,
    ...(options.algorithms === undefined ? {} : { algorithms: options.algorithms }),
  })
  const ask = async (token: string): Promise<number | null> => {
    const request = new Request(target, {
      headers: { [name]: template.replaceAll('{token}', token) },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeout),
    })
    try {
      const response = await send(request)
      await response.body?.cancel().catch(() => undefined)
      return response.status
    } catch {
      return null
    }
  }
  const accepted = (status: number | null): boolean => status !== null && status >= 200 && status < 300
  try {
    // Minted before anything is sent, so that the key set the API first fetches is the one it keeps.
    const good = await server.idp.mintIdToken()
    const bad = await server.idp.badTokens()
    const baselineStatus = await ask(good)
    const report: AuditReport = {
      baseline: { status: baselineStatus, accepted: accepted(baselineStatus) },
      results: [],
    }
    if (!report.baseline.accepted) return report
    for (const entry of bad) {
      const status = await ask(entry.token)
      const taken = accepted(status)
      const hole = entry.acceptance === 'hole'
      report.results.push({
        name: entry.name as BadTokenName,
        status,
        accepted: taken,
        verdict: !taken ? (status === null ? 'note' : 'pass') : hole ? 'fail' : 'note',
      })
    }
    return report
  } finally {
    await server.close()
  }
}
