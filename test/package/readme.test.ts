// The README is the package's page on npm: it opens with installing (npm, CDN, Deno, Bun), keeps the
// repository's two commands right below, and links only to places that resolve from there.
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { root } from '../runtimes/built.ts'
import { readmeProblems, REPOSITORY } from './checks.ts'

const readme = readFileSync(`${root}README.md`, 'utf8')
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'))
const jsr = JSON.parse(readFileSync(`${root}jsr.json`, 'utf8'))

describe('README.md', () => {
  it('opens with installing, has the repository commands right below, and only links that work from npm', () => {
    expect(readmeProblems(readme, (path) => existsSync(`${root}${path}`))).toEqual([])
  })

  it('names the published package everywhere: npm, CDN, JSR and the repository of package.json', () => {
    const minor = pkg.version.split('.').slice(0, 2).join('.')
    expect(readme).toContain(`https://esm.sh/idtoken-verify@${minor}`)
    expect(readme).toContain(`https://cdn.jsdelivr.net/npm/idtoken-verify@${minor}/dist/index.js`)
    expect(readme).toContain(`jsr:${jsr.name}@^${minor}`)
    expect(readme).toContain(`npm:idtoken-verify@^${minor}`)
    expect(readme).toMatch(/bun add idtoken-verify/)
    expect(pkg.repository.url).toBe(`git+${REPOSITORY}.git`)
    expect(pkg.homepage).toBe(`${REPOSITORY}#readme`)
    expect(pkg.bugs.url).toBe(`${REPOSITORY}/issues`)
  })

  it('the check fails on relative links, missing files and a README that opens with the repository', () => {
    const bad = [
      '# x',
      '',
      '```sh',
      'npm ci && npm start',
      'npm test',
      '```',
      '',
      'npm install idtoken-verify',
      '[guide](docs/guide.md) [gone](https://github.com/idtoken-verify/idtoken-verify/blob/main/docs/gone.md)',
      '[ok](https://github.com/idtoken-verify/idtoken-verify/blob/main/README.md#use) [top](#x)',
      '## Use',
    ].join('\n')
    expect(readmeProblems(bad, (path) => path === 'README.md')).toEqual([
      'not absolute: docs/guide.md',
      'no such file in the repository: docs/gone.md',
      'the repository commands (`npm ci && npm start`, `npm test`) do not follow the install',
    ])
  })
})
