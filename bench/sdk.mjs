// The SDK as the benches load it: src/index.ts bundled by esbuild into one ES module, so no bench depends
// on dist/ being built or fresh, and every runtime (Node, Deno, Bun, a browser page) runs the same file.
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import * as esbuild from 'esbuild'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const JOSE_WEBAPI = join(ROOT, 'node_modules/jose/dist/webapi')

export function joseVersion() {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules/jose/package.json'), 'utf8')).version
}

/**
 * Bundles src/index.ts into `<tmp dir>/sdk.mjs`. The folder lives until `cleanup()`: runners for other
 * runtimes are written next to the bundle and import it statically.
 */
export async function buildSdk() {
  const dir = await mkdtemp(join(tmpdir(), 'idtoken-verify-bench-'))
  const file = join(dir, 'sdk.mjs')
  const result = await esbuild.build({
    entryPoints: [join(ROOT, 'src/index.ts')],
    bundle: true,
    format: 'esm',
    // The SDK has no dependencies and uses Web APIs only: one neutral bundle serves every runtime.
    platform: 'neutral',
    target: 'es2022',
    outfile: file,
    write: true,
    logLevel: 'error',
  })
  if (result.errors.length > 0) throw new Error('esbuild failed')
  return {
    dir,
    file,
    code: readFileSync(file, 'utf8'),
    import: () => import(pathToFileURL(file).href),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  }
}
