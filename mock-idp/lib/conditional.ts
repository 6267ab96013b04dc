// Conditional GET (RFC 9110 13.1.2) for the documents a verifier caches: discovery and the key set.
import { b64u, utf8 } from './encoding.ts'

async function etagOf(body: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(body)))
  return `"${b64u(digest.subarray(0, 16))}"`
}

// RFC 9110 13.1.2: weak comparison, a list, or `*`.
function matchesEtag(header: string | null, etag: string): boolean {
  if (header === null) return false
  return header.split(',').some((candidate) => {
    const value = candidate.trim()
    return value === '*' || value.replace(/^W\//, '') === etag
  })
}

/** `body` with its ETag and `cacheControl`, or a 304 when the request's `If-None-Match` matches. */
export async function cacheable(
  request: Request,
  body: string,
  contentType: string,
  cacheControl: string,
): Promise<Response> {
  const etag = await etagOf(body)
  const headers = { etag, 'cache-control': cacheControl }
  if (matchesEtag(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers })
  return new Response(body, { status: 200, headers: { ...headers, 'content-type': contentType } })
}
