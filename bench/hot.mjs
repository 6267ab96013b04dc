// The hot path, runtime-neutral: the same module runs under Node, Deno, Bun and in a browser page (Chromium, Firefox).
// No node: import, no file system: every library is handed in by the runner (bench/runtimes.mjs,
// bench/run.mjs), so that each runtime measures the very same code. A contender that cannot run in a
// runtime (aws-jwt-verify needs node:crypto) is simply not handed in, and its column reads n/a.
//
// One process, interleaved rounds: in every round each contender runs for the same time slice, the
// order rotating and alternating between rounds, so that drift of the machine (thermal, neighbours, GC)
// lands on all contenders alike. Reported are medians over the rounds, and ratios as the median of the
// per-round ratios, so noise cancels into them.

export const ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA']
export const CONTENDERS = ['ours', 'jose', 'aws', 'floor']
export const MODES = [
  { name: 'sequential', concurrency: 1 },
  { name: '16 in flight', concurrency: 16 },
]
/** ours/jose and ours/floor on every alg; ours/aws with 16 in flight on Node (issue 2). */
export const TARGETS = { jose: 1.3, floor: 0.8, aws: 1.0 }
export const JOSE_KEY_SOURCE = 'createRemoteJWKSet with [customFetch] (an in-memory fetch), cacheMaxAge Infinity'

const ISSUER = 'https://issuer.bench.test'
const AUDIENCE = 'bench-client'

