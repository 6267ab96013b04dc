// Option checks the token profiles share: a misuse is a TypeError at creation (or at the call, for per-call
// checks), naming the function, never a verification failure later.

export type Misuse = (message: string) => never

export const misuseOf =
  (name: string): Misuse =>
  (message) => {
    throw new TypeError(`${name}: ${message}`)
  }

// RFC 6749 §3.3 scope-token, the grammar RFC 6750 §3 also uses in challenges: printable ASCII but space, `"`, `\`.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

/** A non-empty array of non-empty strings (scope tokens when `scopes`), or undefined when absent. */
export function stringsOption(
  value: unknown,
  option: string,
  misuse: Misuse,
  scopes = false,
): readonly string[] | undefined {
  if (value === undefined) return undefined
  if (
    !Array.isArray(value) ||
    (!scopes && value.length === 0) ||
    !value.every((item) => typeof item === 'string' && item !== '' && (!scopes || SCOPE_TOKEN.test(item)))
  ) {
    misuse(
      `"${option}" must be ${scopes ? 'an array of scope tokens (no spaces or quotes)' : 'a non-empty array of non-empty strings'}`,
    )
  }
  return [...value] as string[]
}

/** A non-negative finite number, or undefined when absent. */
export function secondsOption(value: unknown, option: string, misuse: Misuse): number | undefined {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    misuse(`"${option}" must be a non-negative number`)
  }
  return value as number | undefined
}

/** Per-call checks: an object with only the names given (a misspelled check would otherwise be skipped). */
export function checkNames(checks: unknown, names: readonly string[], misuse: Misuse): void {
  if (typeof checks !== 'object' || checks === null) misuse('"checks" must be an object')
  for (const name of Object.keys(checks)) {
    if (!names.includes(name)) misuse(`unknown check ${JSON.stringify(name)}; the checks are ${names.join(', ')}`)
  }
}
