// npm run bench: the verifier's hot path against jose, aws-jwt-verify and the bare WebCrypto call.
//
// One process, interleaved rounds: in every round each contender runs for the same time slice, the
// order alternating between rounds, so that drift of the machine (thermal, neighbours, GC) lands on
// all contenders alike. Reported are medians over the rounds, and ratios as the median of the per-round
// ratios, so noise cancels into them.
//
//   node bench/run.mjs [--rounds 7] [--slice 300] [--algs RS256,ES256] [--json [file]] [--quick]
//
// The SDK is bundled from src/ with esbuild into a temporary folder, so the bench does not depend on
// dist/ being built or fresh.
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir, cpus, loadavg } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { execFileSync } from 'node:child_process'
import * as esbuild from 'esbuild'
import * as jose from 'jose'
import { JwtVerifier } from 'aws-jwt-verify'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA']
const CONTENDERS = ['ours', 'jose', 'aws', 'floor']
const MODES = [
  { name: 'sequential', concurrency: 1 },
  { name: '16 in flight', concurrency: 16 },
]
const TARGETS = { jose: 1.3, floor: 0.8, aws: 1.0 } // aws only with 16 in flight
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

function parseArgs(argv) {
  const args = { rounds: 7, slice: 300, algs: ALGS, json: undefined }
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2)
    const value = () => inline ?? argv[++i]
    if (flag === '--rounds') args.rounds = Number(value())
    else if (flag === '--slice') args.slice = Number(value())
    else if (flag === '--algs') args.algs = value().split(',')
    else if (flag === '--quick') Object.assign(args, { rounds: 3, slice: 100 })
    else if (flag === '--json') {
      // Optional value: `--json` alone writes to the default file.
      args.json = inline ?? (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? argv[++i] : 'artifacts/bench.json')
    } else if (flag === '--help' || flag === '-h') {
      console.log('usage: node bench/run.mjs [--rounds N] [--slice MS] [--algs RS256,PS256,ES256,EdDSA] [--quick] [--json [file]]')
      process.exit(0)
    } else throw new Error(`unknown argument ${argv[i]}`)
  }
  if (!(args.rounds >= 1) || !(args.slice >= 10)) throw new Error('--rounds must be >= 1 and --slice >= 10 (ms)')
  for (const alg of args.algs) if (!ALGS.includes(alg)) throw new Error(`--algs: ${alg} is not one of ${ALGS.join(', ')}`)
  return args
}

