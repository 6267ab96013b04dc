// The key ring: which keys exist, which one signs per alg, which are published. Generation and
// import go through jose (WebCrypto underneath); private keys never leave this module except as
// non-serialised CryptoKey handles for signing.
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose'
import { algorithmEntry, KEY_TYPES, type SigningAlgorithm } from './algorithms.ts'
import type { KeyStatus, RotationSchedule } from '../types.ts'

/** A key's place in the ring: a public {@link KeyStatus}, or `unpublished` for the keys of `signWith: 'unpublished'`. */
export type RingKeyStatus = KeyStatus | 'unpublished'

const PUBLISHED: ReadonlySet<RingKeyStatus> = new Set<RingKeyStatus>(['signing', 'staged', 'verify-only'])

export interface KeyRecord {
  readonly kid: string
  readonly alg: SigningAlgorithm
  readonly privateKey: CryptoKey
  readonly publicKey: CryptoKey
  readonly publicJwk: JWK
  status: RingKeyStatus
  readonly createdAt: number
  retireAt?: number
  /** Published for good, never the signer: see `init`. */
  readonly decoy?: true
}

export interface KeyRingOptions {
  algorithms: readonly SigningAlgorithm[]
  imported: readonly JWK[]
  now: () => number
  rotation?: RotationSchedule | undefined
}

async function toRecord(
  alg: SigningAlgorithm,
  privateKey: CryptoKey,
  publicKey: CryptoKey,
  source: JWK,
  kid: string | undefined,
  status: RingKeyStatus,
  createdAt: number,
): Promise<KeyRecord> {
  const entry = algorithmEntry(alg)
  if (source.kty !== entry.kty) throw new TypeError(`key for "${alg}" must have "kty" ${entry.kty}`)
  const publicJwk: JWK = { kty: entry.kty }
  for (const member of KEY_TYPES[entry.kty].publicMembers) {
    const value = source[member]
    if (typeof value === 'string') publicJwk[member] = value
  }
  publicJwk.kid = kid ?? (await calculateJwkThumbprint(publicJwk, 'sha256'))
  publicJwk.use = 'sig'
  publicJwk.alg = alg
  return { kid: publicJwk.kid, alg, privateKey, publicKey, publicJwk, status, createdAt }
}

/** A new extractable key pair for `alg`. */
export function generateKeyPairFor(alg: SigningAlgorithm): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> {
  return generateKeyPair(alg, { extractable: true, ...KEY_TYPES[algorithmEntry(alg).kty].generate })
}

export async function generateKey(alg: SigningAlgorithm, status: RingKeyStatus, createdAt: number): Promise<KeyRecord> {
  const { privateKey, publicKey } = await generateKeyPairFor(alg)
  return toRecord(alg, privateKey, publicKey, await exportJWK(publicKey), undefined, status, createdAt)
}

export async function importKey(jwk: JWK, createdAt: number): Promise<KeyRecord> {
  const alg = jwk.alg
  if (typeof alg !== 'string') throw new TypeError('an imported key needs "alg"')
  algorithmEntry(alg)
  if (typeof jwk.d !== 'string') throw new TypeError('an imported key must be a private JWK (it has no "d")')
  const privateKey = await importJWK(jwk, alg, { extractable: true })
  const publicSource: JWK = { ...jwk }
  for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'key_ops', 'ext'] as const)
    delete publicSource[member]
  const publicKey = await importJWK(publicSource, alg, { extractable: true })
  if (!(privateKey instanceof CryptoKey) || !(publicKey instanceof CryptoKey))
    throw new TypeError('expected an asymmetric JWK')
  return toRecord(alg as SigningAlgorithm, privateKey, publicKey, jwk, jwk.kid, 'signing', createdAt)
}

export interface KeyRing {
  readonly algorithms: readonly SigningAlgorithm[]
  init(): Promise<void>
  signer(alg?: string): KeyRecord
  find(kid: string): KeyRecord | undefined
  all(): readonly KeyRecord[]
  published(): KeyRecord[]
  unpublished(alg: SigningAlgorithm): Promise<KeyRecord>
  rotate(alg: SigningAlgorithm, stage: boolean): Promise<KeyRecord>
  promote(kid: string): void
  retire(kid: string): void
  applySchedule(): Promise<void>
  reset(): void
}

