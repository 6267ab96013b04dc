// workerd through miniflare: bundles a Worker entry (TypeScript, importing the built dist/) with esbuild and
// starts it. Shared by test/runtimes/workerd.test.ts and bench/workerd.mjs's callers.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as esbuild from 'esbuild'
import { Miniflare, type MiniflareOptions, type WorkerOptions } from 'miniflare'
import { root } from './built.ts'

/** The compatibility date the Workers are run with (the newest the bundled workerd accepts is later). */
export const COMPATIBILITY_DATE = '2025-07-01'

/** One ES module text: `entry` (a file under the repository) with everything it imports but workerd's own modules. */
export async function bundleWorker(entry: string): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [join(root, entry)],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    external: ['cloudflare:*', 'node:*'],
    logLevel: 'silent',
  })
  return result.outputFiles[0]!.text
}

export interface WorkerSpec {
  readonly name: string
  readonly entry: string
  readonly options?: Partial<WorkerOptions>
}

/**
 * Starts one workerd process holding every Worker of `specs` (each its own isolate). The Cache API and KV
 * persist in a fresh temporary folder, so `restart()` (a new workerd process: new isolates, empty memory)
 * keeps what was stored, as a deployment's next isolate finds it.
 */
export async function startWorkers(
  specs: readonly WorkerSpec[],
  shared: Partial<MiniflareOptions> = {},
): Promise<{
  mf: Miniflare
  persist: string
  fetch(worker: string, path: string, init?: RequestInit): Promise<Response>
  restart(): Promise<void>
  dispose(): Promise<void>
}> {
  const persist = mkdtempSync(join(tmpdir(), 'idtoken-verify-workerd-'))
  const workers = await Promise.all(
    specs.map(async (spec) => ({
      name: spec.name,
      modules: true,
      script: await bundleWorker(spec.entry),
      compatibilityDate: COMPATIBILITY_DATE,
      ...spec.options,
    })),
  )
  const options = {
    ...shared,
    workers,
    cachePersist: join(persist, 'cache'),
    kvPersist: join(persist, 'kv'),
  } as MiniflareOptions
  const mf = new Miniflare(options)
  await mf.ready
  return {
    mf,
    persist,
    async fetch(worker, path, init) {
      // miniflare types its fetcher with its own undici classes; it takes and returns the usual shapes.
      const target = (await mf.getWorker(worker)) as unknown as {
        fetch(url: string, init?: RequestInit): Promise<Response>
      }
      return target.fetch(`http://worker.test${path}`, init)
    },
    async restart() {
      await mf.setOptions(options)
    },
    dispose: () => mf.dispose(),
  }
}
