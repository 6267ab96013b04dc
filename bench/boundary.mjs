// The max-age boundary (issue 8, "A removed key must stop verifying at max-age"), in Node, against the counting
// provider on a real port (bench/idp.mjs) that holds every answer back by `latency` ms and serves
// `Cache-Control: max-age=N` with a small N. One verifier takes a verification every ~1 ms for several
// lifetimes; each verification's latency is recorded, and reported for the window around each copy's expiry
// (± 10% of the lifetime) and overall, with how many of them waited on the network. Half-way through, a second
// key is withdrawn from the provider just before a boundary, while tokens signed with it keep coming: none of
// them may verify once the last copy that held it is past its max-age.
//
//   node bench/boundary.mjs [--sdk FILE]... [--quick] [--max-age S] [--boundaries N] [--latency MS]
//
// `--sdk` (repeatable): an SDK entry module to measure, e.g. dist/index.js or another checkout's dist/index.js;
// by default src/ bundled by esbuild (bench/sdk.mjs). Several make a before/after table.
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import * as jose from 'jose'
import { DISCOVERY, JWKS, startIdp } from './idp.mjs'
import { median, table } from './hot.mjs'

const AUDIENCE = 'boundary-client'
const ALG = 'RS256'
/**
 * A verification waited on the network when it took longer than this and a provider answer went out while it
 * was pending; one as slow with no answer in its span was held up by the event loop (a GC, a busy CPU), and
 * is counted apart as `stalled`.
 */
export const WAIT_MS = 20

const quantile = (sorted, q) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]

function stats(verifications) {
  const sorted = verifications.map((v) => v.ms).sort((a, b) => a - b)
  const slow = verifications.filter((v) => v.ms > WAIT_MS)
  return {
    count: sorted.length,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted.length === 0 ? NaN : sorted[sorted.length - 1],
    waited: slow.filter((v) => v.network).length,
    stalled: slow.filter((v) => !v.network).length,
  }
}

/**
 * Runs the boundary measure on one SDK module. `maxAge`: the provider's max-age in seconds (the verifier's
 * `minCacheAge` is lowered to allow it); `boundaries`: lifetimes to run across; `latency`: ms per provider answer;
 * `interval`: ms between two verifications (a timer, so ~1 ms means "as often as the event loop allows, ≥ 1 ms");
 * `verifierOptions`: more createVerifier options (e.g. `staleWhileRevalidate: 0` on the previous code, to see waits).
 */
