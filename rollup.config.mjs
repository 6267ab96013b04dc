// Bundles each public entry into one ESM file plus one .d.ts. TypeScript is only stripped here
// (erasableSyntaxOnly guarantees that is all it takes); `npm run typecheck` does the checking.
import { readFileSync } from 'node:fs'
import ts from 'typescript'
import { dts } from 'rollup-plugin-dts'

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))
const external = [
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
].flatMap((name) => [name, new RegExp(`^${name}/`)])
  .concat([/^node:/])

const entries = {
  index: 'src/index.ts',
  'mock-idp': 'mock-idp/index.ts',
  'mock-idp-server': 'mock-idp/server.ts',
  'mock-idp-cli': 'mock-idp/cli.ts',
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

export default [
  {
    input: entries,
    external,
    plugins: [stripTypes()],
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      generatedCode: 'es2015',
      banner: (chunk) => (chunk.name === 'mock-idp-cli' ? '#!/usr/bin/env node' : ''),
    },
  },
  {
    input: { index: entries.index, 'mock-idp': entries['mock-idp'], 'mock-idp-server': entries['mock-idp-server'] },
    external,
    plugins: [dts({ compilerOptions: { allowImportingTsExtensions: true } })],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: 'chunks/[name]-[hash].d.ts' },
  },
]
