// Runs a scenario module against the built mock IdP under msw 3's setupServer on Node >= 22.12 (msw 3's
// floor). Run it with this folder's own Node and packages, never the root's:
//
//   npm ci --prefix test/msw3 && npx rollup -c &&
//     test/msw3/node_modules/.bin/node test/msw3/runner.mjs test/msw3/scenario.ts [dist/]
//
// The scenario (e.g. scenario.ts, which test/mock-idp/msw3.test.ts also runs under msw 2) exports
// `runScenario(libraries)` and takes msw, jose, the mock IdP and the SDK from its caller. The built dist/
// imports bare 'msw' and 'jose'; from dist/ those resolve to the root node_modules (msw 2). So the runner
// copies the built files into a fresh folder under test/msw3/.build/, where the same bare imports resolve to
// test/msw3/node_modules (msw 3), exactly what an app with msw 3 installed gets. A .ts scenario needs Node's
// type stripping (on by default from 22.18). Prints one summary line
// `msw <version> on node <version>: N passed, N failed` and exits non-zero on any failure.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import process from 'node:process'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = fileURLToPath(new URL('./', import.meta.url))
const scenarioPath = process.argv[2]
const dist = process.argv[3] ?? fileURLToPath(new URL('../../dist/', import.meta.url))
if (scenarioPath === undefined || !existsSync(scenarioPath)) {
  console.error(`usage: runner.mjs <scenario module> [dist folder]; no scenario at ${String(scenarioPath)}`)
  process.exit(2)
}

const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`msw 3 needs Node >= 22.12; this is ${process.version}. Run with test/msw3/node_modules/.bin/node`)
  process.exit(2)
}
for (const file of ['mock-idp.js', 'index.js', 'chunks']) {
  if (!existsSync(join(dist, file))) {
    console.error(`${join(dist, file)} is missing: run \`npx rollup -c\` (or \`npm run build\`) first`)
    process.exit(2)
  }
}

// A fresh copy per run, so parallel runs never share files; removed at the end.
mkdirSync(join(here, '.build'), { recursive: true })
const build = mkdtempSync(join(here, '.build', 'run-'))
mkdirSync(join(build, 'chunks'))
for (const file of ['mock-idp.js', 'index.js']) copyFileSync(join(dist, file), join(build, file))
for (const file of readdirSync(join(dist, 'chunks'))) {
  if (file.endsWith('.js')) copyFileSync(join(dist, 'chunks', file), join(build, 'chunks', file))
}

let passed = 0
let failed = 0
function check(condition, message) {
  if (condition) {
    passed += 1
  } else {
    failed += 1
    console.error(`FAIL ${message}`)
  }
}
// What the copied mock IdP really imports: resolved from the copy, not from this file.
const fromBuild = createRequire(join(build, 'chunks', 'x.js'))
const mswPackage = fromBuild.resolve('msw/package.json')
const mswVersion = JSON.parse(readFileSync(mswPackage, 'utf8')).version
const josePackage = fromBuild.resolve('jose/package.json')

// Real paths on both sides: test/msw3/node_modules may be a link (a git worktree sharing one install).
const ownModules = realpathSync(join(here, 'node_modules'))
let server
try {
  check(mswVersion.startsWith('3.'), `the built mock IdP resolves msw 3, got ${mswVersion} at ${mswPackage}`)
  check(mswPackage.startsWith(ownModules), `msw comes from test/msw3/node_modules, got ${mswPackage}`)
  check(josePackage.startsWith(ownModules), `jose comes from test/msw3/node_modules, got ${josePackage}`)

  // Bare imports from this folder resolve (ESM conditions) to the same test/msw3/node_modules as the copy's.
  const { setupServer } = await import('msw/node')
  const jose = await import('jose')
  const mockIdp = await import(pathToFileURL(join(build, 'mock-idp.js')).href)
  const sdk = await import(pathToFileURL(join(build, 'index.js')).href)
  const { runScenario } = await import(pathToFileURL(resolve(scenarioPath)).href)
  await runScenario({
    serve(handlers) {
      server = setupServer(...handlers)
      // msw 3 renamed msw 2's `onUnhandledRequest` to `onUnhandledFrame` and ignores the old name
      // (falling back to 'warn', which lets unhandled requests through to the network).
      server.listen({ onUnhandledFrame: 'error' })
    },
    jose,
    mockIdp,
    sdk,
    check,
  })
} catch (error) {
  check(false, `scenario crashed: ${error?.stack ?? String(error)}`)
} finally {
  server?.close()
  rmSync(build, { recursive: true, force: true })
}

console.log(`msw ${mswVersion} on node ${process.versions.node}: ${passed} passed, ${failed} failed`)
process.exitCode = failed === 0 && passed > 0 ? 0 : 1
