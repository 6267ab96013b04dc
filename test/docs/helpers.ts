// Shared plumbing of the docs tests: paths, the built package, child processes.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const root = fileURLToPath(new URL('../../', import.meta.url))
export const examples = `${root}docs/examples/`
export const dist = `${root}dist/`
export const bin = `${root}node_modules/.bin/`

/** The client id every example is configured with. */
export const CLIENT_ID = 'my-client-id'

/** The examples import the built package (`dist/`), as users get it: it must exist. */
export function requireBuild(): void {
  for (const file of ['index.js', 'mock-idp.js', 'mock-idp-server.js', 'mock-idp-cli.js']) {
    if (!existsSync(`${dist}${file}`)) throw new Error(`dist/${file} is missing: build first (npx rollup -c)`)
  }
}

/** The mock IdP server from the built package (the same one users start). */
export async function loadMockIdpServer(): Promise<typeof import('../../mock-idp/server.ts')> {
  return (await import(pathToFileURL(`${dist}mock-idp-server.js`).href)) as typeof import('../../mock-idp/server.ts')
}

export interface Outcome {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

// The child must not think it is a vitest worker.
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('VITEST') && name !== 'NODE_OPTIONS') clean[name] = value
  }
  return { ...clean, ...env }
}

/** Runs a command to completion; never rejects for a non-zero exit, which the test asserts instead. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; timeout?: number } = {},
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: options.cwd ?? examples, env: childEnv(options.env ?? {}), timeout: options.timeout ?? 50_000 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(new Error(`${command} ${args.join(' ')} failed to run: ${error.message}\n${stderr}`))
          return
        }
        resolve({ code: error === null ? 0 : (error.code as number), stdout: stdout.trim(), stderr: stderr.trim() })
      },
    )
  })
}
