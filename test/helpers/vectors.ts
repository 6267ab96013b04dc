// Reading the public vectors in ../shared/vectors/ (see the READMEs there), and the small codecs the
// vector files need. CI clones the repository next to a copy of shared/, so the path is relative.
import { existsSync, readFileSync } from 'node:fs'

// The project's shared/ copy beside the repository (as CI lays it out) when present; otherwise the identical
// copy in test/vectors/public/, so that `npm test` works from a clone anywhere. Both carry SHA256SUMS.
const SHARED = new URL('../../../shared/vectors/', import.meta.url)
export const VECTORS_DIR: URL = existsSync(SHARED) ? SHARED : new URL('../vectors/public/', import.meta.url)

/** Parses `shared/vectors/<relative>` as JSON. The caller states the shape it relies on. */
export function readVectors<T>(relative: string): T {
  return JSON.parse(readFileSync(new URL(relative, VECTORS_DIR), 'utf8')) as T
}

/** Lowercase hex (Wycheproof's byte strings) to bytes. */
export function hexBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) throw new Error(`not hex: ${hex.slice(0, 16)}`)
  return new Uint8Array(Buffer.from(hex, 'hex'))
}

/** Hex (possibly with a leading 00 sign byte, as Wycheproof writes integers) to unpadded base64url of exactly `size` bytes. */
export function hexToBase64UrlFixed(hex: string, size: number): string {
  const bytes = Buffer.from(hex.replace(/^(00)+/, ''), 'hex')
  if (bytes.length > size) throw new Error(`integer longer than ${size} bytes`)
  return Buffer.concat([Buffer.alloc(size - bytes.length), bytes]).toString('base64url')
}

/** Hex integer to its minimal unsigned big-endian base64url (the JWK form of RSA "n" and "e"). */
export function hexToBase64UrlInteger(hex: string): string {
  return Buffer.from(hex.replace(/^(00)+/, ''), 'hex').toString('base64url')
}

/** Fields every Wycheproof test carries. */
export interface WycheproofTest {
  readonly tcId: number
  readonly comment: string
  readonly flags: readonly string[]
  readonly result: 'valid' | 'invalid' | 'acceptable'
}

export interface WycheproofFile<G> {
  readonly algorithm?: string
  readonly numberOfTests: number
  readonly testGroups: readonly G[]
}

/** Counts the tests of a file, so a loop can prove it saw every one. */
export function countTests(file: WycheproofFile<{ readonly tests: readonly unknown[] }>): number {
  return file.testGroups.reduce((sum, group) => sum + group.tests.length, 0)
}
