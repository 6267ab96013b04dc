// Who an authorization request signs in: the signed-in user, a persona named by `login_hint`, the login
// page's choice, or nobody (`login_required`), as OIDC Core 3.1.2.1 (`prompt`, `login_hint`) describes.
import { loginPage, pagePersonas, PERSONA_FIELD, userFromForm } from './login-page.ts'
import { oauthError } from './http.ts'
import type { Personas } from './personas.ts'
import type { MockIdpUser } from '../types.ts'

export interface SignInContext {
  user(): MockIdpUser | null
  personas: Personas
  /** Changes who is signed in at the provider (the session), as a real sign-in would. */
  signIn(user: MockIdpUser | null): void
  loginPage: boolean
}

/** An error to send back to the client's redirect URI. */
export interface SignInError {
  error: string
  description: string
}

/**
 * The user to issue a code for; an error for the client; or a page (the login page, or a 400 for a
 * broken login form) to answer with instead of a redirect.
 */
export function signInFor(
  ctx: SignInContext,
  params: URLSearchParams,
  action: string,
): MockIdpUser | SignInError | Response {
  const prompt = (params.get('prompt') ?? '').split(' ').filter((value) => value !== '')
  const hint = params.get('login_hint') ?? undefined
  const personas = ctx.personas.list()
  const current = ctx.user()
  if (prompt.includes('none')) {
    if (prompt.length > 1)
      return { error: 'invalid_request', description: 'prompt=none cannot be combined with other values' }
    if (current === null) return { error: 'login_required', description: 'no user is signed in at the mock IdP' }
    // The hinted user has no session unless they are the one signed in.
    const hinted = hint === undefined ? undefined : ctx.personas.find(hint)
    if (hint !== undefined && hint !== current.sub && hinted?.user.sub !== current.sub) {
      return { error: 'login_required', description: 'the login_hint user is not the one signed in' }
    }
    return current
  }
  if (ctx.loginPage) {
    if (!params.has(PERSONA_FIELD))
      return loginPage(
        action,
        params,
        pagePersonas(personas, current),
        hint === undefined ? undefined : ctx.personas.find(hint)?.name,
      )
    const chosen = userFromForm(params)
    if (typeof chosen === 'string') return oauthError('invalid_request', chosen)
    ctx.signIn(chosen)
    return chosen
  }
  if (hint !== undefined && personas.length > 0) {
    const persona = ctx.personas.find(hint)
    if (persona === undefined) {
      return {
        error: 'login_required',
        description: `login_hint names no persona (known: ${personas.map((p) => p.name).join(', ')})`,
      }
    }
    ctx.signIn(persona.user)
    return persona.user
  }
  return current ?? { error: 'login_required', description: 'no user is signed in at the mock IdP' }
}
