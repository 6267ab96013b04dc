// The cold paths in Node (issue 4, "Speed, measured"), against a counting provider on a real port
// (bench/idp.mjs): the time of a first verification on a fresh verifier (network), the time of a first
// verification after a "reload" with a warm IndexedDB (fake-indexeddb; no network), and the number of
// requests the provider sees for 1,000 concurrent verifications on a fresh verifier and for a flood of
// 10,000 tokens with random unknown kids. Timings are medians of fresh verifiers, interleaved with jose
// where jose has the same path; request counts are exact and have targets.
import { IDBFactory } from 'fake-indexeddb'
import { DISCOVERY, ISOLATED, JWKS, startIdp } from './idp.mjs'
import { median, table } from './hot.mjs'

const AUDIENCE = 'cold-client'
const ALG = 'RS256' // what most providers sign ID tokens with

/** One ms timing of `run`, which resolves with what it verified. */
async function timed(run) {
  const t0 = performance.now()
  await run()
  return performance.now() - t0
}

const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve))

function randomKid() {
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * Runs every cold-path measure in Node. `reps`: fresh verifiers per timing (0 skips the timing-only
 * comparisons); `concurrent`, `flood`: sizes of the counting runs; `floodCooldown`: the verifier's cooldown
 * in seconds for the flood (its waiting is a real timer, so a short one keeps the bench short).
 */
export async function runColdNode({ sdk, jose, reps = 15, concurrent = 1000, flood = 10_000, floodCooldown = 2, log = () => {} }) {
  const { privateKey, publicKey } = await jose.generateKeyPair(ALG, { extractable: true })
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'cold-1', alg: ALG, use: 'sig' }
  const idp = await startIdp({ algorithms: [ALG] })
  idp.keys = [jwk]
  const issuer = idp.origin
  const mint = (sub, now = Date.now()) => {
    const iat = Math.floor(now / 1000)
    return new jose.SignJWT({ sub }).setProtectedHeader({ alg: ALG, kid: jwk.kid, typ: 'JWT' })
      .setIssuer(issuer).setAudience(AUDIENCE).setIssuedAt(iat).setExpirationTime(iat + 3600).sign(privateKey)
  }
  const token = await mint('alice')
  const fresh = (options = {}) => sdk.createVerifier({ issuer, audience: AUDIENCE, cache: 'memory', ...options })
  const counts = () => ({ discovery: idp.count(DISCOVERY), jwks: idp.count(JWKS) })
  const rows = []
  const started = performance.now()

  try {
    // 1. First verification on a fresh verifier: discovery + JWKS over HTTP + import + verify. Every answer
    //    closes its connection, so each fresh verifier pays for a new TCP connection as a new process would.
    if (reps > 0) {
      idp.closeConnections = true
      const contenders = {
        'ours (discovery)': async () => {
          const verifier = fresh()
          return timed(() => verifier.verify(token))
        },
        'ours (jwksUri)': async () => {
          const verifier = fresh({ jwksUri: issuer + JWKS })
          return timed(() => verifier.verify(token))
        },
        'jose (jwksUri)': async () => {
          const keys = jose.createRemoteJWKSet(new URL(issuer + JWKS))
          return timed(() => jose.jwtVerify(token, keys, { issuer, audience: AUDIENCE, algorithms: [ALG] }))
        },
      }
      const names = Object.keys(contenders)
      const samples = Object.fromEntries(names.map((name) => [name, []]))
      const requests = Object.fromEntries(names.map((name) => [name, []]))
      for (let rep = -2; rep < reps; rep++) { // two unrecorded warm-up reps (the fetch machinery warms up)
        const order = names.map((_, i) => names[(i + rep + 2) % names.length])
        for (const name of order) {
          idp.reset()
          const ms = await contenders[name]()
          if (rep >= 0) {
            samples[name].push(ms)
            requests[name].push(idp.count(DISCOVERY) + idp.count(JWKS))
          }
        }
      }
      idp.closeConnections = false
      const exact = (name, n) => requests[name].every((r) => r === n)
      const ms = (name) => median(samples[name])
      rows.push({
        id: 'fresh-network',
        measure: 'first verify, fresh verifier, discovery + JWKS over HTTP',
        result: `${ms('ours (discovery)').toFixed(2)} ms`,
        ms: ms('ours (discovery)'),
        requests: requests['ours (discovery)'],
        target: '1 discovery + 1 JWKS request',
        pass: exact('ours (discovery)', 2),
      })
      rows.push({
        id: 'fresh-network-jwksuri',
        measure: 'first verify, fresh verifier, JWKS only (jwksUri) over HTTP',
        result: `${ms('ours (jwksUri)').toFixed(2)} ms (jose ${ms('jose (jwksUri)').toFixed(2)} ms, ` +
          `ours/jose speed ${(ms('jose (jwksUri)') / ms('ours (jwksUri)')).toFixed(2)}x)`,
        ms: ms('ours (jwksUri)'),
        joseMs: ms('jose (jwksUri)'),
        requests: requests['ours (jwksUri)'],
        target: '1 JWKS request',
        pass: exact('ours (jwksUri)', 1) && exact('jose (jwksUri)', 1),
      })
      log(`cold: fresh verifiers done (${reps} reps)`)
    }

    // 2. A "reload" with a warm IndexedDB: a new verifier on the database a previous one filled.
    {
      const factory = new IDBFactory()
      const store = () => sdk.indexedDbStore({ indexedDB: factory })
      const seed = fresh({ cache: store() })
      idp.reset()
      await seed.verify(token)
      const seeded = counts()
      idp.reset()
      const samples = []
      for (let rep = 0; rep < Math.max(reps, 1); rep++) {
        const verifier = fresh({ cache: store() })
        samples.push(await timed(() => verifier.verify(token)))
      }
      const after = counts()
      rows.push({
        id: 'warm-reload',
        measure: `verify after a reload, warm IndexedDB (fake-indexeddb), ${samples.length} reloads`,
        result: `${median(samples).toFixed(2)} ms, ${after.discovery + after.jwks} requests`,
        ms: median(samples),
        requests: after.discovery + after.jwks,
        target: '0 requests',
        pass: seeded.discovery === 1 && seeded.jwks === 1 && after.discovery + after.jwks === 0,
      })
    }

    // 3. Concurrent verifications on a fresh verifier: all wait for one discovery and one JWKS fetch.
    {
      const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => mint(`user-${i}`)))
      idp.reset()
      const verifier = fresh()
      const t0 = performance.now()
      const settled = await Promise.allSettled(Array.from({ length: concurrent }, (_, i) => verifier.verify(tokens[i % tokens.length])))
      const ms = performance.now() - t0
      const verified = settled.filter((s) => s.status === 'fulfilled').length
      const { discovery, jwks } = counts()
      rows.push({
        id: 'concurrent',
        measure: `${concurrent.toLocaleString('en-US')} concurrent verifications, fresh verifier`,
        result: `${discovery} discovery + ${jwks} JWKS, ${verified}/${concurrent} verified in ${ms.toFixed(0)} ms`,
        ms,
        requests: { discovery, jwks },
        target: '1 discovery + 1 JWKS request',
        pass: discovery === 1 && jwks === 1 && verified === concurrent,
      })
    }

    // 4. A flood of tokens with random unknown kids. The verifier's clock is ours (`now`): the flood is spread
    //    over one cooldown window in twenty waves. The first wave's unknown kids trigger the window's one
    //    refetch; later waves are within `timeout` (5 s) of the next permitted refetch (the cooldown here is
    //    2 s), so they wait for it rather than being refused at once: it fires when the window ends (a real
    //    timer of the remaining cooldown) and serves all of them. With the default 30 s cooldown, tokens more
    //    than `timeout` before the window opens are refused at once, without a request.
    {
      const [, payload, signature] = token.split('.')
      const headerOf = (kid) => jose.base64url.encode(JSON.stringify({ alg: ALG, kid, typ: 'JWT' }))
      const tokens = Array.from({ length: flood }, () => `${headerOf(randomKid())}.${payload}.${signature}`)
      const cooldown = floodCooldown * 1000
      let clock = Date.now()
      const verifier = fresh({ cooldown: floodCooldown, now: () => clock })
      await verifier.verify(token) // the verifier is in use: keys fetched, discovery fresh
      idp.reset()
      const waves = 20
      const size = Math.ceil(flood / waves)
      const pending = []
      const t0 = performance.now()
      const start = clock
      // Wave 1: its kids trigger the refetch; wait until the provider answered it.
      const first = tokens.slice(0, size).map((t) => verifier.verify(t))
      pending.push(...first)
      await Promise.allSettled(first)
      const afterFirst = counts()
      for (let w = 1; w < waves; w++) {
        clock = start + Math.floor((w * cooldown) / waves)
        pending.push(...tokens.slice(w * size, (w + 1) * size).map((t) => verifier.verify(t)))
        await yieldToEventLoop()
      }
      const dispatchMs = performance.now() - t0
      const inWindow = counts()
      clock = start + cooldown // the next window opens; the waiting refetch fires on its timer
      const settled = await Promise.allSettled(pending)
      const total = counts()
      const codes = new Set(settled.map((s) => (s.status === 'rejected' ? s.reason?.code : 'verified')))
      const rejected = codes.size === 1 && codes.has('ERR_KEY_NOT_FOUND')
      rows.push({
        id: 'flood',
        measure: `${flood.toLocaleString('en-US')} tokens with random unknown kids in one ${floodCooldown} s cooldown`,
        result: `${inWindow.jwks} JWKS in the window, +${total.jwks - inWindow.jwks} as the next opens ` +
          `(serves the ${(flood - size).toLocaleString('en-US')} later ones), ${total.discovery} discovery` +
          `${rejected ? '' : '; NOT all ERR_KEY_NOT_FOUND'}`,
        requests: { firstWave: afterFirst.jwks, inWindow: inWindow.jwks, total: total.jwks, discovery: total.discovery },
        dispatchMs,
        target: '1 JWKS refetch per cooldown',
        pass: afterFirst.jwks === 1 && inWindow.jwks === 1 && total.jwks === 2 && total.discovery === 0 && rejected &&
          dispatchMs < cooldown,
      })
    }
  } finally {
    await idp.close()
  }
  return { rows, seconds: (performance.now() - started) / 1000 }
}

