import { IdTokenError } from './lib/errors.ts'

/**
 * A request whose bearer credentials are malformed (RFC 6750 §3.1 `invalid_request`): thrown by
 * {@link bearerToken}, answered with 400 by {@link challengeResponse}. Its description never quotes the header.
 *
 * @example
 * ```ts
 * try {
 *   token = bearerToken(request)
 * } catch (error) {
 *   if (error instanceof BearerError) return challengeResponse(error)
 *   throw error
 * }
 * ```
 * @see [RFC 6750 §3.1](https://www.rfc-editor.org/rfc/rfc6750#section-3.1)
 */
export class BearerError extends Error {
  /** Always `'BearerError'`. */
  override name = 'BearerError'
  /** The RFC 6750 error code. */
  readonly error = 'invalid_request' as const
  /** What is wrong with the request, safe to send back. */
  readonly description: string

  /**
   * Made by {@link bearerToken}; construct one only to fail the same way in your own request parsing.
   *
   * @param description what is wrong with the request; never the header's content.
   */
  constructor(description: string) {
    super(description)
    this.description = description
  }
}

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token (token68 in RFC 9110 §11.2).
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i
const SCHEME = /^bearer(?:\s|$)/i

/**
 * What {@link bearerToken} reads of a request: a Fetch `Request` fits. Typed structurally, so that the published
 * declarations need neither the DOM lib nor Node's types.
 *
 * @example
 * ```ts
 * const request: RequestLike = new Request('https://api.example.com/me', { headers: { authorization: 'Bearer …' } })
 * ```
 * @see [RFC 6750 §2.1](https://www.rfc-editor.org/rfc/rfc6750#section-2.1)
 */
export interface RequestLike {
  /** The request's URL (a query `access_token` is refused). */
  readonly url: string
  /** The request's headers. */
  readonly headers: {
    /** The value of a header, or null. */
    get(name: string): string | null
  }
}

/**
 * What {@link challengeResponse} returns: the platform's `Response` where the project declares one (the DOM lib,
 * Node's or Deno's types), else an object with a status and headers.
 *
 * @example
 * ```ts
 * const response: ResponseOf = challengeResponse(undefined, { realm: 'api' })
 * ```
 * @see [RFC 6750 §3](https://www.rfc-editor.org/rfc/rfc6750#section-3)
 */
export type ResponseOf = typeof globalThis extends {
  /** The platform's `Response` constructor. */
  Response: {
    /** What `new Response()` makes. */
    prototype: infer R
  }
}
  ? R
  : {
      /** The HTTP status. */
      readonly status: number
    }

/**
 * The bearer token of a request's `Authorization` header (RFC 6750 §2.1): the scheme in any case, then spaces,
 * then a token68. `undefined` when the request has no `Authorization` header or another scheme (answer with a
 * 401 challenge); throws a {@link BearerError} (`invalid_request`, 400) when the Bearer credentials are
 * malformed or repeated, or a token travels in the URI query as well. Tokens in the query or a form body are
 * never read (RFC 9700 §2.7).
 *
 * @example
 * ```ts
 * const token = bearerToken(request)
 * if (token === undefined) return challengeResponse(undefined, { realm: 'api' })
 * const { payload } = await api.verify(token)
 * ```
 * @see [RFC 6750 §2.1](https://www.rfc-editor.org/rfc/rfc6750#section-2.1)
 */
export function bearerToken(request: RequestLike): string | undefined {
  const header = request.headers.get('authorization')
  // RFC 6750 §3.1: more than one method for including the token is an invalid request.
  if (new URL(request.url).searchParams.has('access_token')) {
    throw new BearerError('the access token must be sent in the Authorization header only, not in the URI query')
  }
  if (header === null || !SCHEME.test(header)) return undefined
  const match = BEARER.exec(header)
  // Several Authorization fields arrive joined by ", ", which no token68 contains.
  if (match === null) throw new BearerError('the Authorization header is not "Bearer" followed by one token68')
  return match[1]!
}

/** Options of {@link challenge} and {@link challengeResponse}. */
export interface ChallengeOptions {
  /** The protection space (RFC 9110 §11.5). */
  realm?: string
  /** The scopes the resource needs, sent with `insufficient_scope` (and without an error): space-separated or a list. */
  scope?: string | readonly string[]
}

/** A failure described by hand: an RFC 6750 error code (or an extension's) and an optional description. */
export interface BearerFailure {
  /** `invalid_request`, `invalid_token`, `insufficient_scope`, or an extension error code. */
  readonly error: string
  /** For the developer; sent as `error_description`. */
  readonly description?: string | undefined
}

type Outcome = { readonly error: string | undefined; readonly description: string | undefined; readonly status: number }

