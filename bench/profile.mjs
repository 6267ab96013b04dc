// Where the JavaScript of a verification goes in a browser: the --js-only hot loop (ours, one verification at a
// time, crypto.subtle.verify answering at once) under a sampling profiler, summed by function.
//
//   node bench/profile.mjs [--browser chromium|firefox] [--alg RS256] [--seconds 4]
//
// Chromium: the DevTools protocol's sampling profiler, self time by function and by line. A native call made by
// optimized code (JSON.parse, setFromBase64) counts for the calling function, sometimes at its first line.
// Firefox ESR: a Gecko profile (MOZ_PROFILER_STARTUP), each sample given to the nearest JavaScript frame, with the
// native frames the profiler names (JSON.parse, TextDecoder.decode, js::SavedStacks::saveCurrentStack: the stack
// Firefox records for every new promise while WebDriver BiDi watches the page) counted apart.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ALGS } from './hot.mjs'
import { buildSdk } from './sdk.mjs'
import { launchChromium, launchFirefox, serveHotPage } from './runtimes.mjs'

const args = { browser: 'chromium', alg: 'RS256', seconds: 4 }
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, '')
  if (!(key in args))
    throw new Error(`usage: node bench/profile.mjs [--browser chromium|firefox] [--alg RS256] [--seconds 4]`)
  args[key] = key === 'seconds' ? Number(process.argv[i + 1]) : process.argv[i + 1]
}
if (!ALGS.includes(args.alg)) throw new Error(`--alg: one of ${ALGS.join(', ')}`)

// Run in the page: the bench's setup (a verifier, a token, checked with the real crypto), the stub, a warm-up.
async function setUp(alg) {
  const { hot, sdk, jose } = window.bench
  const { cases } = await hot.setup({ sdk, jose, algs: [alg] })
  window.ours = cases[alg].ours
  crypto.subtle.verify = () => Promise.resolve(true)
  for (let i = 0; i < 50_000; i++) await window.ours()
}

// Then the profiled loop, for `seconds`: µs per verification.
async function loop(seconds) {
  const start = performance.now()
  let n = 0
  while (performance.now() - start < seconds * 1000) {
    await window.ours()
    n++
  }
  return ((performance.now() - start) * 1000) / n
}

async function openPage(browser) {
  const page = await browser.newPage()
  await page.goto(server.origin + '/')
  await page.waitForFunction(() => window.bench !== undefined)
  await page.evaluate(setUp, args.alg)
  return page
}

const top = (counts, total, n, us) =>
  [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, count]) => {
      const share = `${((100 * count) / total).toFixed(1).padStart(5)}%`
      return us === undefined ? `${share}  ${name}` : `${share}  ${((us * count) / total).toFixed(3)} µs  ${name}`
    })
    .join('\n')
const add = (counts, key, n = 1) => counts.set(key, (counts.get(key) ?? 0) + n)

async function chromium(page, sdkLines) {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 20 })
  await cdp.send('Profiler.start')
  const us = await page.evaluate(loop, args.seconds)
  const { profile } = await cdp.send('Profiler.stop')
  const byFunction = new Map()
  const byLine = new Map()
  let total = 0
  for (const { callFrame, hitCount, positionTicks } of profile.nodes) {
    const file = callFrame.url.split('/').pop()
    add(byFunction, `${callFrame.functionName || '(anonymous)'} ${file}:${callFrame.lineNumber + 1}`, hitCount)
    total += hitCount
    for (const { line, ticks } of positionTicks ?? []) {
      const where = file === 'sdk.js' ? `sdk.js:${line} ${sdkLines[line - 1]?.trim().slice(0, 90) ?? ''}` : ''
      add(byLine, where || `${callFrame.functionName || '(anonymous)'} ${file}:${line}`, ticks)
    }
  }
  return { us, report: `by function\n${top(byFunction, total, 25, us)}\n\nby line\n${top(byLine, total, 25, us)}` }
}

// Shares of the samples inside verify calls only: no µs, since the promise jobs after them are not among them.
function geckoSummary(profile) {
  const threads = []
  const collect = (p) => {
    threads.push(...p.threads)
    for (const child of p.processes ?? []) collect(child)
  }
  collect(profile)
  const thread = threads.find((t) => t.name === 'GeckoMain' && t.stringTable.some((s) => s.includes('sdk.js:')))
  const { samples, stackTable, frameTable, stringTable } = thread
  const label = (frame) =>
    stringTable[frameTable.data[frame][frameTable.schema.location]]
      .replace(/https?:\/\/127\.0\.0\.1:\d+\//, '')
      .replace(/\)\[\d+\]$/, ')')
  const isJs = (name) => /\((sdk\.js|bench\/hot\.mjs|self-hosted):/.test(name)
  const nearest = new Map()
  const natives = new Map()
  let total = 0
  for (const row of samples.data) {
    const names = []
    for (let s = row[samples.schema.stack]; s != null; s = stackTable.data[s][stackTable.schema.prefix]) {
      names.push(label(stackTable.data[s][stackTable.schema.frame]))
    }
    // Inside the bench's `ours` (setup and the loop itself are not).
    if (!names.some((name) => name.startsWith('ours (bench/hot.mjs'))) continue
    total++
    add(nearest, names.find(isJs) ?? '(none)')
    const named = names.slice(0, names.findIndex(isJs)).find((name) => !name.startsWith('0x'))
    if (named !== undefined) add(natives, named)
  }
  return `samples inside verify calls: ${total} (the promise jobs after them are not counted)\nnearest JavaScript frame\n${top(nearest, total, 25)}\n\nnamed native frames\n${top(natives, total, 15)}`
}

const sdk = await buildSdk()
const server = await serveHotPage(sdk)
const dir = await mkdtemp(join(tmpdir(), 'idtoken-verify-profile-'))
try {
  if (args.browser === 'chromium') {
    const browser = await launchChromium()
    try {
      const { us, report } = await chromium(await openPage(browser), sdk.code.split('\n'))
      console.log(`chromium ${browser.version()}, ${args.alg}: ${us.toFixed(2)} µs per verification while profiled\n`)
      console.log(report)
    } finally {
      await browser.close()
    }
  } else if (args.browser === 'firefox') {
    const file = join(dir, 'gecko-profile.json')
    const browser = await launchFirefox({
      MOZ_PROFILER_STARTUP: '1',
      MOZ_PROFILER_STARTUP_FEATURES: 'js,stackwalk',
      MOZ_PROFILER_STARTUP_INTERVAL: '0.1',
      MOZ_PROFILER_STARTUP_ENTRIES: '20000000',
      // Written when the browser exits.
      MOZ_PROFILER_SHUTDOWN: file,
    })
    let us
    try {
      us = await (await openPage(browser)).evaluate(loop, args.seconds)
    } finally {
      await browser.close()
    }
    console.log(`firefox, ${args.alg}: ${us.toFixed(2)} µs per verification while profiled\n`)
    console.log(geckoSummary(JSON.parse(await readFile(file, 'utf8'))))
  } else throw new Error('--browser: chromium or firefox')
} finally {
  await server.close()
  await sdk.cleanup()
  await rm(dir, { recursive: true, force: true })
}
