// npm run size: what `import { createVerifier } from 'idtoken-verify'` adds to a browser bundle.
//
//   node scripts/size.mjs [--check] [--json] [--analyze] [--entry src/index.ts]
//
// Bundles the SDK entry with esbuild as an application bundler would (ESM, platform browser, minified,
// tree-shaken), then reports raw / minified / gzip (level 9) / brotli sizes against the budget, and
// checks that the bundle is browser-safe: no `node:` or other bare imports, no `require(`, nothing from
// mock-idp/ (which carries jose and msw). For scale, jose's `jwtVerify` + `createRemoteJWKSet` is
// measured the same way. `--check` exits 1 when a check fails or the gzip size is over budget.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
// The regression budget, at today's size: 14,333 B gzipped after the restructure and two rounds of browser hot path
// (13,995 B before). A guard against growth, not the aim: 8 KB is not reachable with today's features (see
// `npm run size:features` and the README's "Speed and size, measured").
export const BUDGET_GZIP = 14336
const DEFAULT_ENTRY = 'src/index.ts'

/** How an application bundler builds for the browser: the measure every size figure here uses. */
export const BROWSER_BUNDLE = Object.freeze({
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  treeShaking: true,
  write: false,
  legalComments: 'none',
  logLevel: 'silent',
})

/**
 * Bundles `source` (an ES module text resolved from the repository root) for the browser and returns
 * the minified text, the unminified text and the esbuild metafile. Every import that would leave the
 * bundle (bare packages, `node:` builtins) is recorded and kept external instead of failing the build,
 * so the checks can name it.
 */
async function bundle(source, minify) {
  const leftOut = []
  const result = await esbuild.build({
    ...BROWSER_BUNDLE,
    stdin: { contents: source, resolveDir: ROOT, sourcefile: 'app.js', loader: 'js' },
    minify,
    metafile: true,
    plugins: [
      {
        name: 'record-externals',
        setup(build) {
          // Only the SDK is checked this way: the jose comparison bundle resolves its package normally.
          build.onResolve({ filter: /^node:|^[a-z@][^:]*$/ }, (args) => {
            if (args.importer === '' || args.importer.includes('/node_modules/') || !source.includes('/* sdk */'))
              return undefined
            if (args.kind === 'entry-point') return undefined
            leftOut.push({ path: args.path, importer: relative(ROOT, args.importer) })
            return { path: args.path, external: true }
          })
        },
      },
    ],
  })
  const text = result.outputFiles[0].text
  return { text, metafile: result.metafile, leftOut }
}

export const gzipBytes = (bytes) => gzipSync(bytes, { level: 9 }).length

function sizes(text) {
  const bytes = Buffer.from(text)
  return {
    min: bytes.length,
    gzip: gzipBytes(bytes),
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  }
}

