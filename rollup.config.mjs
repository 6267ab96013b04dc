// Bundles each public entry into one ESM file plus one .d.ts. TypeScript is only stripped here
// (erasableSyntaxOnly guarantees that is all it takes); `npm run typecheck` does the checking.
//
// The package has no dependencies. What the mock needs travels inside dist/:
// - jose is bundled (pre-bundled by esbuild, then tree-shaken and chunked by rollup with the rest, so one
//   copy serves every entry);
// - msw stays the application's own (an optional peer): handlers must belong to the instance its
//   setupServer/setupWorker uses. Every static msw import of the mock goes through mock-idp/lib/msw-peer.ts,
//   which loads msw when a provider is created and names it in one line when it is missing;
// - the server entry and the CLI must run with nothing else installed, so they also carry msw's core, in a
//   chunk loaded only when the application has no msw.
// Bundled code keeps its licences: each chunk that holds some starts with their texts.
import { readFileSync, readdirSync, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import ts from 'typescript'
import { dts } from 'rollup-plugin-dts'

const root = dirname(fileURLToPath(import.meta.url))
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]
  .flatMap((name) => [name, new RegExp(`^${name}/`)])
  .concat([/^node:/])

const entries = {
  index: 'src/index.ts',
  'mock-idp': 'mock-idp/index.ts',
  'mock-idp-server': 'mock-idp/server.ts',
  'mock-idp-cli': 'mock-idp/cli.ts',
  'mock-idp-playwright': 'mock-idp/playwright.ts',
  providers: 'src/providers/index.ts',
}

/**
 * The presets take the SDK's own IdTokenError (and types) from the SDK entry, `./index.js`: an error a preset's
 * check throws is then the class applications catch and the verifier passes on, and dist/index.js shares no
 * chunk with them (it must stay one file that imports nothing).
 */
function sdkFromEntry() {
  const providers = join(root, 'src/providers') + '/'
  return {
    name: 'sdk-from-entry',
    resolveId(source, importer) {
      if (importer?.startsWith(providers) && source.startsWith('../')) return { id: './index.js', external: true }
      return null
    },
  }
}

const PEER = join(root, 'mock-idp/lib/msw-peer.ts')
const VENDOR = '\0vendor:'
const STANDALONE = '\0standalone:'
const FALLBACK = '\0msw-fallback'
/** What each bundled package contributes: an esbuild entry, so esbuild resolves and converts CommonJS. */
const VENDORED = {
  jose: { contents: "export * from 'jose'", platform: 'neutral' },
  msw: { contents: "export { http, HttpResponse, delay, getResponse } from 'msw'", platform: 'node' },
}

function stripTypes() {
  return {
    name: 'strip-types',
    transform(code, id) {
      if (!id.endsWith('.ts')) return null
      const out = ts.transpileModule(code, {
        fileName: id,
        compilerOptions: {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          verbatimModuleSyntax: true,
          sourceMap: false,
        },
      })
      return { code: out.outputText, map: null }
    },
  }
}

function packageOf(file) {
  for (let dir = dirname(join(root, file)); dir.startsWith(join(root, 'node_modules')); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json')
    if (!existsSync(manifest)) continue
    const { name, version, license, repository } = JSON.parse(readFileSync(manifest, 'utf8'))
    if (name === undefined) continue
    if (typeof license !== 'string' || !/^(MIT|ISC|BSD-[23]-Clause|Apache-2\.0|0BSD)$/.test(license)) {
      throw new Error(`${name} is bundled but its licence (${license}) is not one we can ship`)
    }
    const licenseFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f))
    const text =
      licenseFile === undefined
        ? `${license}, as declared in its package.json (it ships no licence file): ${repository?.url ?? repository ?? name}`
        : readFileSync(join(dir, licenseFile), 'utf8').trim()
    return { name, version, license, text }
  }
  throw new Error(`no package.json above ${file}`)
}

