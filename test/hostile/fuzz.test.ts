// A time-boxed byte-mutation fuzzer over valid tokens of every supported algorithm (and the Ed25519 alias),
// run by `npm test`. Each mutant must either verify with the original header and payload (possible only when
// the signature alone changed and still verifies, e.g. ECDSA's (r, n − s); strict base64url rules out every
// respelling) or be rejected with an IdTokenError whose code is documented and whose message leaks no token
// segment. Any other error type, or a verification that does not settle, fails the run.
//
// Budget: FUZZ_SECONDS in total (default 8), split evenly over the algorithms; FUZZ_SEED picks the sequence
// (default fixed, so a failure reproduces: the message names the seed, the algorithm, the index and the
// operator). Long run: FUZZ_SECONDS=600 npx vitest run test/hostile/fuzz.test.ts
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { harness } from '../helpers/harness.ts'
import { ERROR_CODES, IdTokenError, type IdTokenVerifier, type SupportedAlgorithm } from '../../src/index.ts'
import { ALGS, CLIENT, ISSUER, keysForAllAlgs, NOW, sign, type Alg, type TestKey } from '../helpers/issuer.ts'
import { assertNoLeak, b64u } from '../helpers/forge.ts'
import { applyMutation, EDIT_CHARS, type Mutation } from '../helpers/mutations.ts'

const FUZZ_ALGS: readonly SupportedAlgorithm[] = [...ALGS, 'Ed25519']
const TOTAL_SECONDS = Number(process.env.FUZZ_SECONDS ?? 8)
const SEED = Number(process.env.FUZZ_SEED ?? 0x1d70ce)
const BUDGET_MS = (TOTAL_SECONDS * 1000) / FUZZ_ALGS.length
/** A verification that takes longer than this is a hang (nothing here touches a network or sleeps). */
const HANG_MS = 5000
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

if (!(TOTAL_SECONDS > 0) || !Number.isInteger(SEED))
  throw new Error('FUZZ_SECONDS must be > 0 and FUZZ_SEED an integer')

// --- a small seeded PRNG (mulberry32), so that a seed replays the same mutants ---------------------------
type Rng = {
  int(n: number): number
  pick<T>(items: readonly T[]): T
  chance(p: number): boolean
}
function rng(seed: number): Rng {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (p) => next() < p,
  }
}

// --- mutation operators ---------------------------------------------------------------------------------
interface Original {
  readonly token: string
  readonly segments: readonly [string, string, string]
  /** The other algorithms' tokens, for splicing segments across algorithms. */
  readonly others: readonly string[]
}

const decode = (segment: string): Uint8Array => new Uint8Array(Buffer.from(segment, 'base64url'))
const INTERESTING_BYTES = [
  0x00, 0x01, 0x7f, 0x80, 0xff, 0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x20, 0xc0, 0xed, 0xef, 0xbb, 0xbf,
  0x30, 0x39, 0x2e, 0x65,
]

function mutateBytes(r: Rng, bytes: Uint8Array): Uint8Array {
  const out = [...bytes]
  const at = out.length === 0 ? 0 : r.int(out.length)
  switch (r.int(8)) {
    case 0:
      if (out.length > 0) out[at] = out[at]! ^ (1 << r.int(8))
      break
    case 1:
      if (out.length > 0) out[at] = r.int(256)
      break
    case 2:
      if (out.length > 0) out[at] = r.pick(INTERESTING_BYTES)
      break
    case 3:
      out.splice(at, 0, r.pick(INTERESTING_BYTES))
      break
    case 4:
      out.splice(at, 1 + r.int(4))
      break
    case 5:
      out.splice(at, 0, ...out.slice(at, at + 1 + r.int(16)))
      break
    case 6:
      out.length = r.int(out.length + 1)
      break
    default:
      out.push(...Array.from({ length: 1 + r.int(8) }, () => r.int(256)))
  }
  return new Uint8Array(out)
}

const JSON_VALUES: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  1e400,
  2 ** 53 + 1,
  1.5,
  '',
  'x',
  [],
  ['x', 1],
  {},
  { a: { b: [] } },
  'RS256',
  'none',
  ISSUER,
  CLIENT,
]

/** Structural edits of a JSON segment: a member's value replaced, removed, duplicated, or a member added. */
function mutateJson(r: Rng, segment: string): string | undefined {
  let value: Record<string, unknown>
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>
  } catch {
    return undefined
  }
  const names = Object.keys(value)
  const name = r.pick(names)
  switch (r.int(4)) {
    case 0:
      value[name] = r.pick(JSON_VALUES)
      return b64u(JSON.stringify(value))
    case 1:
      delete value[name]
      return b64u(JSON.stringify(value))
    case 2: {
      const text = JSON.stringify(value)
      return b64u(`${text.slice(0, -1)},${JSON.stringify(name)}:${JSON.stringify(r.pick(JSON_VALUES))}}`)
    }
    default:
      value[r.pick(['crit', 'b64', 'jku', 'jwk', 'x5u', 'kid', 'typ', 'nbf', 'azp', 'auth_time', 'nonce', 'at_hash'])] =
        r.pick(JSON_VALUES)
      return b64u(JSON.stringify(value))
  }
}

