// The runners test the built package, not the sources: make sure there is one, and say when it looks stale.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const root: string = fileURLToPath(new URL('../../', import.meta.url))
export const dist: string = `${root}dist/`

/** Throws unless dist/index.js exists; warns when a file in src/ is newer than it. */
export function requireBuild(): void {
  const entry = `${dist}index.js`
  if (!existsSync(entry))
    throw new Error('dist/index.js is missing: run `npm run build` (npm test does) before these tests')
  const built = statSync(entry).mtimeMs
  const newer = readdirSync(`${root}src`, { recursive: true, encoding: 'utf8' }).filter(
    (file) => file.endsWith('.ts') && statSync(`${root}src/${file}`).mtimeMs > built,
  )
  if (newer.length > 0) console.warn(`dist/ is older than src/ (${newer.join(', ')}): these tests run the last build`)
}

/** The summary line of a run, parsed: `N passed, N failed`. */
export function summary(output: string): { passed: number; failed: number } | undefined {
  const match = /^(\d+) passed, (\d+) failed$/m.exec(output)
  return match === null ? undefined : { passed: Number(match[1]), failed: Number(match[2]) }
}
