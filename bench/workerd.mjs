// The hot path and the cold paths in workerd (Cloudflare's runtime, from the miniflare package), next to jose.
//
// workerd stops its clocks between I/O (performance.now() and Date.now() do not move while a Worker computes),
// so bench/hot.mjs cannot time its slices in there. The same contenders are built inside the Worker by hot.mjs's
// setup() (ours, jose with an in-memory createRemoteJWKSet, the bare WebCrypto floor), each request runs a fixed
// number of verifications, and this process times the requests from outside, minus the cost of an empty request.
// Rounds interleave the contenders as hot.mjs does; ratios are medians of per-round ratios.
//
// Cold paths, against a counting provider on 127.0.0.1 (bench/idp.mjs): a first verification on a fresh verifier
// (discovery + JWKS, or JWKS only next to jose), a fresh verifier on a filled store (cacheApiStore(), the Workers
// KV example store, memory), and new isolates (workerd restarted, the cache and KV persisted) with the provider
// requests each one makes.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as esbuild from 'esbuild'
import * as jose from 'jose'
import { Miniflare } from 'miniflare'
import { ALGS, MODES, median, table } from './hot.mjs'
import { DISCOVERY, JWKS, startIdp } from './idp.mjs'
import { JOSE_WEBAPI, ROOT } from './sdk.mjs'

const CONTENDERS = ['ours', 'jose', 'floor']
const AUDIENCE = 'cold-client'

