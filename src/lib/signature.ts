import type { AlgorithmSpec } from './algorithms.ts'
import { fail } from './fail.ts'

// The signature layer: shape checks WebCrypto does not do for us, then one subtle.verify call.

// Chromium's `crypto.subtle` getter costs about 0.1 µs, before the call on the hot path. Read once, on first use; a
// spy on its `verify` still sees every call.
let subtle: SubtleCrypto | undefined

/**
 * False at once for a signature of the wrong shape, else the crypto.subtle.verify promise. Some engines reject
 * it instead of resolving false for malformed input: await it in a `try`, a rejection meaning "not valid". Not
 * wrapped here, since in Firefox each further promise step costs about a microsecond of the main thread.
 */
export function startVerify(
  spec: AlgorithmSpec,
  key: CryptoKey,
  signature: Uint8Array<ArrayBuffer>,
  data: Uint8Array<ArrayBuffer>,
): Promise<boolean> | false {
  return signatureShapeOk(spec, key, signature) && subtleCrypto().verify(spec.verifyParams, key, signature, data)
}

/** `crypto.subtle`, read once. */
export function subtleCrypto(): SubtleCrypto {
  return (subtle ??= crypto.subtle)
}

/** Resolves to false for every bad signature, so callers have one failure path. */
export async function verifySignature(
  spec: AlgorithmSpec,
  key: CryptoKey,
  signature: Uint8Array<ArrayBuffer>,
  data: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  try {
    return await startVerify(spec, key, signature, data)
  } catch {
    return false
  }
}

/** The one failure for a signature that does not verify. */
export function requireVerified(verified: boolean): void {
  if (!verified) fail('ERR_SIGNATURE_INVALID', 'the signature does not verify')
}

const rsaLengths = /* @__PURE__ */ new WeakMap<CryptoKey, number>()

/** Whether `signature` has the length (and for ECDSA the range) that `spec` and `key` call for. */
export function signatureShapeOk(spec: AlgorithmSpec, key: CryptoKey, signature: Uint8Array): boolean {
  const ecdsa = spec.ecdsa
  if (ecdsa !== undefined) {
    // Raw r‖s only (RFC 7518 §3.4): no DER, no padding. Range-check r and s ourselves so that
    // r = s = 0 ("psychic signatures", CVE-2022-21449) never reaches any engine.
    if (signature.length !== ecdsa.size * 2) return false
    return inRange(signature, 0, ecdsa) && inRange(signature, ecdsa.size, ecdsa)
  }
  if (spec.signatureLength !== undefined) return signature.length === spec.signatureLength
  // RSA: exactly the modulus length (RFC 8017 §8.2.2 step 1). Browsers build a new `algorithm` object on
  // every read, so the length is read once per key.
  let length = rsaLengths.get(key)
  if (length === undefined) {
    length = ((key.algorithm as RsaHashedKeyAlgorithm).modulusLength + 7) >> 3
    rsaLengths.set(key, length)
  }
  return signature.length === length
}

// 1 ≤ x < n, for the big-endian integer at signature[offset .. offset + size).
function inRange(signature: Uint8Array, offset: number, ecdsa: { size: number; order: Uint8Array }): boolean {
  let any = 0
  // The first byte that differs from n's decides.
  let order = 0
  for (let i = 0; i < ecdsa.size; i++) {
    const byte = signature[offset + i]!
    any |= byte
    order ||= byte - ecdsa.order[i]!
  }
  return any !== 0 && order < 0
}