/** What each source file contributes to the minified bundle, largest first. */
function contributors(metafile) {
  const output = Object.values(metafile.outputs)[0]
  return Object.entries(output.inputs)
    .map(([file, { bytesInOutput }]) => ({ file, bytes: bytesInOutput }))
    .filter((entry) => entry.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
}

/**
 * Measures the browser bundle of `import { createVerifier }` and runs the checks.
 * @param {{ entry?: string, compare?: boolean }} [options]
 */
export async function measureSize(options = {}) {
  const entry = resolve(ROOT, options.entry ?? DEFAULT_ENTRY)
  const source = `/* sdk */ export { createVerifier } from ${JSON.stringify(entry)}\n`
  const [minified, raw] = await Promise.all([bundle(source, true), bundle(source, false)])
  const { text, metafile, leftOut } = minified
  const inputs = Object.keys(metafile.inputs)

  const problems = []
  for (const { path, importer } of leftOut) {
    problems.push(
      path.startsWith('node:')
        ? `imports the Node builtin "${path}" (from ${importer})`
        : `imports the package "${path}" (from ${importer}): the SDK entry must import nothing`,
    )
  }
  // esbuild turns a require() it cannot resolve into a shim around the free `require`: catch both.
  if (/\brequire\b/.test(text)) problems.push("uses require (a CommonJS require( call or esbuild's require shim)")
  // Imports that survived bundling, in any spelling esbuild emits: static, re-export or dynamic.
  for (const match of text.matchAll(/\b(?:from|import)\s*\(?\s*["'`]([^"'`]+)["'`]/g)) {
    problems.push(`keeps an import of "${match[1]}"`)
  }
  if (/["'`]node:/.test(text)) problems.push('mentions a "node:" module specifier')
  for (const file of inputs) {
    if (file.split(/[\\/]/).includes('mock-idp')) problems.push(`includes ${file} from mock-idp/`)
    if (file.includes('node_modules')) problems.push(`includes the dependency file ${file}`)
  }
  for (const name of ['jose', 'msw']) {
    if (new RegExp(`["'\`]${name}(?:/[^"'\`]*)?["'\`]`).test(text)) problems.push(`mentions the module "${name}"`)
  }
  if (!text.includes('createVerifier') && !/export\s*\{[^}]*\bcreateVerifier\b/.test(text)) {
    problems.push('does not export createVerifier (the entry was not bundled?)')
  }

  problems.splice(0, problems.length, ...new Set(problems))
  const measured = { raw: Buffer.byteLength(raw.text), ...sizes(text) }
  const report = {
    entry: relative(ROOT, entry),
    budget: { gzip: BUDGET_GZIP },
    sizes: measured,
    overBudget: measured.gzip > BUDGET_GZIP,
    problems,
    ok: problems.length === 0 && measured.gzip <= BUDGET_GZIP,
    contributors: contributors(metafile).map(({ file, bytes }) => ({
      file: relative(ROOT, resolve(ROOT, file)),
      bytes,
    })),
  }
  if (options.compare !== false) {
    const jose = await bundle('export { jwtVerify, createRemoteJWKSet } from "jose"\n', true)
    report.compare = {
      name: 'jose jwtVerify + createRemoteJWKSet',
      sizes: {
        raw: Buffer.byteLength((await bundle('export { jwtVerify, createRemoteJWKSet } from "jose"\n', false)).text),
        ...sizes(jose.text),
      },
    }
  }
  return report
}

function kb(bytes) {
  return `${bytes.toLocaleString('en-US').padStart(7)} B (${(bytes / 1024).toFixed(2)} KiB)`
}

function print(report, analyze) {
  const { sizes: s } = report
  console.log(
    `browser bundle of \`export { createVerifier } from '${report.entry}'\` (esbuild, ESM, minified, tree-shaken)`,
  )
  console.log(`  raw (bundled, not minified) ${kb(s.raw)}`)
  console.log(`  minified                    ${kb(s.min)}`)
  console.log(
    `  gzip -9                     ${kb(s.gzip)}   budget ${kb(report.budget.gzip)}  ${report.overBudget ? 'OVER' : 'within'}`,
  )
  console.log(`  brotli -11                  ${kb(s.brotli)}`)
  if (report.compare) {
    const c = report.compare.sizes
    console.log(`for comparison, ${report.compare.name}:`)
    console.log(`  raw ${kb(c.raw)} | minified ${kb(c.min)} | gzip ${kb(c.gzip)} | brotli ${kb(c.brotli)}`)
  }
  if (analyze) {
    console.log('minified bytes by source file:')
    for (const { file, bytes } of report.contributors) console.log(`  ${String(bytes).padStart(6)}  ${file}`)
  }
  console.log(
    report.problems.length === 0
      ? 'checks: no node: import, no require(, no bare import, nothing from mock-idp/: ok'
      : `checks FAILED:\n${report.problems.map((p) => `  - ${p}`).join('\n')}`,
  )
}

async function main(argv) {
  const known = new Set(['--check', '--json', '--analyze', '--entry', '--no-compare', '--help', '-h'])
  const entryAt = argv.indexOf('--entry')
  for (const [i, arg] of argv.entries()) {
    if (!known.has(arg) && i !== entryAt + 1) throw new Error(`unknown argument ${arg}`)
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log('usage: node scripts/size.mjs [--check] [--json] [--analyze] [--no-compare] [--entry src/index.ts]')
    return 0
  }
  const report = await measureSize({
    entry: entryAt >= 0 ? argv[entryAt + 1] : undefined,
    compare: !argv.includes('--no-compare'),
  })
  if (argv.includes('--json')) console.log(JSON.stringify(report, null, 2))
  else print(report, argv.includes('--analyze'))
  if (argv.includes('--check') && !report.ok) {
    const reasons = [
      ...(report.overBudget
        ? [
            `gzip size ${report.sizes.gzip} B is over the budget of ${BUDGET_GZIP} B by ${report.sizes.gzip - BUDGET_GZIP} B`,
          ]
        : []),
      ...report.problems,
    ]
    console.error(`size check failed: ${reasons.join('; ')}`)
    return 1
  }
  return 0
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2))
}
