// Personas: named users a test signs in with `signInAs(name)` or an app picks with `login_hint`.
import type { MockIdpPersona, MockIdpUser } from '../types.ts'

export interface Persona {
  readonly name: string
  readonly user: MockIdpUser
}

export interface Personas {
  /** Every persona, in the order they were configured. */
  list(): readonly Persona[]
  /** The persona of this name; undefined for an unknown one. */
  get(name: string): Persona | undefined
  /** The persona a `login_hint` names: by name, then `sub`, then `email` (case-insensitive). */
  find(hint: string): Persona | undefined
}

export function toUser(persona: MockIdpPersona): MockIdpUser {
  const { sub, ...claims } = persona
  return { sub, claims }
}

export function createPersonas(users: Record<string, MockIdpPersona> | undefined): Personas {
  if (users !== undefined && (typeof users !== 'object' || users === null || Array.isArray(users))) {
    throw new TypeError('"users" must be an object of personas by name')
  }
  const list: Persona[] = Object.entries(users ?? {}).map(([name, persona]) => {
    if (typeof persona !== 'object' || persona === null || typeof persona.sub !== 'string' || persona.sub === '') {
      throw new TypeError(`persona ${JSON.stringify(name)} needs a non-empty string "sub"`)
    }
    return { name, user: toUser(persona) }
  })
  return {
    list: () => list,
    get: (name) => list.find((p) => p.name === name),
    find(hint) {
      const email = hint.toLowerCase()
      return (
        list.find((p) => p.name === hint) ??
        list.find((p) => p.user.sub === hint) ??
        list.find((p) => typeof p.user.claims?.email === 'string' && p.user.claims.email.toLowerCase() === email)
      )
    },
  }
}