/** Bundled packages as rollup modules; the server and CLI entries wrapped to offer msw's core as the fallback. */
function vendor() {
  const licences = new Map()
  return {
    name: 'vendor',
    options(options) {
      return {
        ...options,
        input: {
          ...options.input,
          'mock-idp-server': `${STANDALONE}${entries['mock-idp-server']}`,
          'mock-idp-cli': `${STANDALONE}${entries['mock-idp-cli']}`,
          // A Playwright suite needs no msw of its own either: the fixture runs the handlers itself.
          'mock-idp-playwright': `${STANDALONE}${entries['mock-idp-playwright']}`,
        },
      }
    },
    resolveId(source, importer, { isEntry }) {
      if (source.startsWith(STANDALONE) || source.startsWith(VENDOR) || source === FALLBACK) return source
      if (isEntry || importer === undefined) return null
      if (source === 'jose' || source.startsWith('jose/')) return `${VENDOR}jose`
      if (source === 'msw' && importer === FALLBACK) return `${VENDOR}msw`
      // The peer module's own import('msw') is the application's msw; every other one goes through it.
      if (source === 'msw') return importer === PEER ? { id: 'msw', external: true } : PEER
      return null
    },
    async load(id) {
      // Registered in a module of its own, evaluated before the entry (the CLI starts at import).
      if (id === FALLBACK)
        return `import { setMswFallback } from ${JSON.stringify(PEER)}\nsetMswFallback(() => import('msw'))`
      if (id.startsWith(STANDALONE))
        return `import ${JSON.stringify(FALLBACK)}\nexport * from ${JSON.stringify(join(root, id.slice(STANDALONE.length)))}`
      if (!id.startsWith(VENDOR)) return null
      const name = id.slice(VENDOR.length)
      const { contents, platform } = VENDORED[name]
      const result = await build({
        stdin: { contents, resolveDir: root, sourcefile: `vendor-${name}.js`, loader: 'js' },
        bundle: true,
        write: false,
        format: 'esm',
        platform,
        mainFields: ['module', 'main'],
        target: 'es2022',
        legalComments: 'none',
        metafile: true,
        logLevel: 'silent',
      })
      const packages = new Map()
      for (const [file, input] of Object.entries(Object.values(result.metafile.outputs)[0].inputs)) {
        if (input.bytesInOutput === 0 || !file.startsWith('node_modules/')) continue
        const info = packageOf(file)
        packages.set(`${info.name}@${info.version}`, info)
      }
      licences.set(
        id,
        [...packages.values()].sort((a, b) => a.name.localeCompare(b.name)),
      )
      return { code: result.outputFiles[0].text, moduleSideEffects: false }
    },
    banner(chunk) {
      const bundled = new Map()
      for (const id of chunk.moduleIds)
        for (const info of licences.get(id) ?? []) bundled.set(`${info.name}@${info.version}`, info)
      const lines = chunk.name === 'mock-idp-cli' ? ['#!/usr/bin/env node'] : []
      if (bundled.size > 0) {
        // One copy of each distinct licence text, headed by the packages it covers.
        const texts = new Map()
        for (const [id, info] of bundled)
          texts.set(info.text, [...(texts.get(info.text) ?? []), `${id} (${info.license})`])
        const body = [...texts].map(([text, ids]) => `${ids.join(', ')}:\n\n${text}`).join('\n\n---\n\n')
        lines.push(
          `/*!\n * Bundled third-party code and its licences.\n *\n${body
            .split('\n')
            .map((l) => ` * ${l}`.trimEnd())
            .join('\n')}\n */`,
        )
      }
      return lines.join('\n')
    },
  }
}

export default [
  {
    input: { index: entries.index, 'mock-idp': entries['mock-idp'], providers: entries.providers },
    external: (id) => id.startsWith('node:'),
    plugins: [sdkFromEntry(), vendor(), stripTypes()],
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].js',
      // Named for what they hold: the mock's shared code (with jose), and msw's core for the server and CLI.
      chunkFileNames: (chunk) => {
        if (chunk.moduleIds.includes(`${VENDOR}msw`)) return 'chunks/msw-core-[hash].js'
        if (chunk.moduleIds.includes(PEER)) return 'chunks/mock-idp-[hash].js'
        return 'chunks/[name]-[hash].js'
      },
      generatedCode: 'es2015',
    },
  },
  {
    input: {
      index: entries.index,
      'mock-idp': entries['mock-idp'],
      'mock-idp-server': entries['mock-idp-server'],
      'mock-idp-playwright': entries['mock-idp-playwright'],
      providers: entries.providers,
    },
    external,
    plugins: [
      sdkFromEntry(),
      dts({ compilerOptions: { allowImportingTsExtensions: true }, includeExternal: ['jose'] }),
    ],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: 'chunks/[name]-[hash].d.ts' },
  },
]