/** A non-canonical spelling of a segment's last character (unused bits set), or padding, or a lax alphabet. */
function respell(r: Rng, segment: string): string {
  switch (r.int(5)) {
    case 0: {
      const last = segment.at(-1)!
      const others = BASE64URL.split('').filter((c) => c !== last)
      return segment.slice(0, -1) + r.pick(others)
    }
    case 1:
      return segment + r.pick(['=', '==', '===', '%3D'])
    case 2:
      return segment.replace(/-/g, '+').replace(/_/g, '/')
    case 3: {
      const at = r.int(segment.length + 1)
      return (
        segment.slice(0, at) + r.pick([' ', '\n', '\r\n', '\t', '\u00a0', '\ufeff', 'Ａ', '\u0000']) + segment.slice(at)
      )
    }
    default:
      return segment.toUpperCase() === segment ? segment.toLowerCase() : segment.toUpperCase()
  }
}

type Operator = (r: Rng, original: Original) => string

const OPERATORS: Readonly<Record<string, Operator>> = {
  'header bytes': (r, o) => `${b64u(mutateBytes(r, decode(o.segments[0])))}.${o.segments[1]}.${o.segments[2]}`,
  'payload bytes': (r, o) => `${o.segments[0]}.${b64u(mutateBytes(r, decode(o.segments[1])))}.${o.segments[2]}`,
  'signature bytes': (r, o) => `${o.segments[0]}.${o.segments[1]}.${b64u(mutateBytes(r, decode(o.segments[2])))}`,
  'header JSON': (r, o) => `${mutateJson(r, o.segments[0]) ?? o.segments[0]}.${o.segments[1]}.${o.segments[2]}`,
  'payload JSON': (r, o) => `${o.segments[0]}.${mutateJson(r, o.segments[1]) ?? o.segments[1]}.${o.segments[2]}`,
  characters: (r, o) => {
    let token = o.token
    for (let n = 1 + (r.chance(0.2) ? r.int(3) : 0); n > 0 && token.length > 0; n--) {
      const at = r.chance(0.5) ? r.int(80) : r.int(token.length + 1)
      const kind = r.pick(['replace', 'delete', 'insert', 'swap'] as const)
      const mutation: Mutation =
        kind === 'swap'
          ? { kind, at, other: r.int(token.length) }
          : kind === 'delete'
            ? { kind, at }
            : { kind, at, char: r.pick(EDIT_CHARS) }
      token = applyMutation(token, mutation)
    }
    return token
  },
  truncation: (r, o) => {
    if (r.chance(0.5)) return o.token.slice(0, r.int(o.token.length))
    const which = r.int(3)
    const segments = [...o.segments]
    segments[which] = segments[which]!.slice(0, r.int(segments[which]!.length))
    return segments.join('.')
  },
  dots: (r, o) => {
    switch (r.int(6)) {
      case 0: {
        const at = r.int(o.token.length + 1)
        return `${o.token.slice(0, at)}.${o.token.slice(at)}`
      }
      case 1: {
        const dot = r.chance(0.5) ? o.token.indexOf('.') : o.token.lastIndexOf('.')
        return o.token.slice(0, dot) + o.token.slice(dot + 1)
      }
      case 2:
        return `${o.token}.${r.pick(['', o.segments[2], 'AAAA', o.segments[0]])}`
      case 3:
        return `${o.token}.${o.segments[1]}.${o.segments[2]}` // five parts, JWE-shaped
      case 4: {
        const segments = [...o.segments]
        segments[r.int(3)] = ''
        return segments.join('.')
      }
      default:
        return [o.segments[r.int(3)], o.segments[r.int(3)], o.segments[r.int(3)]].join('.')
    }
  },
  'base64url edges': (r, o) => {
    const segments = [...o.segments]
    const which = r.int(3)
    segments[which] = respell(r, segments[which]!)
    return segments.join('.')
  },
  'splice across algorithms': (r, o) => {
    const other = r.pick(o.others).split('.')
    const segments = [...o.segments]
    const which = r.int(3)
    segments[which] = other[which]!
    if (r.chance(0.3)) segments[(which + 1) % 3] = other[(which + 1) % 3]!
    return segments.join('.')
  },
}
const OPERATOR_NAMES = Object.keys(OPERATORS)

// --- the run --------------------------------------------------------------------------------------------
let keys: Record<Alg, TestKey>
let tokens: Map<SupportedAlgorithm, string>
let verifier: IdTokenVerifier
const stats: Array<{ alg: string; mutants: number; seconds: number; codes: Record<string, number>; verified: number }> =
  []

