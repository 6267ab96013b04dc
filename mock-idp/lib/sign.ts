// Producing compact JWS. Well-formed tokens go through jose's CompactSign; the bad-token
// catalogue needs headers jose rightly refuses to emit (`b64: false` with an encoded payload),
// so it signs a prepared signing input with WebCrypto directly.
import { CompactSign } from 'jose'
import { algorithmEntry } from './algorithms.ts'
import { b64u, utf8 } from './encoding.ts'
import type { KeyRecord } from './keys.ts'

export type JoseHeader = Record<string, unknown>

/** A compact JWS over `payload` with the protected `header` (member order kept), signed by jose. */
export async function signCompact(header: JoseHeader, payload: Uint8Array, key: KeyRecord): Promise<string> {
  const crit = Array.isArray(header.crit) ? header.crit.filter((name): name is string => typeof name === 'string') : []
  const jws = new CompactSign(payload).setProtectedHeader(header as { alg: string })
  return jws.sign(key.privateKey, crit.length > 0 ? { crit: Object.fromEntries(crit.map((name) => [name, true])) } : {})
}

function signParams(key: KeyRecord): AlgorithmIdentifier | RsaPssParams | EcdsaParams {
  const name = key.privateKey.algorithm.name
  const hash = algorithmEntry(key.alg).hash
  if (name === 'RSA-PSS') return { name, saltLength: Number(hash.slice(4)) / 8 }
  if (name === 'ECDSA') return { name, hash }
  return { name }
}

/** Signs `headerSegment.payloadSegment` as given, without any validation: for deliberately bad tokens. */
export async function signSegments(headerSegment: string, payloadSegment: string, key: KeyRecord): Promise<string> {
  const input = `${headerSegment}.${payloadSegment}`
  const signature = await crypto.subtle.sign(signParams(key), key.privateKey, utf8(input))
  return `${input}.${b64u(new Uint8Array(signature))}`
}
