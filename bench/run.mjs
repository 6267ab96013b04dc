// npm run bench: the verifier against jose, aws-jwt-verify and the bare WebCrypto call on the hot path, in
// every runtime (Node, Deno, Bun, Chromium, Firefox), and the cold paths of the key cache (network, warm IndexedDB,
// request counts for concurrency, unknown-kid floods and tabs), each with its targets.
//
//   node bench/run.mjs [--only node,deno,bun,chromium,firefox,cold,boundary,workerd] [--quick] [--rounds N] [--slice MS]
//                      [--algs RS256,ES256] [--reps N] [--js-only] [--json [file]]
//
// Phases, in order: Node hot path, Node cold paths, Deno, Bun, Chromium and Firefox hot paths, Chromium cold
// paths. `--only` picks phases: node|deno|bun|chromium|firefox are the hot path in that runtime (Firefox is
// Debian's ESR over WebDriver BiDi, bench/runtimes.mjs), cold is both cold phases,
// boundary is the max-age boundary under steady load (bench/boundary.mjs, Node, after the Node cold paths),
// workerd is the hot and cold paths in workerd through miniflare (bench/workerd.mjs, last).
// The hot path is bench/hot.mjs, the same module in every runtime; the SDK is bundled from src/ by esbuild
// (bench/sdk.mjs), so nothing depends on dist/ being built. `--js-only` times the hot path with
// crypto.subtle.verify answering at once: microseconds of JavaScript per verification, steady on a busy machine.
import { execFileSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus, loadavg } from 'node:os'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as jose from 'jose'
import { JwtVerifier } from 'aws-jwt-verify'
import { ALGS, MODES, formatHot, missedTargets, runHot, table } from './hot.mjs'
import { formatCold, runColdChromium, runColdNode } from './cold.mjs'
import { formatBoundary, runBoundary } from './boundary.mjs'
import { launchChromium, launchFirefox, runBunHot, runChromiumHot, runDenoHot, runFirefoxHot } from './runtimes.mjs'
import { ROOT, buildSdk, joseVersion } from './sdk.mjs'
import { formatWorkerd, runWorkerd } from './workerd.mjs'

const PHASES = ['node', 'deno', 'bun', 'chromium', 'firefox', 'cold', 'boundary', 'workerd']
const USAGE =
  'usage: node bench/run.mjs [--only node,deno,bun,chromium,firefox,cold,boundary,workerd] [--quick] [--rounds N] [--slice MS] ' +
  '[--algs RS256,PS256,ES256,EdDSA] [--reps N] [--js-only] [--json [file]]'

function parseArgs(argv) {
  const args = {
    rounds: 5,
    slice: 200,
    algs: ALGS,
    reps: undefined,
    only: undefined,
    quick: false,
    jsOnly: false,
    json: undefined,
  }
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2)
    const value = () => inline ?? argv[++i]
    if (flag === '--rounds') args.rounds = Number(value())
    else if (flag === '--slice') args.slice = Number(value())
    else if (flag === '--algs') args.algs = value().split(',')
    else if (flag === '--reps') args.reps = Number(value())
    else if (flag === '--only') args.only = [...(args.only ?? []), ...value().split(',')]
    else if (flag === '--quick') Object.assign(args, { quick: true, rounds: 3, slice: 100 })
    else if (flag === '--js-only') args.jsOnly = true
    else if (flag === '--json') {
      // Optional value: `--json` alone writes to the default file.
      args.json =
        inline ?? (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? argv[++i] : 'artifacts/bench.json')
    } else if (flag === '--help' || flag === '-h') {
      console.log(USAGE)
      process.exit(0)
    } else throw new Error(`unknown argument ${argv[i]}\n${USAGE}`)
  }
  if (!(args.rounds >= 1) || !(args.slice >= 10)) throw new Error('--rounds must be >= 1 and --slice >= 10 (ms)')
  if (args.reps !== undefined && !(args.reps >= 1)) throw new Error('--reps must be >= 1')
  for (const alg of args.algs)
    if (!ALGS.includes(alg)) throw new Error(`--algs: ${alg} is not one of ${ALGS.join(', ')}`)
  for (const phase of args.only ?? [])
    if (!PHASES.includes(phase)) throw new Error(`--only: ${phase} is not one of ${PHASES.join(', ')}`)
  args.phases = new Set(args.only ?? PHASES)
  return args
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } catch {
    return undefined
  }
}

