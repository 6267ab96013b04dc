// What the presets share: argument checks that fail with a TypeError naming the preset, and refusals.
// Import only what src/index.ts exports from outside this folder: the build points these imports at the SDK
// entry (dist/index.js), so that a preset throws the very IdTokenError class applications catch.
import { IdTokenError } from '../index.ts'

export function misuse(preset: string, message: string): never {
  throw new TypeError(`${preset}: ${message}`)
}

export function requireObject(preset: string, options: unknown): void {
  if (typeof options !== 'object' || options === null) misuse(preset, 'options are required')
}

/** A non-empty string or a non-empty array of them, copied. */
export function strings(preset: string, name: string, value: unknown): string | readonly string[] {
  if (typeof value === 'string' && value !== '') return value
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string' && item !== ''))
    return [...(value as string[])]
  return misuse(preset, `"${name}" must be a non-empty string or array of them`)
}

/** A value that becomes part of a URL: checked against `pattern`, with an example of the right form. */
export function part(preset: string, name: string, value: unknown, pattern: RegExp, expected: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) {
    misuse(
      preset,
      `"${name}" must be ${expected}${typeof value === 'string' && /^https?:/i.test(value) ? ' (without "https://")' : ''}`,
    )
  }
  return value as string
}

/** An absolute https URL (or http, where `http` allows it: a local server) without query, fragment or trailing slash. */
export function baseUrl(preset: string, name: string, value: unknown, example: string, http = false): string {
  let url: URL | undefined
  try {
    url = typeof value === 'string' ? new URL(value) : undefined
  } catch {
    url = undefined
  }
  const schemes = http ? ['https:', 'http:'] : ['https:']
  if (url === undefined || !schemes.includes(url.protocol) || url.search !== '' || url.hash !== '') {
    misuse(preset, `"${name}" must be an ${http ? 'http(s)' : 'https'} URL like "${example}"`)
  }
  if ((value as string).endsWith('/')) misuse(preset, `"${name}" must not end with "/" (like "${example}")`)
  return value as string
}

/** Refuses a verified token for a provider rule: the message names configuration, never the token's values. */
export function refuse(claim: string, message: string): never {
  throw new IdTokenError('ERR_CLAIM_INVALID', message, { claim })
}

export const listed = (values: readonly string[]): string => values.map((value) => JSON.stringify(value)).join(' or ')
