// A self-signed X.509 v3 certificate (RFC 5280 §4.1) for a key of the ring, as several providers publish one with
// each JWK (`x5c`, `x5t`, `x5t#S256`: Entra, Keycloak, Auth0). DER is written by hand: a few TLV helpers suffice.
import { b64u } from './encoding.ts'

/** `x5c`, `x5t` and `x5t#S256` of a key (RFC 7517 §4.7–4.9). */
export interface CertificateMembers {
  readonly x5c: string[]
  readonly x5t: string
  readonly 'x5t#S256': string
}

// sha{256,384,512}WithRSAEncryption (RFC 4055 §5): the only signatures these certificates need.
const SIGNATURE_OIDS: Record<string, string> = {
  'SHA-256': '1.2.840.113549.1.1.11',
  'SHA-384': '1.2.840.113549.1.1.12',
  'SHA-512': '1.2.840.113549.1.1.13',
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

function tlv(tag: number, ...body: Uint8Array[]): Uint8Array {
  const content = concat(body)
  const n = content.length
  const length =
    n < 0x80
      ? [n]
      : n < 0x100
        ? [0x81, n]
        : n < 0x10000
          ? [0x82, n >> 8, n & 0xff]
          : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]
  return concat([Uint8Array.of(tag, ...length), content])
}

const sequence = (...parts: Uint8Array[]): Uint8Array => tlv(0x30, ...parts)
const NULL = Uint8Array.of(0x05, 0x00)

function integer(bytes: Uint8Array): Uint8Array {
  let start = 0
  while (start < bytes.length - 1 && bytes[start] === 0) start++
  const trimmed = bytes.subarray(start)
  return tlv(0x02, (trimmed[0]! & 0x80) !== 0 ? concat([Uint8Array.of(0), trimmed]) : trimmed)
}

function oid(dotted: string): Uint8Array {
  const [a, b, ...rest] = dotted.split('.').map(Number)
  const bytes = [a! * 40 + b!]
  for (const arc of rest) {
    const base128 = [arc & 0x7f]
    for (let v = arc >>> 7; v > 0; v >>>= 7) base128.unshift((v & 0x7f) | 0x80)
    bytes.push(...base128)
  }
  return tlv(0x06, Uint8Array.from(bytes))
}

function time(ms: number): Uint8Array {
  const iso = new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14)
  // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  return ms < Date.UTC(2050, 0, 1)
    ? tlv(0x17, new TextEncoder().encode(`${iso.slice(2)}Z`))
    : tlv(0x18, new TextEncoder().encode(`${iso}Z`))
}

const name = (commonName: string): Uint8Array =>
  sequence(tlv(0x31, sequence(oid('2.5.4.3'), tlv(0x0c, new TextEncoder().encode(commonName)))))

function base64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/**
 * A certificate for an RSASSA-PKCS1-v1_5 key pair, signed by itself, valid for five years from `notBefore`; undefined
 * for other keys (the providers that publish certificates sign with RS256).
 */
export async function selfSignedCertificate(
  keys: { readonly privateKey: CryptoKey; readonly publicKey: CryptoKey },
  commonName: string,
  notBefore: number,
): Promise<CertificateMembers | undefined> {
  const algorithm = keys.privateKey.algorithm as RsaHashedKeyAlgorithm
  const signatureOid = algorithm.name === 'RSASSA-PKCS1-v1_5' ? SIGNATURE_OIDS[algorithm.hash.name] : undefined
  if (signatureOid === undefined) return undefined
  const signatureAlgorithm = sequence(oid(signatureOid), NULL)
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey))
  const tbs = sequence(
    tlv(0xa0, integer(Uint8Array.of(2))), // v3
    integer(crypto.getRandomValues(new Uint8Array(16))),
    signatureAlgorithm,
    name(commonName),
    sequence(time(notBefore), time(notBefore + 5 * 365 * 86_400_000)),
    name(commonName),
    spki,
  )
  const signature = new Uint8Array(
    await crypto.subtle.sign(algorithm.name, keys.privateKey, tbs as Uint8Array<ArrayBuffer>),
  )
  const der = sequence(tbs, signatureAlgorithm, tlv(0x03, Uint8Array.of(0), signature))
  const [sha1, sha256] = await Promise.all(
    ['SHA-1', 'SHA-256'].map(
      async (hash) => new Uint8Array(await crypto.subtle.digest(hash, der as Uint8Array<ArrayBuffer>)),
    ),
  )
  return { x5c: [base64(der)], x5t: b64u(sha1!), 'x5t#S256': b64u(sha256!) }
}
