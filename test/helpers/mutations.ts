// Character-level edits of a token string, as fast-check arbitraries, shared by the property and the
// differential tests.
import fc from 'fast-check'

/** Characters an edit may write: the base64url alphabet and everything near it that lax decoders forgive. */
export const EDIT_CHARS: readonly string[] = [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  '.',
  '=',
  ' ',
  '+',
  '/',
  '\n',
  '\r',
  '\t',
  '\0',
  '%',
  '"',
  '\\',
  'é',
  'ÿ',
  '€',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '\ud83d',
  '😀',
  'Ａ',
]

export type Mutation =
  | { readonly kind: 'replace'; readonly at: number; readonly char: string }
  | { readonly kind: 'delete'; readonly at: number }
  | { readonly kind: 'insert'; readonly at: number; readonly char: string }
  | { readonly kind: 'swap'; readonly at: number; readonly other: number }

// Half the edits land in the first 80 characters (header and start of payload), where parsing happens;
// the rest anywhere (mostly the signature, the longest segment).
const position = fc.oneof(fc.nat({ max: 80 }), fc.nat({ max: 100_000 }))
const char = fc.constantFrom(...EDIT_CHARS)

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: position, char }),
  fc.record({ kind: fc.constant('delete' as const), at: position }),
  fc.record({ kind: fc.constant('insert' as const), at: position, char }),
  fc.record({ kind: fc.constant('swap' as const), at: position, other: position }),
)

/** One to three edits, mostly one. */
export const mutationsArb: fc.Arbitrary<readonly Mutation[]> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(mutationArb) },
  { weight: 1, arbitrary: fc.array(mutationArb, { minLength: 2, maxLength: 3 }) },
)

export function applyMutation(token: string, mutation: Mutation): string {
  // Positions are taken modulo the length (insert may also append at the end).
  const chars = [...token]
  const at = mutation.at % (mutation.kind === 'insert' ? chars.length + 1 : chars.length)
  switch (mutation.kind) {
    case 'replace':
      chars[at] = mutation.char
      break
    case 'delete':
      chars.splice(at, 1)
      break
    case 'insert':
      chars.splice(at, 0, mutation.char)
      break
    case 'swap': {
      const other = mutation.other % chars.length
      const a = chars[at]!
      chars[at] = chars[other]!
      chars[other] = a
      break
    }
  }
  return chars.join('')
}

export function applyMutations(token: string, mutations: readonly Mutation[]): string {
  return mutations.reduce(
    (current, mutation) => (current.length === 0 ? current : applyMutation(current, mutation)),
    token,
  )
}
