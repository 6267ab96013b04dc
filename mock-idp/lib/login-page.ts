// The optional login page of the authorization endpoint (`loginPage`, CLI `--login-page`): one form per
// persona, its claims editable as JSON, posted back to the endpoint with the authorization request's
// parameters. Plain HTML forms: no script, so no CSP exception is needed anywhere.
import type { Persona } from './personas.ts'
import type { MockIdpUser } from '../types.ts'

/** Fields the page adds to the authorization request it posts back. */
export const PERSONA_FIELD = 'mock_idp_persona'
export const CLAIMS_FIELD = 'mock_idp_claims'

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)

// No script and no external resource; framing refused (clickjacking a sign-in button).
const HEADERS = {
  'content-type': 'text/html;charset=UTF-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
}

/** The page for an authorization request: `action` is the endpoint's path, `params` the request's parameters. */
export function loginPage(
  action: string,
  params: URLSearchParams,
  personas: readonly Persona[],
  hint: string | undefined,
): Response {
  const hidden = [...params]
    .filter(([name]) => name !== PERSONA_FIELD && name !== CLAIMS_FIELD)
    .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`)
    .join('')
  const forms = personas.map(({ name, user }) => {
    const claims = JSON.stringify({ sub: user.sub, ...user.claims }, null, 2)
    const id = `claims-${escape(name)}`
    return `<form method="post" action="${escape(action)}"${name === hint ? ' class="hinted"' : ''}>${hidden}
<h2>${escape(name)}</h2>
<label for="${id}">Claims of ${escape(name)} (JSON)</label>
<textarea id="${id}" name="${CLAIMS_FIELD}" rows="6" cols="60" spellcheck="false">${escape(claims)}</textarea>
<button type="submit" name="${PERSONA_FIELD}" value="${escape(name)}">Sign in as ${escape(name)}</button>
</form>`
  })
  const body = `<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Mock IdP: sign in</title>
<style>body{font:16px system-ui,sans-serif;max-width:44em;margin:2em auto}form{border:1px solid #ccc;padding:1em;margin:1em 0}
.hinted{border-color:#06c}textarea{display:block;width:100%;font:14px monospace;margin:.5em 0}</style>
<h1>Sign in to the mock IdP</h1>
<p>Client <code>${escape(params.get('client_id') ?? '')}</code> asks who you are. Pick a persona; edit its claims first if you like.</p>
${forms.join('\n')}
</html>`
  return new Response(body, { status: 200, headers: HEADERS })
}

/** The user a posted login form chose, or why the form is unusable. */
export function userFromForm(params: URLSearchParams): MockIdpUser | string {
  let claims: unknown
  try {
    claims = JSON.parse(params.get(CLAIMS_FIELD) ?? '')
  } catch {
    return 'the claims must be JSON'
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return 'the claims must be a JSON object'
  const { sub, ...rest } = claims as Record<string, unknown>
  if (typeof sub !== 'string' || sub === '') return 'the claims need a non-empty string "sub"'
  return { sub, claims: rest }
}

/** The personas the page offers: the configured ones, else whoever is signed in (or a blank `test-user`). */
export function pagePersonas(personas: readonly Persona[], current: MockIdpUser | null): readonly Persona[] {
  if (personas.length > 0) return personas
  const user = current ?? { sub: 'test-user', claims: {} }
  return [{ name: user.sub, user }]
}