// The floor's WebCrypto parameters, spelled out here (not taken from src/) so a bug cannot hide on both sides.
const FLOOR_PARAMS = {
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
  PS256: { name: 'RSA-PSS', saltLength: 32 },
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  EdDSA: { name: 'Ed25519' },
}
const IMPORT_PARAMS = {
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  PS256: { name: 'RSA-PSS', hash: 'SHA-256' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  EdDSA: { name: 'Ed25519' },
}

/** Which runtime this is, from its globals alone. */
export function runtimeName() {
  const g = globalThis
  if (g.Deno?.version?.deno) return `deno ${g.Deno.version.deno} (V8 ${g.Deno.version.v8})`
  if (g.Bun?.version) return `bun ${g.Bun.version} (JavaScriptCore)`
  if (typeof g.process?.versions?.node === 'string') return `node ${g.process.version} (V8 ${g.process.versions.v8})`
  const ua = g.navigator?.userAgent ?? ''
  const chrome = /(?:HeadlessChrome|Chrome)\/([\d.]+)/.exec(ua)
  if (chrome) return `chromium ${chrome[1]}`
  const firefox = /Firefox\/([\d.]+)/.exec(ua)
  return firefox ? `firefox ${firefox[1]}` : ua || 'unknown runtime'
}

/**
 * Makes keys and tokens, builds every contender and checks each accepts the token and rejects a forgery.
 * `JwtVerifier` is aws-jwt-verify's class, or undefined where it cannot run.
 */
export async function setup({ sdk, jose, JwtVerifier, algs = ALGS }) {
  const keys = {}
  const jwks = { keys: [] }
  for (const alg of algs) {
    const { privateKey, publicKey } = await jose.generateKeyPair(
      alg,
      alg === 'EdDSA' ? { crv: 'Ed25519', extractable: true } : { extractable: true },
    )
    const kid = `bench-${alg}`
    const publicJwk = { ...(await jose.exportJWK(publicKey)), kid, alg, use: 'sig' }
    jwks.keys.push(publicJwk)
    keys[alg] = { privateKey, publicJwk, kid }
  }
  const jwksUri = `${ISSUER}/jwks`
  const discovery = { issuer: ISSUER, jwks_uri: jwksUri, id_token_signing_alg_values_supported: algs }
  let requests = 0
  const fetchFromMemory = async (input) => {
    requests++
    const url = String(typeof input === 'object' && input !== null && 'url' in input ? input.url : input)
    // Fresh for a day, so that no contender refetches during a long run.
    const headers = { 'cache-control': 'max-age=86400' }
    if (url === `${ISSUER}/.well-known/openid-configuration`) return Response.json(discovery, { headers })
    if (url === jwksUri) return Response.json(jwks, { headers })
    return new Response('not found', { status: 404 })
  }

  // One verifier per library, shared by every algorithm, each warmed before timing. Ours keeps keys in
  // memory in every runtime (in a browser the default would be IndexedDB; the hot path never reads it).
  const ours = sdk.createVerifier({ issuer: ISSUER, audience: AUDIENCE, fetch: fetchFromMemory, cache: 'memory' })
  const remote = jose.createRemoteJWKSet(new URL(jwksUri), {
    [jose.customFetch]: fetchFromMemory,
    cacheMaxAge: Infinity,
  })
  let aws
  if (JwtVerifier !== undefined) {
    aws = JwtVerifier.create({ issuer: ISSUER, audience: AUDIENCE, jwksUri })
    aws.cacheJwks(jwks)
  }

  const iat = Math.floor(Date.now() / 1000)
  const claims = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    iat,
    exp: iat + 3600,
    nonce: 'n-0S6_WzA2Mj',
    auth_time: iat,
  }
  const cases = {}
  for (const alg of algs) {
    const { privateKey, publicJwk, kid } = keys[alg]
    const token = await new jose.SignJWT(claims).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(privateKey)
    const dot2 = token.lastIndexOf('.')
    const data = new TextEncoder().encode(token.slice(0, dot2))
    const signature = jose.base64url.decode(token.slice(dot2 + 1))
    const floorKey = await crypto.subtle.importKey('jwk', publicJwk, IMPORT_PARAMS[alg], false, ['verify'])
    const params = FLOOR_PARAMS[alg]
    const joseOptions = { issuer: ISSUER, audience: AUDIENCE, algorithms: algs }
    const run = {
      ours: () => ours.verify(token),
      jose: () => jose.jwtVerify(token, remote, joseOptions),
      // aws-jwt-verify 5 has no RSA-PSS.
      aws: aws === undefined || alg === 'PS256' ? undefined : () => aws.verify(token),
      floor: () => crypto.subtle.verify(params, floorKey, signature, data),
    }
    // Warm and check: every contender must accept this token (and the floor must say true).
    const check = {
      ours: (r) => r.payload.sub === 'user-1',
      jose: (r) => r.payload.sub === 'user-1',
      aws: (r) => r.sub === 'user-1',
      floor: (r) => r === true,
    }
    for (const name of CONTENDERS) {
      if (run[name] === undefined) continue
      for (let i = 0; i < 20; i++) {
        const result = await run[name]()
        if (!check[name](result)) throw new Error(`${name} did not accept the ${alg} token`)
      }
    }
    // And reject a forged one, so that no contender is fast by not verifying.
    const forged = `${token.slice(0, dot2 + 1)}${token[dot2 + 1] === 'A' ? 'B' : 'A'}${token.slice(dot2 + 2)}`
    const forgedSignature = jose.base64url.decode(forged.slice(dot2 + 1))
    for (const [name, verify] of [
      ['ours', () => ours.verify(forged)],
      ['jose', () => jose.jwtVerify(forged, remote, joseOptions)],
      ...(run.aws ? [['aws', () => aws.verify(forged)]] : []),
      [
        'floor',
        async () => {
          if (!(await crypto.subtle.verify(params, floorKey, forgedSignature, data))) throw new Error('invalid')
        },
      ],
    ]) {
      if (
        await verify().then(
          () => true,
          () => false,
        )
      )
        throw new Error(`${name} accepted a forged ${alg} token`)
    }
    cases[alg] = run
  }
  return { cases, requests: () => requests }
}

/** Runs `fn` for `ms` milliseconds with `concurrency` calls in flight; returns ops per second. */
async function slice(fn, ms, concurrency) {
  const start = performance.now()
  const deadline = start + ms
  let ops = 0
  const worker = async () => {
    while (performance.now() < deadline) {
      await fn()
      ops++
    }
  }
  if (concurrency === 1) await worker()
  else await Promise.all(Array.from({ length: concurrency }, worker))
  return ops / ((performance.now() - start) / 1000)
}