async function bundle(sdk) {
  const result = await esbuild.build({
    entryPoints: [join(ROOT, 'bench/workerd-worker.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    logLevel: 'error',
    external: ['node:*'],
    alias: { 'idtoken-verify-bench-sdk': sdk.file, 'jose-webapi': join(JOSE_WEBAPI, 'index.js') },
  })
  return result.outputFiles[0].text
}

/** Milliseconds of each of `count` requests, as seen from here. */
async function timeRequests(mf, count, path, init) {
  const samples = []
  for (let i = 0; i < count; i++) {
    const t0 = performance.now()
    const response = await mf.dispatchFetch(`http://bench.test${path}`, init)
    const text = await response.text()
    if (!response.ok) throw new Error(`${path}: ${response.status} ${text.slice(0, 500)}`)
    samples.push(performance.now() - t0)
  }
  return samples
}

/**
 * Runs the workerd phase. `sdk` is bench/sdk.mjs's bundle (src/, so dist/ need not be built). Returns
 * { runtime, hot: { results }, cold: { rows } } in the shapes the other phases print.
 */
export async function runWorkerd({
  sdk,
  algs = ALGS,
  rounds = 5,
  slice = 200,
  reps = 15,
  isolates = 3,
  log = () => {},
}) {
  const { version } = JSON.parse(
    await (await import('node:fs/promises')).readFile(join(ROOT, 'node_modules/workerd/package.json'), 'utf8'),
  )
  const idp = await startIdp({ algorithms: ['RS256'] })
  const { privateKey, publicKey } = await jose.generateKeyPair('RS256', { extractable: true })
  idp.keys = [{ ...(await jose.exportJWK(publicKey)), kid: 'cold-1', alg: 'RS256', use: 'sig' }]
  const iat = Math.floor(Date.now() / 1000)
  const token = await new jose.SignJWT({ sub: 'alice' })
    .setProtectedHeader({ alg: 'RS256', kid: 'cold-1', typ: 'JWT' })
    .setIssuer(idp.origin)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 3600)
    .sign(privateKey)
  const bearer = { headers: { authorization: `Bearer ${token}` } }
  const persist = await mkdtemp(join(tmpdir(), 'idtoken-verify-bench-workerd-'))
  const options = {
    modules: true,
    script: await bundle(sdk),
    compatibilityDate: '2025-07-01',
    compatibilityFlags: ['nodejs_als'],
    bindings: { ISSUER: idp.origin },
    kvNamespaces: ['JWKS_KV'],
    cache: true,
    cachePersist: join(persist, 'cache'),
    kvPersist: join(persist, 'kv'),
  }
  const mf = new Miniflare(options)
  try {
    await mf.ready
    await timeRequests(mf, 30, '/noop') // warm-up

    // Hot path.
    await timeRequests(mf, 1, `/setup?algs=${algs.join(',')}`)
    const fetchesAfterSetup = Number(
      await (await mf.dispatchFetch(`http://bench.test/hot?alg=${algs[0]}&contender=ours&n=1&concurrency=1`)).text(),
    )
    // The empty request's cost is sampled again before every timed request: the machine may be busy.
    const empty = []
    const opsPerSec = async (alg, contender, n, concurrency) => {
      empty.push(...(await timeRequests(mf, 1, '/noop')))
      const [ms] = await timeRequests(mf, 1, `/hot?alg=${alg}&contender=${contender}&n=${n}&concurrency=${concurrency}`)
      return n / (Math.max(ms - median(empty.slice(-20)), 0.001) / 1000)
    }
    // Calibrate: each request runs about one slice of the slowest contender.
    const sizes = {}
    for (const alg of algs) {
      const rate = Math.min(...(await Promise.all(CONTENDERS.map((c) => opsPerSec(alg, c, 50, 1)))))
      sizes[alg] = Math.max(20, Math.round((rate * slice) / 1000))
    }
    const samples = {}
    for (const mode of MODES) {
      samples[mode.name] = {}
      for (const alg of algs) samples[mode.name][alg] = Object.fromEntries(CONTENDERS.map((c) => [c, []]))
    }
    for (let round = 0; round < rounds; round++) {
      for (const mode of MODES) {
        for (const alg of algs) {
          const order = CONTENDERS.map((_, i) => CONTENDERS[(i + round) % CONTENDERS.length])
          if (round & 1) order.reverse()
          for (const name of order)
            samples[mode.name][alg][name].push(await opsPerSec(alg, name, sizes[alg], mode.concurrency))
        }
      }
      log(`hot round ${round + 1}/${rounds}`)
    }
    const after = Number(
      await (await mf.dispatchFetch(`http://bench.test/hot?alg=${algs[0]}&contender=ours&n=1&concurrency=1`)).text(),
    )
    if (after !== fetchesAfterSetup) throw new Error('a contender fetched during timing: the caches were not warm')
    const results = []
    for (const mode of MODES) {
      for (const alg of algs) {
        const s = samples[mode.name][alg]
        const ratio = (other) => median(s.ours.map((ours, round) => ours / s[other][round]))
        results.push({
          mode: mode.name,
          alg,
          n: sizes[alg],
          opsPerSec: Object.fromEntries(CONTENDERS.map((c) => [c, median(s[c])])),
          ratios: { jose: ratio('jose'), floor: ratio('floor') },
          samples: s,
        })
      }
    }

    // Cold paths: fresh verifiers in one isolate, interleaved, timed from outside minus the empty request.
    const kinds = {
      'empty request': '/noop',
      'ours, discovery + JWKS': '/verify?store=memory',
      'ours, JWKS only (jwksUri)': '/verify?store=memory&jwksUri',
      'jose, JWKS only (createRemoteJWKSet)': '/jose',
      'ours, filled cacheApiStore()': '/verify?store=cache',
      'ours, filled Workers KV store': '/verify?store=kv',
    }
    await timeRequests(mf, 1, '/verify?store=cache', bearer) // fill the stores
    await timeRequests(mf, 1, '/verify?store=kv', bearer)
    const cold = Object.fromEntries(Object.keys(kinds).map((k) => [k, { ms: [], requests: [] }]))
    const names = Object.keys(kinds)
    for (let rep = -2; rep < reps; rep++) {
      const order = names.map((_, i) => names[(i + rep + 2) % names.length])
      for (const name of order) {
        idp.reset()
        const [ms] = await timeRequests(mf, 1, kinds[name], bearer)
        if (rep >= 0) {
          cold[name].ms.push(ms)
          cold[name].requests.push(idp.count(DISCOVERY) + idp.count(JWKS))
        }
      }
    }
    log(`cold: ${reps} fresh verifiers of each kind`)
    const emptyMs = median(cold['empty request'].ms)
    const rows = names
      .filter((name) => name !== 'empty request')
      .map((name) => ({
        measure: `first verify, fresh verifier in a warm isolate: ${name}`,
        ms: median(cold[name].ms) - emptyMs,
        requests: median(cold[name].requests),
      }))
    // The stores' own read latency: 50 reads per request.
    for (const kind of ['cache', 'kv']) {
      const per = []
      for (let rep = 0; rep < 5; rep++) {
        const [e] = await timeRequests(mf, 1, '/noop')
        const [t] = await timeRequests(mf, 1, `/store-get?store=${kind}&n=50`)
        per.push((t - e) / 50)
      }
      rows.push({
        measure: `one read of a stored entry (get), ${kind === 'cache' ? 'cacheApiStore()' : 'Workers KV example store'}`,
        ms: median(per),
        requests: 0,
      })
    }

    // New isolates: workerd restarted, memory gone, the cache and KV kept on disk.
    for (const kind of ['memory', 'cache', 'kv']) {
      const ms = []
      const requests = []
      for (let i = 0; i < isolates; i++) {
        await mf.setOptions(options)
        idp.reset()
        const [t] = await timeRequests(mf, 1, `/verify?store=${kind}`, bearer)
        ms.push(t)
        requests.push(idp.count(DISCOVERY) + idp.count(JWKS))
      }
      rows.push({
        measure: `first request of a new isolate (workerd restarted), ${kind === 'memory' ? "cache: 'memory'" : kind === 'cache' ? 'cacheApiStore()' : 'Workers KV example store'}`,
        ms: median(ms),
        requests: median(requests),
      })
    }
    log(`cold: ${isolates} new isolates per store`)
    return {
      runtime: `workerd ${version} (miniflare)`,
      overheadMs: median(empty),
      hot: { rounds, sliceMs: slice, algs, results },
      cold: { rows },
    }
  } finally {
    await mf.dispose()
    await idp.close()
    await rm(persist, { recursive: true, force: true })
  }
}

const f2 = (v) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a')

export function formatWorkerd(report) {
  const hot = table(
    ['mode', 'alg', 'ours ops/s', 'jose ops/s', 'floor ops/s', 'ours/jose', 'ours/floor'],
    report.hot.results.map((r) => [
      r.mode,
      r.alg,
      Math.round(r.opsPerSec.ours),
      Math.round(r.opsPerSec.jose),
      Math.round(r.opsPerSec.floor),
      `${f2(r.ratios.jose)}x`,
      `${f2(r.ratios.floor)}x`,
    ]),
  )
  const cold = table(
    ['measure', 'ms (median)', 'provider requests'],
    report.cold.rows.map((r) => [r.measure, f2(r.ms), r.requests]),
    1,
  )
  return [
    `hot path: requests of n verifications timed from outside, minus an empty request (median ${report.overheadMs.toFixed(3)} ms)`,
    ...hot,
    '',
    "cold paths (provider on 127.0.0.1 over HTTP; fresh-verifier times minus an empty request; miniflare's Cache API and KV are local simulations):",
    ...cold,
  ].join('\n')
}