/** The table of cold-path rows (from Node or Chromium), with targets and verdicts. */
export function formatCold(rows) {
  return table(['measure', 'result', 'target', ''], rows.map((r) => [r.measure, r.result, r.target, r.pass ? 'PASS' : 'MISS']), 4).join('\n')
}

const COLD_PAGE = `<!doctype html><meta charset="utf-8"><title>idtoken-verify cold bench</title>
<script type="module">
import { createVerifier } from '/sdk.js'
window.cold = {
  // A verifier as an application makes it at start-up, and its first verification, timed in the page.
  async first(token, options) {
    const verifier = createVerifier(options)
    const t0 = performance.now()
    const { payload } = await verifier.verify(token)
    return { ms: performance.now() - t0, sub: payload.sub }
  },
}
// Opened with a token in the fragment: verify it at once, as an application does after a sign-in.
if (location.hash.length > 1) {
  window.cold.first(location.hash.slice(1), { issuer: location.origin, audience: ${JSON.stringify(AUDIENCE)} })
    .then((outcome) => { window.outcome = outcome }, (error) => { window.outcome = { error: String(error?.code ?? error) } })
}
</script>`

/**
 * The cold paths in Chromium (real IndexedDB, Web Locks, BroadcastChannel), timed in the page: the first
 * verification of a new profile (network), the first after a reload (warm IndexedDB, no network), the same
 * with `cache: 'memory'` as the control, and ten tabs opened at once.
 */