beforeAll(async () => {
  keys = await keysForAllAlgs()
  // cooldown 0: a mutated kid is an unknown kid, and a refetch inside the cooldown would wait in real time.
  verifier = harness(
    { keys: ALGS.map((alg) => keys[alg].publicJwk) },
    { cooldown: 0, algorithms: [...FUZZ_ALGS] },
  ).verifier
  const claims = {
    nonce: 'n-0S6_WzA2Mj',
    email: 'someone@example.test',
    amr: ['pwd'],
    auth_time: Math.floor(NOW / 1000) - 60,
  }
  tokens = new Map()
  for (const alg of FUZZ_ALGS) {
    const key = alg === 'Ed25519' ? keys.EdDSA : keys[alg as Alg]
    tokens.set(alg, await sign(key, { claims, header: { alg } }))
  }
})

afterAll(() => {
  if (stats.length === 0) return
  const mutants = stats.reduce((sum, s) => sum + s.mutants, 0)
  const seconds = stats.reduce((sum, s) => sum + s.seconds, 0)
  const lines = stats.map(
    (s) =>
      `  ${s.alg.padEnd(8)} ${String(s.mutants).padStart(7)} mutants ${String(Math.round(s.mutants / s.seconds)).padStart(6)}/s  ` +
      Object.entries(s.codes)
        .sort()
        .map(([code, n]) => `${code.replace('ERR_', '')} ${n}`)
        .join(', ') +
      (s.verified > 0 ? `, verified (signature-only variant) ${s.verified}` : ''),
  )
  console.info(
    `fuzz: seed ${SEED}, ${mutants} mutants in ${seconds.toFixed(1)} s (${Math.round(mutants / seconds)}/s)\n${lines.join('\n')}`,
  )
})

/** Resolves with the outcome, or rejects if verification does not settle within HANG_MS. */
async function outcome(
  token: string,
): Promise<{ result?: Awaited<ReturnType<IdTokenVerifier['verify']>>; error?: unknown }> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`verification did not settle within ${HANG_MS} ms`)), HANG_MS)
  })
  try {
    return await Promise.race([
      verifier.verify(token).then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      ),
      hang,
    ])
  } finally {
    clearTimeout(timer)
  }
}

describe(`byte-mutation fuzzing, ${TOTAL_SECONDS} s over ${FUZZ_ALGS.length} algorithms`, () => {
  FUZZ_ALGS.forEach((alg, index) => {
    it(
      `${alg}: every mutant verifies unchanged or is an IdTokenError with a documented code`,
      { timeout: BUDGET_MS + 30_000 },
      async () => {
        const token = tokens.get(alg)!
        const original: Original = {
          token,
          segments: token.split('.') as [string, string, string],
          others: [...tokens.entries()].filter(([other]) => other !== alg).map(([, t]) => t),
        }
        const valid = new Set(tokens.values())
        const control = await verifier.verify(token)
        expect(control.header.alg).toBe(alg)

        const r = rng(SEED + index)
        const codes: Record<string, number> = {}
        let verified = 0
        let mutants = 0
        const started = performance.now()
        while (performance.now() - started < BUDGET_MS) {
          const operator = OPERATOR_NAMES[mutants % OPERATOR_NAMES.length]!
          const mutant = OPERATORS[operator]!(r, original)
          const where = `seed ${SEED}, ${alg}, mutant #${mutants} (${operator}): ${JSON.stringify(mutant.slice(0, 200))}`
          mutants++
          // A no-op edit, or a splice that rebuilt another algorithm's valid token (the claims are shared).
          if (mutant === token || valid.has(mutant)) continue
          const { result, error } = await outcome(mutant)
          if (result !== undefined) {
            // Only the signature may differ, and only to another valid signature of the same input, spelled
            // canonically: a respelling of the same bytes verifying would mean a lax decoder.
            expect(mutant.slice(0, mutant.lastIndexOf('.')), `verified with another signing input: ${where}`).toBe(
              token.slice(0, token.lastIndexOf('.')),
            )
            const signature = mutant.slice(mutant.lastIndexOf('.') + 1)
            expect(b64u(decode(signature)), `verified with a non-canonical signature: ${where}`).toBe(signature)
            expect(result.payload, where).toEqual(control.payload)
            verified++
            continue
          }
          if (!(error instanceof IdTokenError))
            throw new Error(`not an IdTokenError (${String(error)}): ${where}`, { cause: error })
          if (!(ERROR_CODES as readonly string[]).includes(error.code))
            throw new Error(`undocumented code ${error.code}: ${where}`)
          // A mutant of a few characters ("e") occurs in any message by chance; longer ones must not.
          if (mutant.length >= 12) assertNoLeak(error, mutant)
          codes[error.code] = (codes[error.code] ?? 0) + 1
        }
        const seconds = (performance.now() - started) / 1000
        stats.push({ alg, mutants, seconds, codes, verified })

        expect(mutants).toBeGreaterThan(OPERATOR_NAMES.length)
        // The mutants reach past parsing: some fail only at the signature, some at the key or the algorithm.
        expect(Object.keys(codes)).toEqual(expect.arrayContaining(['ERR_TOKEN_MALFORMED', 'ERR_SIGNATURE_INVALID']))
      },
    )
  })
})
