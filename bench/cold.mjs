// The cold paths in Node (issue 4, "Speed, measured"), against a counting provider on a real port
// (bench/idp.mjs): the time of a first verification on a fresh verifier (network), the time of a first
// verification after a "reload" with a warm IndexedDB (fake-indexeddb; no network), and the number of
// requests the provider sees for 1,000 concurrent verifications on a fresh verifier and for a flood of
// 10,000 tokens with random unknown kids. Timings are medians of fresh verifiers, interleaved with jose
// where jose has the same path; request counts are exact and have targets.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { IDBFactory } from 'fake-indexeddb'
import { DISCOVERY, ISOLATED, JWKS, startIdp } from './idp.mjs'
import { median, table } from './hot.mjs'
import { JOSE_WEBAPI } from './sdk.mjs'

const AUDIENCE = 'cold-client'
const ALG = 'RS256' // what most providers sign ID tokens with

/** One ms timing of `run`, which resolves with what it verified. */
async function timed(run) {
  const t0 = performance.now()
  await run()
  return performance.now() - t0
}

const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve))

/** The cold phases' signing key: its public JWK, and ID tokens for an issuer signed with it. */
async function coldSigner(jose) {
  const { privateKey, publicKey } = await jose.generateKeyPair(ALG, { extractable: true })
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'cold-1', alg: ALG, use: 'sig' }
  const mint = (issuer, sub, now = Date.now()) => {
    const iat = Math.floor(now / 1000)
    return new jose.SignJWT({ sub })
      .setProtectedHeader({ alg: ALG, kid: jwk.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600)
      .sign(privateKey)
  }
  return { jwk, mint }
}