export async function runColdChromium({ browser, sdk, jose, reps = 5, tabs = 10, tabTrials = 3, log = () => {} }) {
  const { privateKey, publicKey } = await jose.generateKeyPair(ALG, { extractable: true })
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'cold-1', alg: ALG, use: 'sig' }
  const idp = await startIdp({
    algorithms: [ALG],
    assets: {
      '/': { type: 'text/html', body: COLD_PAGE, headers: ISOLATED },
      '/sdk.js': { type: 'text/javascript', body: sdk.code },
      '/favicon.ico': { type: 'image/x-icon', body: '' },
    },
  })
  idp.keys = [jwk]
  const issuer = idp.origin
  const iat = Math.floor(Date.now() / 1000)
  const token = await new jose.SignJWT({ sub: 'alice' }).setProtectedHeader({ alg: ALG, kid: jwk.kid, typ: 'JWT' })
    .setIssuer(issuer).setAudience(AUDIENCE).setIssuedAt(iat).setExpirationTime(iat + 3600).sign(privateKey)
  const options = { issuer, audience: AUDIENCE } // no `cache`: the browser default, IndexedDB
  const counts = () => ({ discovery: idp.count(DISCOVERY), jwks: idp.count(JWKS) })
  const open = async (context) => {
    const page = await context.newPage()
    await page.goto(issuer + '/')
    await page.waitForFunction(() => window.cold !== undefined)
    return page
  }
  const reload = async (page) => {
    await page.reload()
    await page.waitForFunction(() => window.cold !== undefined)
  }
  const first = async (page, extra = {}) => {
    idp.reset()
    const { ms, sub } = await page.evaluate(({ token, options }) => window.cold.first(token, options), { token, options: { ...options, ...extra } })
    if (sub !== 'alice') throw new Error('the page did not verify the token')
    return { ms, ...counts() }
  }
  const rows = []
  const started = performance.now()
  try {
    const samples = { fresh: [], warm: [], memory: [] }
    for (let rep = -1; rep < reps; rep++) { // one unrecorded warm-up (the browser's first page)
      // A new context per rep: an empty profile (IndexedDB, HTTP cache, locks) as on a first visit.
      const context = await browser.newContext()
      try {
        const page = await open(context)
        const fresh = await first(page)
        await reload(page)
        const warm = await first(page)
        await reload(page)
        const memory = await first(page, { cache: 'memory' })
        if (rep >= 0) {
          samples.fresh.push(fresh)
          samples.warm.push(warm)
          samples.memory.push(memory)
        }
      } finally {
        await context.close()
      }
    }
    const ms = (list) => median(list.map((s) => s.ms))
    const all = (list, discovery, jwks) => list.every((s) => s.discovery === discovery && s.jwks === jwks)
    rows.push({
      id: 'chromium-fresh-network',
      measure: 'Chromium: first verify, new profile (IndexedDB empty), network',
      result: `${ms(samples.fresh).toFixed(2)} ms`,
      ms: ms(samples.fresh),
      requests: samples.fresh.map(({ discovery, jwks }) => ({ discovery, jwks })),
      target: '1 discovery + 1 JWKS request',
      pass: all(samples.fresh, 1, 1),
    })
    rows.push({
      id: 'chromium-warm-reload',
      measure: `Chromium: verify after a page reload, warm IndexedDB, ${samples.warm.length} reloads`,
      result: `${ms(samples.warm).toFixed(2)} ms, ${samples.warm.reduce((n, s) => n + s.discovery + s.jwks, 0)} requests`,
      ms: ms(samples.warm),
      requests: samples.warm.map(({ discovery, jwks }) => ({ discovery, jwks })),
      target: '0 requests',
      pass: all(samples.warm, 0, 0),
    })
    rows.push({
      id: 'chromium-reload-memory',
      measure: "Chromium: verify after a page reload, cache: 'memory' (control)",
      result: `${ms(samples.memory).toFixed(2)} ms`,
      ms: ms(samples.memory),
      requests: samples.memory.map(({ discovery, jwks }) => ({ discovery, jwks })),
      target: '1 discovery + 1 JWKS request',
      pass: all(samples.memory, 1, 1),
    })
    log(`cold: Chromium reloads done (${reps} profiles)`)

    // Ten tabs of one origin opened at once, each verifying as its page loads (the token in the URL's
    // fragment), with the default cache; several trials, since who wins the race differs from one to the next.
    const trials = []
    for (let trial = 0; trial < tabTrials; trial++) {
      const context = await browser.newContext()
      try {
        idp.reset()
        const results = await Promise.all(Array.from({ length: tabs }, async () => {
          const page = await context.newPage()
          await page.goto(`${issuer}/#${token}`)
          await page.waitForFunction(() => window.outcome !== undefined)
          return page.evaluate(() => window.outcome)
        }))
        trials.push({
          ...counts(),
          verified: results.filter((r) => r.sub === 'alice').length,
          slowest: Math.max(...results.map((r) => r.ms ?? NaN)),
          errors: results.filter((r) => r.error !== undefined).map((r) => r.error),
        })
      } finally {
        await context.close()
      }
    }
    const requests = trials.map(({ discovery, jwks }) => ({ discovery, jwks }))
    const exact = trials.filter((t) => t.discovery === 1 && t.jwks === 1 && t.verified === tabs).length
    rows.push({
      id: 'chromium-tabs',
      measure: `Chromium: ${tabs} tabs opened at once, each verifying on load, ${tabTrials} trials`,
      result: `discovery+JWKS per trial: ${requests.map((r) => `${r.discovery}+${r.jwks}`).join(', ')}; ` +
        `slowest tab ${median(trials.map((t) => t.slowest)).toFixed(0)} ms`,
      ms: median(trials.map((t) => t.slowest)),
      requests,
      trials,
      target: '1 discovery + 1 JWKS request',
      pass: exact === trials.length,
    })
  } finally {
    await idp.close()
  }
  return { rows, browser: `chromium ${browser.version()}`, seconds: (performance.now() - started) / 1000 }
}