const heading = (text) => console.log(`\n== ${text} ${'='.repeat(Math.max(0, 100 - text.length))}`)
const progress = (phase) => (line) => process.stderr.write(`  [${phase}] ${line}\n`)

/** Every runtime's ratios side by side: ours/jose and ours/floor, and ours/aws where aws ran. */
function formatSummary(hot) {
  const names = Object.keys(hot)
  const rows = []
  for (const mode of MODES) {
    for (const alg of hot[names[0]].algs) {
      rows.push([
        mode.name,
        alg,
        ...names.map((name) => {
          const r = hot[name].results.find((x) => x.mode === mode.name && x.alg === alg)
          const f = (v) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a')
          return `${f(r?.ratios.jose)} / ${f(r?.ratios.floor)}${Number.isFinite(r?.ratios.aws) ? ` / ${f(r.ratios.aws)}` : ''}`
        }),
      ])
    }
  }
  return table(['mode', 'alg', ...names.map((n) => `${n} jose/floor[/aws]`)], rows).join('\n')
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const started = performance.now()
  const loadBefore = loadavg()[0]
  const hotOptions = { rounds: args.rounds, slice: args.slice, algs: args.algs, jsOnly: args.jsOnly }
  const report = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    jose: joseVersion(),
    args: {
      rounds: args.rounds,
      sliceMs: args.slice,
      algs: args.algs,
      quick: args.quick,
      jsOnly: args.jsOnly,
      phases: [...args.phases],
    },
    hot: {},
    cold: {},
    errors: [],
  }
  console.log(
    `idtoken-verify bench: ${cpus().length} cpus (${report.cpu ?? '?'}), jose ${report.jose}, ` +
      `hot path ${args.rounds} rounds x ${args.slice} ms slices per contender (medians), phases: ${[...args.phases].join(', ')}`,
  )
  if (loadBefore > cpus().length / 2) {
    console.log(
      `note: load average ${loadBefore.toFixed(1)} on ${cpus().length} cpus: other work competes, expect noisy ratios`,
    )
  }

  const sdkBuild = await buildSdk()
  let browser
  const chromium = async () => (browser ??= await launchChromium())
  const phase = async (name, title, run) => {
    const t0 = performance.now()
    try {
      await run()
    } catch (error) {
      heading(title)
      console.log(`FAILED: ${error?.stack ?? error}`)
      report.errors.push({ phase: name, error: String(error?.message ?? error) })
    }
    process.stderr.write(`  [${name}] ${((performance.now() - t0) / 1000).toFixed(1)} s\n`)
  }
  const printHot = (name, hot, how) => {
    report.hot[name] = hot
    heading(`${name}: ${hot.runtime}, hot path`)
    if (how) console.log(how)
    console.log(formatHot(hot))
  }

  try {
    if (args.phases.has('node')) {
      await phase('node', 'node: hot path', async () => {
        const sdk = await sdkBuild.import()
        const hot = await runHot({ sdk, jose, JwtVerifier, ...hotOptions, log: progress('node') })
        printHot('node', hot)
      })
    }
    if (args.phases.has('cold')) {
      await phase('cold-node', 'node: cold paths', async () => {
        const sdk = await sdkBuild.import()
        const cold = await runColdNode({ sdk, jose, reps: args.reps ?? (args.quick ? 5 : 15), log: progress('cold') })
        report.cold.node = cold
        heading(
          `node ${process.version}: cold paths (provider on 127.0.0.1 over HTTP; times are medians, counts exact)`,
        )
        console.log(formatCold(cold.rows))
      })
    }
    if (args.phases.has('boundary')) {
      await phase('boundary', 'node: max-age boundary', async () => {
        const boundary = await runBoundary({
          sdk: await sdkBuild.import(),
          boundaries: args.quick ? 3 : 6,
          log: progress('boundary'),
        })
        report.boundary = boundary
        heading(
          `node ${process.version}: max-age boundary, a verification every ~1 ms (max-age ${boundary.maxAge} s, ` +
            `provider latency ${boundary.latency} ms, windows ±${boundary.windowMs} ms around each key-set copy's expiry)`,
        )
        console.log(formatBoundary(boundary))
      })
    }
    if (args.phases.has('deno')) {
      await phase('deno', 'deno: hot path', async () => {
        const hot = await runDenoHot({ sdk: sdkBuild, options: hotOptions, log: progress('deno') })
        printHot('deno', hot, hot.command)
      })
    }
    if (args.phases.has('bun')) {
      await phase('bun', 'bun: hot path', async () => {
        const hot = await runBunHot({ sdk: sdkBuild, options: hotOptions, log: progress('bun') })
        printHot('bun', hot, hot.command)
      })
    }
    if (args.phases.has('chromium')) {
      await phase('chromium', 'chromium: hot path', async () => {
        const hot = await runChromiumHot({
          browser: await chromium(),
          sdk: sdkBuild,
          options: hotOptions,
          log: progress('chromium'),
        })
        printHot('chromium', hot, hot.command)
      })
    }
    if (args.phases.has('firefox')) {
      await phase('firefox', 'firefox: hot path', async () => {
        // Its own browser, closed before the next phase so it does not compete with Chromium's cold paths.
        const firefox = await launchFirefox()
        try {
          const hot = await runFirefoxHot({
            browser: firefox,
            sdk: sdkBuild,
            options: hotOptions,
            log: progress('firefox'),
          })
          printHot('firefox', hot, hot.command)
        } finally {
          await firefox.close()
        }
      })
    }
    if (args.phases.has('cold')) {
      await phase('cold-chromium', 'chromium: cold paths', async () => {
        const cold = await runColdChromium({
          browser: await chromium(),
          sdk: sdkBuild,
          jose,
          reps: args.reps ?? (args.quick ? 2 : 5),
          tabTrials: args.quick ? 2 : 3,
          log: progress('cold'),
        })
        report.cold.chromium = cold
        heading(`${cold.browser}: cold paths (real IndexedDB, Web Locks, BroadcastChannel; timed in the page)`)
        console.log(formatCold(cold.rows))
      })
    }
    if (args.phases.has('workerd')) {
      await phase('workerd', 'workerd: hot and cold paths', async () => {
        const workerd = await runWorkerd({
          sdk: sdkBuild,
          algs: args.algs,
          rounds: args.rounds,
          slice: args.slice,
          reps: args.reps ?? (args.quick ? 5 : 15),
          isolates: args.quick ? 2 : 3,
          log: progress('workerd'),
        })
        report.workerd = workerd
        heading(`${workerd.runtime}: hot path next to jose, cold paths`)
        console.log(formatWorkerd(workerd))
      })
    }
  } finally {
    await browser?.close()
    await sdkBuild.cleanup()
  }

  const hotNames = Object.keys(report.hot)
  if (hotNames.length > 1 && !args.jsOnly) {
    heading('ratios in every runtime: ours/jose / ours/floor [/ ours/aws] (medians of per-round ratios)')
    console.log(formatSummary(report.hot))
  }
  heading('summary')
  for (const name of hotNames) {
    const missed = missedTargets(report.hot[name])
    console.log(
      `${name.padEnd(9)} hot:  ${args.jsOnly ? 'JavaScript only (--js-only), no targets' : missed.length === 0 ? 'all targets PASS' : `${missed.length} MISS: ${missed.join('; ')}`}`,
    )
  }
  for (const [where, cold] of Object.entries(report.cold)) {
    const missed = cold.rows.filter((r) => !r.pass).map((r) => r.measure)
    console.log(
      `${where.padEnd(9)} cold: ${missed.length === 0 ? `all ${cold.rows.length} targets PASS` : `${missed.length} MISS: ${missed.join('; ')}`}`,
    )
  }
  if (report.boundary !== undefined) {
    const { rows, withdrawn, pass } = report.boundary
    console.log(
      `${'boundary'.padEnd(9)} ${pass ? 'PASS' : 'MISS'}: ${rows.at(-1).waited} waited on the network, ` +
        `withdrawn key verified ${withdrawn.afterMaxAge} times past max-age`,
    )
  }
  for (const { phase: name, error } of report.errors) console.log(`${name.padEnd(9)} FAILED: ${error.split('\n')[0]}`)
  report.loadavg = { before: loadBefore, after: loadavg()[0] }
  report.seconds = (performance.now() - started) / 1000
  console.log(
    `total ${report.seconds.toFixed(1)} s, load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`,
  )
  if (args.json !== undefined) {
    const file = resolve(process.cwd(), args.json)
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`)
    console.log(`results written to ${file}`)
  }
  // Targets missed are results, not failures; a phase that could not run is.
  if (report.errors.length > 0) process.exitCode = 1
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main()
}
