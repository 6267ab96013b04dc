// `npm test` runs the mock IdP under msw 3 on Node 22, from a nested package (test/msw3) so that neither
// reaches the root toolchain. Install it when it is missing or its lockfile changed: a fresh clone's
// `npm test` must work with no extra step.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'

const dir = new URL('../test/msw3/', import.meta.url)
const lock = readFileSync(new URL('package-lock.json', dir), 'utf8')
const stamp = new URL('node_modules/.installed-lock', dir)
if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lock) process.exit(0)
console.log('Installing test/msw3 (msw 3 on Node 22) ...')
execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' })
writeFileSync(stamp, lock)