function randomKid() {
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * Runs every cold-path measure in Node. `reps`: fresh verifiers per timing (0 skips the timing-only
 * comparisons); `concurrent`, `flood`: sizes of the counting runs; `floodCooldown`: the verifier's cooldown
 * in seconds for the flood (its waiting is a real timer, so a short one keeps the bench short).
 */
export async function runColdNode({
  sdk,
  jose,
  reps = 15,
  concurrent = 1000,
  flood = 10_000,
  floodCooldown = 2,
  log = () => {},
}) {
  const { jwk, mint: mintFor } = await coldSigner(jose)
  const idp = await startIdp({ algorithms: [ALG] })
  idp.keys = [jwk]
  const issuer = idp.origin
  const mint = (sub, now) => mintFor(issuer, sub, now)
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
      for (let rep = -2; rep < reps; rep++) {
        // two unrecorded warm-up reps (the fetch machinery warms up)
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
        result:
          `${ms('ours (jwksUri)').toFixed(2)} ms (jose ${ms('jose (jwksUri)').toFixed(2)} ms, ` +
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
      const settled = await Promise.allSettled(
        Array.from({ length: concurrent }, (_, i) => verifier.verify(tokens[i % tokens.length])),
      )
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
        // Most of these are refused at once (only a few may wait for the next refetch): handled now, not only
        // at the allSettled below, or Node ends the bench on an unhandled rejection.
        const wave = tokens.slice(w * size, (w + 1) * size).map((t) => verifier.verify(t))
        for (const verification of wave) verification.catch(() => {})
        pending.push(...wave)
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
        result:
          `${inWindow.jwks} JWKS in the window, +${total.jwks - inWindow.jwks} as the next opens ` +
          `(serves the ${(flood - size).toLocaleString('en-US')} later ones), ${total.discovery} discovery` +
          `${rejected ? '' : '; NOT all ERR_KEY_NOT_FOUND'}`,
        requests: {
          firstWave: afterFirst.jwks,
          inWindow: inWindow.jwks,
          total: total.jwks,
          discovery: total.discovery,
        },
        dispatchMs,
        target: '1 JWKS refetch per cooldown',
        pass:
          afterFirst.jwks === 1 &&
          inWindow.jwks === 1 &&
          total.jwks === 2 &&
          total.discovery === 0 &&
          rejected &&
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
  return table(
    ['measure', 'result', 'target', ''],
    rows.map((r) => [r.measure, r.result, r.target, r.pass ? 'PASS' : 'MISS']),
    4,
  ).join('\n')
}

const COLD_PAGE = `<!doctype html><meta charset="utf-8"><title>idtoken-verify cold bench</title>
<script type="module">
import { createVerifier } from '/sdk.js'

// Timestamps (performance.now(), 5 µs in this cross-origin isolated page) around what the first verification
// waits for: the IndexedDB open and its upgrade, store reads and writes, Web Locks, and every request. Installed
// before the verifier is made (it takes globalThis.fetch when created), only for the traced loads.
function trace() {
  const marks = []
  const mark = (what) => marks.push([what, performance.now()])
  const path = (input) => new URL(String(input instanceof Request ? input.url : input), location.href).pathname
  const fetch = globalThis.fetch
  globalThis.fetch = function (input, init) {
    const name = path(input) === '/jwks' ? 'key set' : 'discovery'
    mark(name + ' request')
    return fetch.call(this, input, init).then((response) => (mark(name + ' response'), response))
  }
  const wrap = (proto, method, before, after) => {
    const original = proto[method]
    proto[method] = function (...args) {
      before?.(this, args)
      const result = original.apply(this, args)
      after?.(result, this, args)
      return result
    }
  }
  wrap(IDBFactory.prototype, 'open', () => mark('idb open'), (request) => {
    request.addEventListener('upgradeneeded', () => mark('idb upgradeneeded'))
    request.addEventListener('success', () => mark('idb open success'))
  })
  wrap(IDBDatabase.prototype, 'transaction', (_, [, mode]) => mark('idb ' + (mode ?? 'readonly') + ' transaction'),
    (transaction, _, [, mode]) => transaction.addEventListener('complete', () => mark('idb ' + (mode ?? 'readonly') + ' complete')))
  wrap(IDBObjectStore.prototype, 'get', () => mark('idb get'), (request) => request.addEventListener('success', () => mark('idb get success')))
  wrap(IDBObjectStore.prototype, 'put', () => mark('idb put'))
  if (globalThis.LockManager) {
    const request = LockManager.prototype.request
    LockManager.prototype.request = function (name, ...rest) {
      mark('lock request')
      const callback = rest.pop()
      return request.call(this, name, ...rest, (lock) => (mark('lock granted'), callback(lock)))
    }
  }
  return marks
}

window.cold = {
  // A verifier as an application makes it at start-up, and its first verification, timed in the page.
  async first(token, options, traced = false) {
    const marks = traced ? trace() : undefined
    const t0 = performance.now()
    const verifier = createVerifier(options)
    const { payload } = await verifier.verify(token)
    const ms = performance.now() - t0
    return { ms, sub: payload.sub, marks: marks?.map(([what, at]) => [what, at - t0]) }
  },
  // jose with discovery done by hand, as its documentation shows: no persistence, nothing shared between tabs.
  async joseByHand(token, issuer, audience, traced = false) {
    const jose = await import('/jose/index.js') // loaded before the clock starts, as the SDK was
    const marks = traced ? trace() : undefined
    const t0 = performance.now()
    const discovery = await (await fetch(issuer + '/.well-known/openid-configuration')).json()
    const keys = jose.createRemoteJWKSet(new URL(discovery.jwks_uri))
    const { payload } = await jose.jwtVerify(token, keys, { issuer, audience })
    const ms = performance.now() - t0
    return { ms, sub: payload.sub, marks: marks?.map(([what, at]) => [what, at - t0]) }
  },
}
// Opened with a token in the fragment: verify it at once, as an application does after a sign-in.
if (location.hash.length > 1) {
  window.cold.first(location.hash.slice(1), { issuer: location.origin, audience: ${JSON.stringify(AUDIENCE)} })
    .then((outcome) => { window.outcome = outcome }, (error) => { window.outcome = { error: String(error?.code ?? error) } })
}
</script>`

/** Where the first verification of a new profile spends its time: median offsets (ms) of the traced marks. */
function traceSummary(traces) {
  const at = (marks, what, nth = 0) => marks.filter(([name]) => name === what)[nth]?.[1] ?? NaN
  const each = (fn) => median(traces.map(fn))
  const discoveryResponse = each((m) => at(m, 'discovery response'))
  const jwksRequest = each((m) => at(m, 'key set request'))
  return {
    idbOpen: each((m) => at(m, 'idb open')),
    idbUpgrade: each((m) => at(m, 'idb upgradeneeded')),
    idbOpened: each((m) => at(m, 'idb open success')),
    discoveryRequest: each((m) => at(m, 'discovery request')),
    discoveryResponse,
    jwksRequest,
    afterDiscovery: each((m) => at(m, 'key set request') - at(m, 'discovery response')),
    jwksResponse: each((m) => at(m, 'key set response')),
    firstPut: each((m) => at(m, 'idb put')),
    verified: each((m) => at(m, 'verified')),
  }
}

/**
 * The cold paths in Chromium (real IndexedDB, Web Locks, BroadcastChannel), timed in the page, with the provider
 * holding every discovery and key-set answer back by `latency` ms (a provider across the internet): the first
 * sign-in of a new profile (time to the first verified token) with the default IndexedDB cache, with
 * `cache: 'memory'`, and with jose and discovery done by hand; the first verification after a reload (warm
 * IndexedDB, no network) and the same with `cache: 'memory'` as the control; where the IndexedDB first sign-in
 * spends its time (`trace`: true, or 'all' to trace the memory and jose runs as well); and ten tabs opened at once. Each first sign-in is a new browser context (an empty
 * profile); contenders take turns in a rotating order.
 */
export async function runColdChromium({
  browser,
  sdk,
  jose,
  reps = 5,
  latency = 50,
  trace = true,
  tabs = 10,
  tabTrials = 3,
  log = () => {},
}) {
  const { jwk, mint: mintFor } = await coldSigner(jose)
  const idp = await startIdp({
    algorithms: [ALG],
    latency,
    assets: {
      '/': { type: 'text/html', body: COLD_PAGE, headers: ISOLATED },
      '/sdk.js': { type: 'text/javascript', body: sdk.code },
      '/favicon.ico': { type: 'image/x-icon', body: '' },
    },
    directories: { '/jose/': JOSE_WEBAPI },
  })
  idp.keys = [jwk]
  const issuer = idp.origin
  const token = await mintFor(issuer, 'alice')
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
  const checked = (outcome) => {
    if (outcome.sub !== 'alice') throw new Error('the page did not verify the token')
    return { ...outcome, ...counts() }
  }
  const first = async (page, extra = {}, traced = false) => {
    idp.reset()
    return checked(
      await page.evaluate(({ token, options, traced }) => window.cold.first(token, options, traced), {
        token,
        options: { ...options, ...extra },
        traced,
      }),
    )
  }
  const joseByHand = async (page, traced = false) => {
    await page.evaluate(() => import('/jose/index.js'))
    idp.reset()
    return checked(
      await page.evaluate(
        ({ token, issuer, audience, traced }) => window.cold.joseByHand(token, issuer, audience, traced),
        { token, issuer, audience: AUDIENCE, traced },
      ),
    )
  }
  // One new profile per run: what a first visit finds (IndexedDB, HTTP cache, locks all empty).
  const inNewProfile = async (run) => {
    const context = await browser.newContext()
    try {
      return await run(await open(context))
    } finally {
      await context.close()
    }
  }
  const contenders = {
    indexeddb: () =>
      inNewProfile(async (page) => {
        const fresh = await first(page)
        await reload(page)
        const warm = await first(page)
        await reload(page)
        const memoryReload = await first(page, { cache: 'memory' })
        return { fresh, warm, memoryReload }
      }),
    memory: () => inNewProfile((page) => first(page, { cache: 'memory' })),
    jose: () => inNewProfile((page) => joseByHand(page)),
    // Traced runs are apart from the timed ones: the timed ones run without any wrapper.
    ...(trace ? { trace: () => inNewProfile((page) => first(page, {}, true)) } : {}),
    ...(trace === 'all'
      ? {
          'trace memory': () => inNewProfile((page) => first(page, { cache: 'memory' }, true)),
          'trace jose': () => inNewProfile((page) => joseByHand(page, true)),
        }
      : {}),
  }
  const rows = []
  const started = performance.now()
  try {
    const names = Object.keys(contenders)
    const results = Object.fromEntries(names.map((name) => [name, []]))
    for (let rep = -1; rep < reps; rep++) {
      // one unrecorded warm-up (the browser's first pages)
      const order = names.map((_, i) => names[(i + rep + 1) % names.length])
      for (const name of order) {
        const result = await contenders[name]()
        if (rep >= 0) results[name].push(result)
      }
    }
    const samples = {
      fresh: results.indexeddb.map((r) => r.fresh),
      warm: results.indexeddb.map((r) => r.warm),
      memoryReload: results.indexeddb.map((r) => r.memoryReload),
      memory: results.memory,
      jose: results.jose,
    }
    const ms = (list) => median(list.map((s) => s.ms))
    const all = (list, discovery, jwks) => list.every((s) => s.discovery === discovery && s.jwks === jwks)
    const requests = (list) => list.map(({ discovery, jwks }) => ({ discovery, jwks }))
    const net = `provider latency ${latency} ms`
    // The two round trips are the floor; jose by hand pays them and nothing else worth measuring.
    const budget = ms(samples.jose) * 1.1
    rows.push({
      id: 'chromium-fresh-network',
      measure: `Chromium: first sign-in, new profile, IndexedDB (default), ${net}`,
      result: `${ms(samples.fresh).toFixed(1)} ms (jose by hand ${ms(samples.jose).toFixed(1)} ms, 2 round trips ${2 * latency} ms)`,
      ms: ms(samples.fresh),
      joseMs: ms(samples.jose),
      latency,
      requests: requests(samples.fresh),
      target: '1 discovery + 1 JWKS request, ≤ jose by hand + 10%',
      pass: all(samples.fresh, 1, 1) && ms(samples.fresh) <= budget,
    })
    rows.push({
      id: 'chromium-fresh-memory',
      measure: `Chromium: first sign-in, new profile, cache: 'memory', ${net}`,
      result: `${ms(samples.memory).toFixed(1)} ms`,
      ms: ms(samples.memory),
      latency,
      requests: requests(samples.memory),
      target: '1 discovery + 1 JWKS request',
      pass: all(samples.memory, 1, 1),
    })
    rows.push({
      id: 'chromium-fresh-jose',
      measure: `Chromium: first sign-in, new profile, jose (discovery by hand + createRemoteJWKSet), ${net}`,
      result: `${ms(samples.jose).toFixed(1)} ms`,
      ms: ms(samples.jose),
      latency,
      requests: requests(samples.jose),
      target: '(reference) 1 discovery + 1 JWKS request',
      pass: all(samples.jose, 1, 1),
    })
    rows.push({
      id: 'chromium-warm-reload',
      measure: `Chromium: verify after a page reload, warm IndexedDB, ${samples.warm.length} reloads`,
      result: `${ms(samples.warm).toFixed(2)} ms, ${samples.warm.reduce((n, s) => n + s.discovery + s.jwks, 0)} requests`,
      ms: ms(samples.warm),
      requests: requests(samples.warm),
      target: '0 requests',
      pass: all(samples.warm, 0, 0),
    })
    rows.push({
      id: 'chromium-reload-memory',
      measure: `Chromium: verify after a page reload, cache: 'memory' (control), ${net}`,
      result: `${ms(samples.memoryReload).toFixed(1)} ms`,
      ms: ms(samples.memoryReload),
      requests: requests(samples.memoryReload),
      target: '1 discovery + 1 JWKS request',
      pass: all(samples.memoryReload, 1, 1),
    })
    if (trace) {
      const traces = results.trace.map((r) => [...r.marks, ['verified', r.ms]])
      const t = traceSummary(traces)
      const f = (v) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a')
      rows.push({
        id: 'chromium-fresh-trace',
        measure: `Chromium: where the IndexedDB first sign-in goes, ${traces.length} traced new profiles (ms from createVerifier)`,
        result:
          `discovery request +${f(t.discoveryRequest)} (IndexedDB open +${f(t.idbOpen)}, upgrade +${f(t.idbUpgrade)}, ` +
          `opened +${f(t.idbOpened)}), answered +${f(t.discoveryResponse)}; key-set request +${f(t.jwksRequest)} ` +
          `(${f(t.afterDiscovery)} after the discovery answer), answered +${f(t.jwksResponse)}; verified +${f(t.verified)}; ` +
          `first store write +${f(t.firstPut)}`,
        trace: t,
        marks: traces,
        ...(trace === 'all'
          ? Object.fromEntries(
              ['memory', 'jose'].map((name) => [
                `${name}Trace`,
                {
                  summary: traceSummary(results[`trace ${name}`].map((r) => [...r.marks, ['verified', r.ms]])),
                  marks: results[`trace ${name}`].map((r) => [...r.marks, ['verified', r.ms]]),
                },
              ]),
            )
          : {}),
        target: 'first request < 5 ms, key set < 5 ms after discovery',
        pass: t.discoveryRequest < 5 && t.afterDiscovery < 5,
      })
    }
    log(`cold: Chromium first sign-ins done (${reps} profiles each)`)

    // Ten tabs of one origin opened at once, each verifying as its page loads (the token in the URL's
    // fragment), with the default cache; several trials, since who wins the race differs from one to the next.
    // Without the added latency: this counts requests, as it did before latency was added.
    idp.latency = 0
    const trials = []
    for (let trial = 0; trial < tabTrials; trial++) {
      const context = await browser.newContext()
      try {
        idp.reset()
        const results = await Promise.all(
          Array.from({ length: tabs }, async () => {
            const page = await context.newPage()
            await page.goto(`${issuer}/#${token}`)
            await page.waitForFunction(() => window.outcome !== undefined)
            return page.evaluate(() => window.outcome)
          }),
        )
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
    if (tabTrials > 0) {
      const requests = trials.map(({ discovery, jwks }) => ({ discovery, jwks }))
      const exact = trials.filter((t) => t.discovery === 1 && t.jwks === 1 && t.verified === tabs).length
      rows.push({
        id: 'chromium-tabs',
        measure: `Chromium: ${tabs} tabs opened at once, each verifying on load, ${tabTrials} trials`,
        result:
          `discovery+JWKS per trial: ${requests.map((r) => `${r.discovery}+${r.jwks}`).join(', ')}; ` +
          `slowest tab ${median(trials.map((t) => t.slowest)).toFixed(0)} ms`,
        ms: median(trials.map((t) => t.slowest)),
        requests,
        trials,
        target: '1 discovery + 1 JWKS request',
        pass: exact === trials.length,
      })
    }
  } finally {
    await idp.close()
  }
  return { rows, browser: `chromium ${browser.version()}`, latency, seconds: (performance.now() - started) / 1000 }
}

/** Chromium first sign-in rows of several SDK builds side by side (before/after). */
export function formatColdComparison(reports) {
  const labels = Object.keys(reports)
  const ids = [
    'chromium-fresh-network',
    'chromium-fresh-memory',
    'chromium-fresh-jose',
    'chromium-warm-reload',
    'chromium-fresh-trace',
  ]
  const cell = (row) => {
    if (row === undefined) return 'n/a'
    if (row.id === 'chromium-fresh-trace') {
      return `1st request +${row.trace.discoveryRequest.toFixed(1)}, key set ${row.trace.afterDiscovery.toFixed(1)} after discovery`
    }
    const requests = row.requests.reduce((n, r) => n + r.discovery + r.jwks, 0) / row.requests.length
    return `${row.ms.toFixed(1)} ms, ${requests} req`
  }
  const names = {
    'chromium-fresh-network': 'first sign-in, IndexedDB',
    'chromium-fresh-memory': "first sign-in, 'memory'",
    'chromium-fresh-jose': 'first sign-in, jose by hand',
    'chromium-warm-reload': 'warm reload, IndexedDB',
    'chromium-fresh-trace': 'traced (medians)',
  }
  return table(
    ['measure (medians)', ...labels],
    ids.map((id) => [names[id], ...labels.map((label) => cell(reports[label].rows.find((r) => r.id === id)))]),
    1,
  ).join('\n')
}

async function main() {
  const argv = process.argv.slice(2)
  const args = { sdks: [], reps: 5, latency: 50, tabTrials: 0 }
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2)
    const value = () => inline ?? argv[++i]
    if (flag === '--sdk') args.sdks.push(value())
    else if (flag === '--reps') args.reps = Number(value())
    else if (flag === '--latency') args.latency = Number(value())
    else if (flag === '--tabs') args.tabTrials = Number(value())
    else
      throw new Error(
        `unknown argument ${argv[i]}\nusage: node bench/cold.mjs [--sdk FILE]... [--reps N] [--latency MS] [--tabs TRIALS]`,
      )
  }
  const { buildSdk } = await import('./sdk.mjs')
  const { launchChromium } = await import('./runtimes.mjs')
  const jose = await import('jose')
  const built = args.sdks.length === 0 ? await buildSdk() : undefined
  const sdks =
    built !== undefined
      ? { 'src (esbuild)': built }
      : Object.fromEntries(args.sdks.map((file) => [file, { code: readFileSync(file, 'utf8') }]))
  const browser = await launchChromium()
  const reports = {}
  try {
    for (const [label, sdk] of Object.entries(sdks)) {
      const report = await runColdChromium({
        browser,
        sdk,
        jose,
        reps: args.reps,
        latency: args.latency,
        tabTrials: args.tabTrials,
        log: (line) => process.stderr.write(`  ${line}\n`),
      })
      reports[label] = report
      console.log(
        `\n== ${label}: ${report.browser}, provider latency ${args.latency} ms, ${args.reps} new profiles per contender (${report.seconds.toFixed(1)} s)`,
      )
      console.log(formatCold(report.rows))
    }
  } finally {
    await browser.close()
    await built?.cleanup()
  }
  if (Object.keys(reports).length > 1) {
    console.log('\n== before / after')
    console.log(formatColdComparison(reports))
  }
}

// `node bench/cold.mjs`: the Chromium first sign-in alone, for one or several SDK builds (dist/index.js files:
// single-file ES modules), e.g. before and after a change.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main()
}