export function createKeyRing(options: KeyRingOptions): KeyRing {
  const { algorithms, now, rotation } = options
  let records: KeyRecord[] = []
  let initial: { record: KeyRecord; status: RingKeyStatus }[] = []
  const unpublishedByAlg = new Map<SigningAlgorithm, Promise<KeyRecord>>()
  let nextRotationAt = Number.POSITIVE_INFINITY
  let chain: Promise<unknown> = Promise.resolve()

  // Schedule runs and explicit rotations share one queue so concurrent requests cannot rotate twice.
  function serial<T>(task: () => Promise<T>): Promise<T> {
    const result = chain.then(task)
    chain = result.catch(() => undefined)
    return result
  }

  function signer(alg?: string): KeyRecord {
    const wanted = alg ?? algorithms[0]
    const record = records.find((r) => r.alg === wanted && r.status === 'signing')
    if (record === undefined)
      throw new TypeError(`no signing key for "alg" ${JSON.stringify(wanted)}; configured: ${algorithms.join(', ')}`)
    return record
  }

  function find(kid: string): KeyRecord | undefined {
    return records.find((r) => r.kid === kid)
  }

  function require(kid: string): KeyRecord {
    const record = find(kid)
    if (record === undefined) throw new TypeError(`no key with "kid" ${JSON.stringify(kid)}`)
    return record
  }

  function promote(kid: string): void {
    const record = require(kid)
    if (record.decoy === true)
      throw new TypeError(`key ${JSON.stringify(kid)} is the catalogue's second key; it never signs by default`)
    if (record.status === 'retired') throw new TypeError(`key ${JSON.stringify(kid)} is retired; it cannot sign again`)
    for (const other of records) {
      if (other !== record && other.alg === record.alg && other.status === 'signing') other.status = 'verify-only'
    }
    record.status = 'signing'
  }

  function retire(kid: string): void {
    const record = require(kid)
    if (record.decoy === true)
      throw new TypeError(`key ${JSON.stringify(kid)} is the catalogue's second key; it stays published`)
    if (record.status === 'signing')
      throw new TypeError(`key ${JSON.stringify(kid)} is the signing key; promote another first`)
    record.status = 'retired'
  }

  async function rotateNow(alg: SigningAlgorithm, stage: boolean, at: number): Promise<KeyRecord> {
    const record = await generateKey(alg, 'staged', at)
    records.push(record)
    if (!stage) promote(record.kid)
    return record
  }

  async function runSchedule(): Promise<void> {
    if (rotation === undefined) return
    const every = rotation.every * 1000
    const retireAfter = (rotation.retireAfter ?? rotation.every) * 1000
    const ahead = (rotation.publishAhead ?? 0) * 1000
    const t = now()
    if (nextRotationAt <= t) {
      // After a long jump of the clock, keys that would already be retired again are never
      // observable: retire what exists and only make the keys still published at `t`.
      const periods = Math.floor((t - nextRotationAt) / every) + 1
      const keep = Math.ceil(retireAfter / every) + 1
      if (periods > keep) {
        for (const r of records) if (r.status !== 'unpublished' && r.decoy !== true) r.status = 'retired'
        nextRotationAt += (periods - keep) * every
      }
    }
    while (nextRotationAt <= t) {
      const at = nextRotationAt
      nextRotationAt += every
      for (const alg of algorithms) {
        const previous = records.find((r) => r.alg === alg && r.status === 'signing')
        const staged = records.find((r) => r.alg === alg && r.status === 'staged')
        if (staged !== undefined) promote(staged.kid)
        else await rotateNow(alg, false, at)
        if (previous !== undefined) previous.retireAt = at + retireAfter
      }
    }
    for (const r of records) {
      if (r.status === 'verify-only' && r.retireAt !== undefined && r.retireAt <= t) r.status = 'retired'
    }
    if (ahead > 0 && nextRotationAt - ahead <= t) {
      for (const alg of algorithms) {
        if (!records.some((r) => r.alg === alg && r.status === 'staged')) await rotateNow(alg, true, t)
      }
    }
  }

  return {
    algorithms,
    async init() {
      const created = now()
      for (const jwk of options.imported) {
        const record = await importKey(jwk, created)
        if (records.some((r) => r.alg === record.alg && r.status === 'signing')) record.status = 'verify-only'
        records.push(record)
      }
      const decoyAlg = algorithms[0]
      const [decoy, ...made] = await Promise.all([
        decoyAlg === undefined ? undefined : generateKey(decoyAlg, 'verify-only', created),
        ...algorithms.map((alg) =>
          records.some((r) => r.alg === alg && r.status === 'signing')
            ? undefined
            : generateKey(alg, 'signing', created),
        ),
      ])
      for (const record of made) if (record !== undefined) records.push(record)
      // A second key of the default alg, published for the provider's whole life, so that a token without
      // `kid` (the catalogue's `missingKid`) is ambiguous for every verifier, whichever key set it cached.
      if (decoy !== undefined) records.push({ ...decoy, decoy: true })
      initial = records.map((record) => ({ record, status: record.status }))
      if (rotation !== undefined) nextRotationAt = created + rotation.every * 1000
    },
    signer,
    find,
    all: () => records,
    published: () => records.filter((r) => PUBLISHED.has(r.status)),
    unpublished(alg) {
      let pending = unpublishedByAlg.get(alg)
      if (pending === undefined) {
        pending = generateKey(alg, 'unpublished', now())
        unpublishedByAlg.set(alg, pending)
      }
      return pending
    },
    rotate: (alg, stage) =>
      serial(async () => {
        algorithmEntry(alg)
        if (!algorithms.includes(alg))
          throw new TypeError(`"alg" ${alg} is not configured; configured: ${algorithms.join(', ')}`)
        return rotateNow(alg, stage, now())
      }),
    promote,
    retire,
    applySchedule: () => serial(runSchedule),
    reset() {
      records = initial.map(({ record, status }) => {
        record.status = status
        delete record.retireAt
        return record
      })
      if (rotation !== undefined) nextRotationAt = now() + rotation.every * 1000
    },
  }
}