// The RFC 6750 §3 attribute value grammars.
const ERROR_CODE = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

function outcomeOf(failure: IdTokenError | BearerFailure | undefined): Outcome {
  if (failure === undefined) return { error: undefined, description: undefined, status: 401 }
  if (failure instanceof IdTokenError) {
    // The token was not judged: the provider or its configuration failed. No error code blames the client.
    if (failure.code === 'ERR_JWKS_UNAVAILABLE') return { error: undefined, description: undefined, status: 503 }
    if (failure.code === 'ERR_JWKS_INVALID') return { error: undefined, description: undefined, status: 500 }
    const error =
      failure.code === 'ERR_CLAIM_INVALID' && failure.claim === 'scope' ? 'insufficient_scope' : 'invalid_token'
    return { error, description: failure.message, status: error === 'insufficient_scope' ? 403 : 401 }
  }
  const { error, description } = failure
  if (typeof error !== 'string' || !ERROR_CODE.test(error))
    throw new TypeError('challenge: "error" must be an RFC 6750 error code')
  const status = error === 'invalid_request' ? 400 : error === 'insufficient_scope' ? 403 : 401
  return { error, description, status }
}

// RFC 6750 §3: error_description allows printable ASCII but `"` and `\`, so there is nothing to escape: quotes
// become apostrophes and anything else outside the grammar a "?".
const describeSafely = (text: string): string => text.replace(/"/g, "'").replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '?')

// RFC 9110 §5.6.4 quoted-string, for the realm.
const quoted = (text: string): string => `"${text.replace(/[\\"]/g, '\\$&')}"`

/**
 * The `WWW-Authenticate` value for a request that failed (RFC 6750 §3): `invalid_token` for a token that did not
 * verify, `insufficient_scope` for a missing scope (`ERR_CLAIM_INVALID` on `scope`), `invalid_request` for a
 * {@link BearerError}; with no failure (no credentials), the bare challenge. The description is the error's
 * message, which never carries token content; outages (`ERR_JWKS_*`) carry no error code, as the token was not
 * judged.
 *
 * @example
 * ```ts
 * headers.set('www-authenticate', challenge(error, { realm: 'api', scope: ['invoices:read'] }))
 * // Bearer realm="api", error="insufficient_scope", error_description="the 'scope' claim lacks ...", scope="invoices:read"
 * ```
 * @see [RFC 6750 §3](https://www.rfc-editor.org/rfc/rfc6750#section-3)
 */
export function challenge(failure?: IdTokenError | BearerFailure, options: ChallengeOptions = {}): string {
  return challengeOf(outcomeOf(failure), options)
}

function challengeOf({ error, description }: Outcome, options: ChallengeOptions): string {
  const params: string[] = []
  if (options.realm !== undefined) params.push(`realm=${quoted(options.realm)}`)
  if (error !== undefined) params.push(`error="${error}"`)
  if (error !== undefined && description !== undefined)
    params.push(`error_description="${describeSafely(description)}"`)
  const { scope } = options
  if (scope !== undefined && (error === undefined || error === 'insufficient_scope')) {
    const scopes = typeof scope === 'string' ? scope.split(' ') : scope
    if (!scopes.every((token) => typeof token === 'string' && SCOPE_TOKEN.test(token))) {
      throw new TypeError('challenge: "scope" must be scope tokens (no quotes or backslashes)')
    }
    params.push(`scope="${scopes.join(' ')}"`)
  }
  return params.length === 0 ? 'Bearer' : `Bearer ${params.join(', ')}`
}

/**
 * A ready answer for a failed request: status 401 (`invalid_token`, no credentials), 403 (`insufficient_scope`),
 * 400 (`invalid_request`), 503 with `Retry-After: 30` when the provider's keys cannot be fetched, 500 when its
 * configuration is broken, with the {@link challenge} as `WWW-Authenticate` and no body.
 *
 * @example
 * ```ts
 * try {
 *   const token = bearerToken(request)
 *   if (token === undefined) return challengeResponse(undefined, { realm: 'api' })
 *   const { payload } = await api.verify(token)
 * } catch (error) {
 *   if (error instanceof IdTokenError || error instanceof BearerError) return challengeResponse(error, { realm: 'api' })
 *   throw error
 * }
 * ```
 * @see [RFC 6750 §3](https://www.rfc-editor.org/rfc/rfc6750#section-3)
 */
export function challengeResponse(failure?: IdTokenError | BearerFailure, options: ChallengeOptions = {}): ResponseOf {
  const outcome = outcomeOf(failure)
  const headers = new Headers({ 'www-authenticate': challengeOf(outcome, options) })
  if (outcome.status === 503) headers.set('retry-after', '30')
  return new Response(null, { status: outcome.status, headers }) as ResponseOf
}