export const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (sorted.length === 0) return NaN
  const mid = sorted.length >> 1
  return sorted.length & 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

async function bench(cases, { algs, rounds, slice: ms, log }) {
  // samples[mode][alg][contender] = ops/s per round
  const samples = {}
  for (const mode of MODES) {
    samples[mode.name] = {}
    for (const alg of algs) samples[mode.name][alg] = Object.fromEntries(CONTENDERS.map((c) => [c, []]))
  }
  for (let round = 0; round < rounds; round++) {
    const t0 = performance.now()
    for (const mode of MODES) {
      for (const alg of algs) {
        // Rotate and alternate the order, so no contender always runs first (or right after GC-heavy jose).
        const order = CONTENDERS.map((_, i) => CONTENDERS[(i + round) % CONTENDERS.length])
        if (round & 1) order.reverse()
        for (const name of order) {
          const fn = cases[alg][name]
          samples[mode.name][alg][name].push(fn === undefined ? NaN : await slice(fn, ms, mode.concurrency))
        }
      }
    }
    log(`round ${round + 1}/${rounds} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  }
  return samples
}

const spread = (values) => {
  const finite = values.filter(Number.isFinite)
  return finite.length < 2 ? 0 : (Math.max(...finite) - Math.min(...finite)) / 2 / median(finite)
}

function summarize(samples, algs, awsTarget) {
  const results = []
  for (const mode of MODES) {
    for (const alg of algs) {
      const s = samples[mode.name][alg]
      const ratio = (other) => median(s.ours.map((ours, round) => ours / s[other][round]))
      const row = {
        mode: mode.name,
        concurrency: mode.concurrency,
        alg,
        opsPerSec: Object.fromEntries(CONTENDERS.map((c) => [c, median(s[c])])),
        ratios: { jose: ratio('jose'), floor: ratio('floor'), aws: ratio('aws') },
        // Half the range of the per-round ours/floor ratios, relative to their median: the noise.
        floorRatioSpread: spread(s.ours.map((ours, round) => ours / s.floor[round])),
        samples: s,
      }
      row.targets = {
        jose: { target: TARGETS.jose, pass: row.ratios.jose >= TARGETS.jose },
        floor: { target: TARGETS.floor, pass: row.ratios.floor >= TARGETS.floor },
      }
      if (mode.concurrency === 16 && awsTarget) {
        row.targets.aws = Number.isFinite(row.ratios.aws)
          ? { target: TARGETS.aws, pass: row.ratios.aws >= TARGETS.aws }
          : { target: TARGETS.aws, pass: null } // n/a: not in this runtime, or not this alg
      }
      results.push(row)
    }
  }
  return results
}

/**
 * The whole hot-path bench in this runtime. Returns a JSON-safe report (non-finite numbers become null
 * once serialized; readers treat null as n/a).
 */
export async function runHot({
  sdk,
  jose,
  JwtVerifier,
  algs = ALGS,
  rounds = 5,
  slice: ms = 200,
  jsOnly = false,
  log = () => {},
}) {
  for (const alg of algs) if (!ALGS.includes(alg)) throw new Error(`${alg} is not one of ${ALGS.join(', ')}`)
  const started = performance.now()
  const { cases, requests } = await setup({ sdk, jose, JwtVerifier, algs })
  const fetchesAfterWarmup = requests()
  // --js-only: once every contender has been checked with the real call, crypto.subtle.verify answers true at
  // once, so that a contender's time is the JavaScript around the call (promise steps included). The native
  // verification and its thread hops, which dominate and vary most on a busy machine, drop out.
  const subtle = globalThis.crypto.subtle
  if (jsOnly) subtle.verify = () => Promise.resolve(true)
  let samples
  try {
    samples = await bench(cases, { algs, rounds, slice: ms, log })
  } finally {
    if (jsOnly) delete subtle.verify
  }
  if (requests() !== fetchesAfterWarmup) throw new Error('a contender fetched during timing: the caches were not warm')
  return {
    runtime: runtimeName(),
    cpus: globalThis.navigator?.hardwareConcurrency,
    rounds,
    sliceMs: ms,
    algs,
    jsOnly,
    contenders: CONTENDERS.filter((c) => c !== 'aws' || JwtVerifier !== undefined),
    joseKeySource: JOSE_KEY_SOURCE,
    // The aws-jwt-verify target is set for Node (issue 2); elsewhere its ratio is information.
    results: summarize(samples, algs, runtimeName().startsWith('node ')),
    seconds: (performance.now() - started) / 1000,
  }
}

const fmtOps = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'n/a')
const fmtRatio = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}x` : 'n/a')
const verdict = (t) => (t === undefined ? '' : t.pass === null ? '' : t.pass ? ' PASS' : ' MISS')

/** Left-aligned first `left` columns, the rest right-aligned. */
export function table(header, rows, left = 2) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)))
  const line = (cells) =>
    cells
      .map((c, i) => (i < left ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i])))
      .join('  ')
      .trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)]
}

