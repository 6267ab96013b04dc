// The verifier tests' setup in one place: the in-memory provider, a clock moved by hand, a verifier on both
// (events collected), and tokens issued at the clock's now. `load` makes another verifier on the same provider
// and clock: a page reload, a second tab, a new isolate; `loadWith` does the same for the access-token and
// logout-token verifiers.
import type * as jose from 'jose'
import { createVerifier, type IdTokenVerifier, type VerifierEvent, type VerifierOptions } from '../../src/index.ts'
import { fakeIdp, type FakeIdp, type FakeIdpOptions } from './idp.ts'
import { CLIENT, ISSUER, NOW, defaultClaims, sign, type SignOptions, type TestKey } from './issuer.ts'

export interface ManualClock {
  now(): number
  advance(seconds: number): void
  set(ms: number): void
}

/** A clock tests move by hand. */
export function manualClock(start = NOW): ManualClock {
  let t = start
  return { now: () => t, advance: (s) => void (t += s * 1000), set: (ms) => void (t = ms) }
}

/** Options where `undefined` means "the SDK's default" (e.g. `cache: undefined` for its default cache). */
export type OptionsOf<O> = { [K in keyof O]?: O[K] | undefined }
export type HarnessOptions = OptionsOf<VerifierOptions>

export interface Loaded<V = IdTokenVerifier> {
  verifier: V
  events: VerifierEvent[]
  /** A token by `signer` (the harness key by default), issued at the clock's now by the verifier's issuer. */
  token(signer?: TestKey, options?: SignOptions): Promise<string>
}

export interface Harness extends Loaded {
  idp: FakeIdp
  clock: ManualClock
  /** Another verifier on the same provider and clock, with these options over the harness's. */
  load(options?: HarnessOptions): Loaded
  /**
   * Like `load`, with another factory sharing the verifier options (`createAccessTokenVerifier`,
   * `createLogoutTokenVerifier`): the harness's defaults and options, then these.
   */
  loadWith<O, V>(create: (options: O) => V, options?: OptionsOf<O>): Loaded<V>
}

export interface HarnessSetup extends FakeIdpOptions {
  /** Signs `token()` by default; its public key is served unless `keys` is given. */
  key?: TestKey
  keys?: jose.JWK[]
  discovery?: Record<string, unknown>
  /** Response headers of the provider, e.g. { 'cache-control': 'max-age=60' }. */
  headers?: Record<string, string>
  /** An existing provider or clock to share. */
  idp?: FakeIdp
  clock?: ManualClock
}

/**
 * Issuer ISSUER, audience CLIENT, the in-memory cache, the provider's fetch, the manual clock (at NOW), events
 * collected; `options` go over these.
 */
export function harness(setup: HarnessSetup, options: HarnessOptions = {}): Harness {
  const idp =
    setup.idp ??
    fakeIdp(setup.keys ?? (setup.key ? [setup.key.publicJwk] : []), setup.discovery, providerOptions(setup))
  if (setup.headers !== undefined) idp.headers = setup.headers
  const clock = setup.clock ?? manualClock()
  const loadWith = <O, V>(create: (options: O) => V, more: OptionsOf<O> = {}): Loaded<V> => {
    const events: VerifierEvent[] = []
    const merged: Record<string, unknown> = {
      issuer: setup.issuer ?? ISSUER,
      audience: CLIENT,
      fetch: idp.fetch,
      now: clock.now,
      cache: 'memory',
      onEvent: (event: VerifierEvent) => void events.push(event),
      ...options,
      ...more,
    }
    const defined = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined))
    const verifier = create(defined as O)
    const iss = typeof merged.issuer === 'string' ? merged.issuer : ISSUER
    const token = (signer = setup.key, signing: SignOptions = {}) => {
      if (signer === undefined) throw new Error('harness: no key to sign with')
      return sign(signer, { ...signing, claims: { ...defaultClaims(clock.now()), iss, ...signing.claims } })
    }
    return { verifier, events, token }
  }
  const load = (more: HarnessOptions = {}) => loadWith(createVerifier, more)
  return { idp, clock, load, loadWith, ...load() }
}

function providerOptions(setup: HarnessSetup): FakeIdpOptions {
  return {
    ...(setup.issuer === undefined ? {} : { issuer: setup.issuer }),
    ...(setup.jwksUri === undefined ? {} : { jwksUri: setup.jwksUri }),
  }
}
