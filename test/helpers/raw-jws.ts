// The JWS layer of the verifier without the ID-token layer: the steps src/lib/pipeline.ts `verify` takes, the
// same lib/ functions (so the same rules and messages) in the same order as its cold path, except that the
// payload only has to be exact base64url (not a JSON object of claims). Public JWS vectors carry plain-text
// payloads ("foo", RFC 7520's Hobbit quote), so this is how a test observes whether their signatures verify.
// Tests that use it also run the real verifier on the same input and check the two agree on everything that
// happens before the payload is parsed.
import { SUPPORTED_ALGORITHMS } from '../../src/lib/algorithms.ts'
import { decodeBase64Url } from '../../src/lib/base64url.ts'
import { IdTokenError, type IdTokenErrorCode } from '../../src/errors.ts'
import { allowedAlgorithm, checkHeader, checkHeaderSupported, type JwsHeader } from '../../src/lib/header.ts'
import { fail } from '../../src/lib/fail.ts'
import { cryptoKeyFor, indexKeySet, selectKey } from '../../src/lib/jwks.ts'
import { decodeJsonSegment, decodePayloadBytes, decodeSigned, splitCompact } from '../../src/lib/jws.ts'
import { requireVerified, verifySignature } from '../../src/lib/signature.ts'

/** Where a token was refused, in the verifier's order. */
export type JwsStage =
  | 'structure' // not three base64url-able segments, too long
  | 'header' // header not base64url / UTF-8 JSON object, or `alg`/`kid`/`typ` of the wrong type
  | 'algorithm' // `alg` not in the allowlist
  | 'header-support' // `crit`, `b64`, a foreign `typ`
  | 'signature-encoding' // signature segment empty or not exact base64url
  | 'payload' // payload not exact base64url (the ID-token layer would also require a JSON object)
  | 'key' // no usable key in the set, or it cannot be imported
  | 'signature' // verifySignature returned false

/** Stages the real verifier reaches before it parses the payload as JSON. */
export const STAGES_BEFORE_PAYLOAD: ReadonlySet<JwsStage> = new Set([
  'structure',
  'header',
  'algorithm',
  'header-support',
  'signature-encoding',
])

export type RawJwsOutcome =
  | { readonly ok: true; readonly header: JwsHeader; readonly payload: Uint8Array }
  | { readonly ok: false; readonly stage: JwsStage; readonly code: IdTokenErrorCode; readonly message: string }

const MAX_TOKEN_LENGTH = 16384 // the verifier's default maxTokenLength

/**
 * Verifies a compact JWS against a key set document (`{ keys: [...] }`) with the SDK's own parsing, key
 * selection and signature code. Every refusal is an IdTokenError turned into `{ ok: false }`; anything else
 * thrown is a bug and propagates.
 */
export async function verifyCompactJws(
  token: unknown,
  keySet: unknown,
  algorithms: readonly string[] = SUPPORTED_ALGORITHMS,
): Promise<RawJwsOutcome> {
  let stage: JwsStage = 'structure'
  try {
    const parts = splitCompact(token, MAX_TOKEN_LENGTH)
    stage = 'header'
    const header = checkHeader(decodeJsonSegment(parts.token, 0, parts.dot1, 'header'))
    stage = 'algorithm'
    const spec = allowedAlgorithm(new Set(algorithms), header.alg)
    stage = 'header-support'
    checkHeaderSupported(header)
    stage = 'signature-encoding'
    const signed = decodeSigned(parts)
    stage = 'payload'
    const payload = decodePayloadBytes(parts)
    stage = 'key'
    const selection = selectKey(indexKeySet(keySet), header.kid, header.alg, spec)
    if ('problem' in selection) fail('ERR_KEY_NOT_FOUND', selection.problem)
    const key = await cryptoKeyFor(selection, header.alg, spec)
    stage = 'signature'
    requireVerified(await verifySignature(spec, key, signed.signature, signed.data))
    return { ok: true, header, payload }
  } catch (error) {
    if (!(error instanceof IdTokenError)) throw error
    return { ok: false, stage, code: error.code, message: error.message }
  }
}

/** Short text for failure messages. */
export function describeOutcome(outcome: RawJwsOutcome): string {
  return outcome.ok ? 'verified' : `${outcome.code} at ${outcome.stage} (${outcome.message})`
}

/** Codes of the ID-token layer: what a token whose signature verified can still fail with. */
export const CLAIM_LAYER_CODES: ReadonlySet<IdTokenErrorCode> = new Set([
  'ERR_TOKEN_MALFORMED', // payload not a JSON object, or a registered claim of the wrong type
  'ERR_CLAIM_INVALID',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_NOT_YET_VALID',
])

/**
 * What the real verifier must answer for a token, given what the JWS layer found. The verifier parses the
 * payload as a JSON object after the header checks and before the key and signature, so:
 * - refused before the payload → the same code;
 * - payload not a JSON object → ERR_TOKEN_MALFORMED (a valid signature cannot be observed through it);
 * - otherwise → the JWS layer's code, or a claim-layer code when the signature verified.
 */
export function expectedVerifierCodes(raw: RawJwsOutcome, token: unknown): ReadonlySet<IdTokenErrorCode> {
  if (!raw.ok && STAGES_BEFORE_PAYLOAD.has(raw.stage)) return new Set([raw.code])
  if (!payloadIsJsonObject(token)) return new Set(['ERR_TOKEN_MALFORMED'])
  return raw.ok ? CLAIM_LAYER_CODES : new Set([raw.code])
}

function payloadIsJsonObject(token: unknown): boolean {
  if (typeof token !== 'string') return false
  const [, payload] = token.split('.')
  const bytes = payload === undefined ? undefined : decodeBase64Url(payload)
  if (bytes === undefined) return false
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
    return typeof value === 'object' && value !== null && !Array.isArray(value)
  } catch {
    return false
  }
}

/** The real verifier's answer: success, an IdTokenError code, or anything else it threw (a bug). */
export async function verifierOutcome(
  verify: (token: string) => Promise<unknown>,
  token: unknown,
): Promise<
  | { readonly ok: true }
  | { readonly ok: false; readonly code: IdTokenErrorCode }
  | { readonly ok: false; readonly threw: unknown }
> {
  try {
    await verify(token as string)
    return { ok: true }
  } catch (error) {
    return error instanceof IdTokenError ? { ok: false, code: error.code } : { ok: false, threw: error }
  }
}