/** The table every runtime prints, and the verdict lines under it. */
export function formatHot(report) {
  if (report.jsOnly) return formatJsOnly(report)
  const header = [
    'mode',
    'alg',
    'ours ops/s',
    'jose ops/s',
    'aws ops/s',
    'floor ops/s',
    'ours/jose',
    'ours/floor',
    '(noise)',
    'ours/aws',
  ]
  const rows = report.results.map((r) => [
    r.mode,
    r.alg,
    fmtOps(r.opsPerSec.ours),
    fmtOps(r.opsPerSec.jose),
    fmtOps(r.opsPerSec.aws),
    fmtOps(r.opsPerSec.floor),
    fmtRatio(r.ratios.jose) + verdict(r.targets.jose),
    fmtRatio(r.ratios.floor) + verdict(r.targets.floor),
    `±${Math.round(r.floorRatioSpread * 100)}%`,
    fmtRatio(r.ratios.aws) + verdict(r.targets.aws),
  ])
  const lines = table(header, rows)
  const awsHere = report.contenders.includes('aws')
  const awsTarget = report.results.some((r) => r.targets.aws !== undefined)
  lines.push(
    '',
    `targets: ours/jose >= ${TARGETS.jose}x and ours/floor >= ${TARGETS.floor}x on every alg; ` +
      (awsTarget
        ? `with 16 in flight ours/aws >= ${TARGETS.aws}x (aws-jwt-verify has no PS256: n/a)`
        : awsHere
          ? 'ours/aws for information (its target is set on Node; aws-jwt-verify has no PS256: n/a)'
          : 'aws-jwt-verify: n/a in this runtime (it cannot be loaded here)'),
    `jose: ${report.joseKeySource}`,
  )
  const missed = missedTargets(report)
  lines.push(missed.length === 0 ? 'all targets: PASS' : `targets missed (${missed.length}): ${missed.join('; ')}`)
  return lines.join('\n')
}

/** --js-only: microseconds of JavaScript per verification; no targets, since the floor is then empty. */
function formatJsOnly(report) {
  const us = (ops) => (Number.isFinite(ops) ? (1e6 / ops).toFixed(2) : 'n/a')
  const rows = report.results.map((r) => [r.mode, r.alg, ...CONTENDERS.map((c) => us(r.opsPerSec[c]))])
  return [
    ...table(['mode', 'alg', ...CONTENDERS.map((c) => `${c} µs`)], rows),
    '',
    'crypto.subtle.verify answered true at once (--js-only): µs of JavaScript per verification, no targets',
  ].join('\n')
}

export function missedTargets(report) {
  if (report.jsOnly) return []
  return report.results.flatMap((r) =>
    Object.entries(r.targets)
      .filter(([, t]) => t.pass === false)
      .map(([k]) => `${r.mode} ${r.alg} vs ${k}`),
  )
}