export async function runBoundary({
  sdk,
  maxAge = 2,
  boundaries = 5,
  latency = 50,
  interval = 1,
  verifierOptions = {},
  log = () => {},
}) {
  const lifetime = maxAge * 1000
  const pairs = await Promise.all(
    ['steady', 'withdrawn'].map(async (kid) => {
      const { privateKey, publicKey } = await jose.generateKeyPair(ALG, { extractable: true })
      return { kid, privateKey, jwk: { ...(await jose.exportJWK(publicKey)), kid, alg: ALG, use: 'sig' } }
    }),
  )
  const idp = await startIdp({ algorithms: [ALG], latency, cacheControl: `public, max-age=${maxAge}` })
  idp.keys = pairs.map((p) => p.jwk)
  const issuer = idp.origin
  const iat = Math.floor(Date.now() / 1000)
  const [steadyToken, withdrawnToken] = await Promise.all(
    pairs.map((p) =>
      new jose.SignJWT({ sub: p.kid })
        .setProtectedHeader({ alg: ALG, kid: p.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(iat + 3600)
        .sign(p.privateKey),
    ),
  )

  // Each key-set copy the verifier took, with when it stops being fresh on the verifier's clock (its `fetched`
  // event) and whether it held the key about to be withdrawn (seen by the transport: the k-th key-set answer).
  const answers = []
  const copies = []
  const transport = async (input, init) => {
    const response = await fetch(input, init)
    if (new URL(String(input instanceof Request ? input.url : input)).pathname === JWKS) {
      const holds =
        response.status === 200
          ? response
              .clone()
              .json()
              .then((body) => body.keys.some((k) => k.kid === 'withdrawn'))
          : undefined
      answers.push(holds)
    }
    return response
  }
  const onEvent = async (event) => {
    if (event.type !== 'fetched' || new URL(event.url).pathname !== JWKS) return
    const answer = answers.shift()
    const holds = answer === undefined ? (copies.at(-1)?.holds ?? false) : await answer
    copies.push({ freshUntil: event.freshUntil, status: event.status, holds })
  }
  const verifier = sdk.createVerifier({
    issuer,
    audience: AUDIENCE,
    cache: 'memory',
    minCacheAge: 1,
    ...verifierOptions,
    fetch: transport,
    onEvent,
  })
  const started = performance.now()
  try {
    await verifier.verify(steadyToken) // the first, cold verification is not part of the measure
    await verifier.verify(withdrawnToken)
    idp.reset()

    const steady = [] // { at (epoch ms, float), ms }
    const probes = [] // { at (epoch ms, integer, as the verifier's Date.now sees it), ok }
    const pending = []
    const end = performance.now() + (boundaries + 0.5) * lifetime
    const midpoint = performance.now() + Math.floor(boundaries / 2) * lifetime
    let withdrawAt
    let withdrawnAtEpoch = Infinity
    let probing = false
    const epoch = () => performance.timeOrigin + performance.now()
    while (performance.now() < end) {
      const t0 = performance.now()
      const at = epoch()
      pending.push(
        verifier.verify(steadyToken).then(
          () => steady.push({ at, t0, ms: performance.now() - t0 }),
          (error) => steady.push({ at, t0, ms: performance.now() - t0, error: error?.code ?? String(error) }),
        ),
      )
      if (withdrawAt === undefined && t0 >= midpoint) {
        // Just before a boundary: 90% into the lifetime of the key-set answer that follows the midpoint.
        const next = idp.log.find((entry) => entry.path === JWKS && entry.at >= midpoint)
        if (next !== undefined) {
          withdrawAt = next.at + 0.9 * lifetime
          probing = true
        }
      }
      if (withdrawAt !== undefined && t0 >= withdrawAt && idp.keys.length === 2) {
        idp.keys = [pairs[0].jwk]
        withdrawnAtEpoch = Date.now()
        log(`boundary: key withdrawn ${((t0 - started) / 1000).toFixed(2)} s in`)
      }
      if (probing) {
        const startedAt = Date.now()
        pending.push(
          verifier.verify(withdrawnToken).then(
            () => probes.push({ at: startedAt, ok: true }),
            () => probes.push({ at: startedAt, ok: false }),
          ),
        )
      }
      await new Promise((resolve) => setTimeout(resolve, interval))
    }
    await Promise.allSettled(pending)
    const seconds = (performance.now() - started) / 1000

    // The withdrawn key may verify until the last copy that held it is past its max-age, not a millisecond later.
    const trustedUntil = Math.max(...copies.filter((c) => c.holds).map((c) => c.freshUntil))
    const late = probes.filter((p) => p.ok && p.at >= trustedUntil)
    const lastOk = Math.max(...probes.filter((p) => p.ok).map((p) => p.at))

    const answered = idp.log.map((e) => e.at)
    for (const v of steady) v.network = answered.some((a) => a > v.t0 && a < v.t0 + v.ms)
    const first = steady[0]?.at ?? 0
    const last = steady.at(-1)?.at ?? 0
    const windowMs = 0.1 * lifetime
    const expiries = copies.map((c) => c.freshUntil).filter((t) => t - windowMs >= first && t + windowMs <= last)
    const rows = expiries.map((expiry, i) => {
      const inside = steady.filter((v) => Math.abs(v.at - expiry) <= windowMs)
      return { label: `boundary ${i + 1} (+${((expiry - first) / 1000).toFixed(2)} s)`, ...stats(inside) }
    })
    rows.push({ label: 'overall', ...stats(steady) })
    const byStatus = (path, status) => idp.log.filter((e) => e.path === path && e.status === status).length
    return {
      maxAge,
      latency,
      lifetimeMs: lifetime,
      windowMs,
      rows,
      verifications: steady.length,
      failed: steady.filter((v) => v.error !== undefined).length,
      rate: steady.length / ((last - first) / 1000),
      requests: {
        discovery: idp.count(DISCOVERY),
        jwks: idp.count(JWKS),
        notModified: byStatus(DISCOVERY, 304) + byStatus(JWKS, 304),
      },
      withdrawn: {
        probes: probes.length,
        verified: probes.filter((p) => p.ok).length,
        // Refused once the provider's withdrawal reached the verifier: proof that the withdrawal was seen in the run.
        refused: probes.filter((p) => !p.ok && p.at >= withdrawnAtEpoch).length,
        afterMaxAge: late.length,
        lastPastMaxAgeMs: Number.isFinite(lastOk) && Number.isFinite(trustedUntil) ? lastOk - trustedUntil : NaN,
      },
      // When each slow verification started and what the provider answered when, seconds from the first
      // verification (performance clock): enough to tell which document a verification waited for.
      timeline: {
        slow: steady
          .filter((v) => v.ms > WAIT_MS)
          .map((v) => ({ at: (v.at - first) / 1000, ms: v.ms, network: v.network })),
        answers: idp.log.map((e) => ({
          path: e.path,
          status: e.status,
          at: (performance.timeOrigin + e.at - first) / 1000,
        })),
        withdrawnAt: (withdrawnAtEpoch - first) / 1000,
      },
      pass: late.length === 0 && rows.at(-1).waited === 0,
      seconds,
    }
  } finally {
    await idp.close()
  }
}

const ms = (v) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a')

/** The table for one run: a row per boundary and overall, then the counts. */
export function formatBoundary(report) {
  const lines = table(
    ['window', 'verifications', 'p50 ms', 'p99 ms', 'max ms', 'waited on network', 'stalled'],
    report.rows.map((r) => [r.label, r.count, ms(r.p50), ms(r.p99), ms(r.max), r.waited, r.stalled]),
    1,
  )
  const { requests, withdrawn } = report
  lines.push(
    `${report.verifications} verifications (${report.rate.toFixed(0)}/s, ${report.failed} failed); provider: ` +
      `${requests.discovery} discovery + ${requests.jwks} key-set requests (${requests.notModified} answered 304)`,
    `withdrawn key: ${withdrawn.verified}/${withdrawn.probes} verified, ${withdrawn.afterMaxAge} after the max-age of the ` +
      `last copy that held it${withdrawn.afterMaxAge > 0 ? ` (the last ${ms(withdrawn.lastPastMaxAgeMs)} ms past it)` : ''}`,
    `(waited: > ${WAIT_MS} ms with a provider answer sent meanwhile; stalled: > ${WAIT_MS} ms with none, the event loop)`,
    `targets: no verification waits on the network (${report.rows.at(-1).waited} did), none verifies with the ` +
      `withdrawn key past max-age (${withdrawn.afterMaxAge} did): ${report.pass ? 'PASS' : 'MISS'}`,
  )
  return lines.join('\n')
}

/** Several runs (before/after) side by side. */
export function formatBoundaryComparison(reports) {
  const labels = Object.keys(reports)
  const around = (r) => r.rows.slice(0, -1)
  const row = (name, of) => [name, ...labels.map((label) => of(reports[label]))]
  return table(
    ['measure', ...labels],
    [
      row('p50 / p99 / max ms, around boundaries', (r) => {
        const b = around(r)
        return `${ms(median(b.map((x) => x.p50)))} / ${ms(Math.max(...b.map((x) => x.p99)))} / ${ms(Math.max(...b.map((x) => x.max)))}`
      }),
      row(
        'p50 / p99 / max ms, overall',
        (r) => `${ms(r.rows.at(-1).p50)} / ${ms(r.rows.at(-1).p99)} / ${ms(r.rows.at(-1).max)}`,
      ),
      row('verifications that waited on the network', (r) => `${r.rows.at(-1).waited} of ${r.verifications}`),
      row(`stalled > ${WAIT_MS} ms with no request in flight`, (r) => String(r.rows.at(-1).stalled)),
      row('provider requests (discovery + key set)', (r) => `${r.requests.discovery} + ${r.requests.jwks}`),
      row('withdrawn key verified past max-age', (r) => String(r.withdrawn.afterMaxAge)),
    ],
    1,
  ).join('\n')
}

function parseArgs(argv) {
  const args = { sdks: [], maxAge: 2, boundaries: 5, latency: 50 }
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2)
    const value = () => inline ?? argv[++i]
    if (flag === '--sdk') args.sdks.push(value())
    else if (flag === '--quick') args.boundaries = 3
    else if (flag === '--max-age') args.maxAge = Number(value())
    else if (flag === '--boundaries') args.boundaries = Number(value())
    else if (flag === '--latency') args.latency = Number(value())
    else
      throw new Error(
        `unknown argument ${argv[i]}\nusage: node bench/boundary.mjs [--sdk FILE]... [--quick] [--max-age S] [--boundaries N] [--latency MS]`,
      )
  }
  return args
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const { buildSdk } = await import('./sdk.mjs')
  const built = args.sdks.length === 0 ? await buildSdk() : undefined
  const sdks =
    built !== undefined
      ? { 'src (esbuild)': () => built.import() }
      : Object.fromEntries(args.sdks.map((file) => [file, () => import(pathToFileURL(resolve(file)).href)]))
  const reports = {}
  try {
    for (const [label, load] of Object.entries(sdks)) {
      const report = await runBoundary({
        sdk: await load(),
        ...args,
        log: (line) => process.stderr.write(`  ${line}\n`),
      })
      reports[label] = report
      console.log(
        `\n== ${label}: max-age ${args.maxAge} s, provider latency ${args.latency} ms, ${args.boundaries} lifetimes, ` +
          `windows ±${report.windowMs} ms around each key-set copy's expiry (${report.seconds.toFixed(1)} s)`,
      )
      console.log(formatBoundary(report))
    }
  } finally {
    await built?.cleanup()
  }
  if (Object.keys(reports).length > 1) {
    console.log('\n== before / after')
    console.log(formatBoundaryComparison(reports))
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main()
}