/** Bundles src/index.ts into a temporary ESM file and imports it. */
export async function loadSdk() {
  const dir = await mkdtemp(join(tmpdir(), 'idtoken-verify-bench-'))
  try {
    const outfile = join(dir, 'idtoken-verify.mjs')
    await esbuild.build({
      entryPoints: [join(ROOT, 'src/index.ts')],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      outfile,
      logLevel: 'error',
    })
    return await import(pathToFileURL(outfile).href)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function setup(sdk, algs) {
  const keys = {}
  const jwks = { keys: [] }
  for (const alg of algs) {
    const { privateKey, publicKey } = await jose.generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519', extractable: true } : { extractable: true })
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
    const url = String(input instanceof Request ? input.url : input)
    // Fresh for a day, so that no contender refetches during a long run (--rounds 100).
    const headers = { 'cache-control': 'max-age=86400' }
    if (url === `${ISSUER}/.well-known/openid-configuration`) return Response.json(discovery, { headers })
    if (url === jwksUri) return Response.json(jwks, { headers })
    return new Response('not found', { status: 404 })
  }

  // One verifier per library, shared by every algorithm, each warmed before timing.
  const ours = sdk.createVerifier({ issuer: ISSUER, audience: AUDIENCE, fetch: fetchFromMemory, cache: 'memory' })
  const remote = jose.createRemoteJWKSet(new URL(jwksUri), { [jose.customFetch]: fetchFromMemory, cacheMaxAge: Infinity })
  const aws = JwtVerifier.create({ issuer: ISSUER, audience: AUDIENCE, jwksUri })
  aws.cacheJwks(jwks)

  const iat = Math.floor(Date.now() / 1000)
  const claims = { iss: ISSUER, aud: AUDIENCE, sub: 'user-1', iat, exp: iat + 3600, nonce: 'n-0S6_WzA2Mj', auth_time: iat }
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
      aws: alg === 'PS256' ? undefined : () => aws.verify(token), // aws-jwt-verify 5 has no RSA-PSS
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
    for (const [name, verify] of [
      ['ours', () => ours.verify(forged)],
      ['jose', () => jose.jwtVerify(forged, remote, joseOptions)],
      ...(run.aws ? [['aws', () => aws.verify(forged)]] : []),
    ]) {
      if (await verify().then(() => true, () => false)) throw new Error(`${name} accepted a forged ${alg} token`)
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

const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (sorted.length === 0) return NaN
  const mid = sorted.length >> 1
  return sorted.length & 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

async function bench(cases, args) {
  // samples[mode][alg][contender] = ops/s per round
  const samples = {}
  for (const mode of MODES) {
    samples[mode.name] = {}
    for (const alg of args.algs) samples[mode.name][alg] = Object.fromEntries(CONTENDERS.map((c) => [c, []]))
  }
  for (let round = 0; round < args.rounds; round++) {
    const t0 = performance.now()
    for (const mode of MODES) {
      for (const alg of args.algs) {
        // Alternate and rotate the order, so no contender always runs first (or right after GC-heavy jose).
        const order = CONTENDERS.map((_, i) => CONTENDERS[(i + round) % CONTENDERS.length])
        if (round & 1) order.reverse()
        for (const name of order) {
          const fn = cases[alg][name]
          samples[mode.name][alg][name].push(fn === undefined ? NaN : await slice(fn, args.slice, mode.concurrency))
        }
      }
    }
    process.stderr.write(`round ${round + 1}/${args.rounds} done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`)
  }
  return samples
}

const spread = (values) => {
  const finite = values.filter(Number.isFinite)
  return finite.length < 2 ? 0 : (Math.max(...finite) - Math.min(...finite)) / 2 / median(finite)
}

function summarize(samples, args) {
  const results = []
  for (const mode of MODES) {
    for (const alg of args.algs) {
      const s = samples[mode.name][alg]
      const ratio = (other) =>
        median(s.ours.map((ours, round) => ours / s[other][round]))
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
      if (mode.concurrency === 16) {
        row.targets.aws = Number.isFinite(row.ratios.aws)
          ? { target: TARGETS.aws, pass: row.ratios.aws >= TARGETS.aws }
          : { target: TARGETS.aws, pass: null } // n/a: aws-jwt-verify does not support this alg
      }
      results.push(row)
    }
  }
  return results
}

function printTable(results) {
  const fmtOps = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'n/a')
  const fmtRatio = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}x` : 'n/a')
  const verdict = (t) => (t === undefined ? '' : t.pass === null ? ' n/a' : t.pass ? ' PASS' : ' MISS')
  const header = ['mode', 'alg', 'ours ops/s', 'jose ops/s', 'aws ops/s', 'floor ops/s', 'ours/jose', 'ours/floor', '(noise)', 'ours/aws']
  const rows = results.map((r) => [
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
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  console.log(line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const row of rows) console.log(line(row))
  console.log()
  console.log(`targets: ours/jose >= ${TARGETS.jose}x and ours/floor >= ${TARGETS.floor}x on every alg; ` +
    `with 16 in flight ours/aws >= ${TARGETS.aws}x (aws-jwt-verify has no PS256: n/a)`)
  const missed = results.flatMap((r) => Object.entries(r.targets).filter(([, t]) => t.pass === false).map(([k]) => `${r.mode} ${r.alg} vs ${k}`))
  console.log(missed.length === 0 ? 'all targets: PASS' : `targets missed (${missed.length}): ${missed.join('; ')}`)
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return undefined
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const started = performance.now()
  const sdk = await loadSdk()
  const { cases, requests } = await setup(sdk, args.algs)
  const fetchesAfterWarmup = requests()
  console.log(`idtoken-verify bench: node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model ?? '?'}), ` +
    `${args.rounds} rounds x ${args.slice} ms slices, medians`)
  const loadBefore = loadavg()[0]
  if (loadBefore > cpus().length / 2) {
    console.log(`note: load average ${loadBefore.toFixed(1)} on ${cpus().length} cpus: other work competes, expect noisy ratios`)
  }
  const samples = await bench(cases, args)
  if (requests() !== fetchesAfterWarmup) throw new Error('a contender fetched during timing: the caches were not warm')
  const results = summarize(samples, args)
  console.log()
  printTable(results)
  const seconds = (performance.now() - started) / 1000
  console.log(`total ${seconds.toFixed(1)} s, load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`)
  if (args.json !== undefined) {
    const file = resolve(process.cwd(), args.json)
    await mkdir(dirname(file), { recursive: true })
    const report = {
      date: new Date().toISOString(),
      commit: gitCommit(),
      node: process.version,
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      loadavg: { before: loadBefore, after: loadavg()[0] },
      rounds: args.rounds,
      sliceMs: args.slice,
      targets: TARGETS,
      results,
      seconds,
    }
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`)
    console.log(`results written to ${file}`)
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main()
}
