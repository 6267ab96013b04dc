// The docs check: every code block in the guides is an excerpt of an example that runs in CI
// (examples.test.ts, examples-browser.test.ts), so no example in docs/ can rot. See excerpts.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CHECKED_LANGUAGES, codeBlocks, excerptProblem, markerOf, type CodeBlock } from './excerpts.ts'
import { examples, root } from './helpers.ts'

// Guides other people own: their blocks are checked when they carry a marker, not required to.
const NOT_OURS = new Set(['mock-idp.md', 'caching.md'])
const guides = readdirSync(`${root}docs`)
  .filter((name) => name.endsWith('.md'))
  .sort()

function problemsOf(name: string): string[] {
  const problems: string[] = []
  for (const block of codeBlocks(readFileSync(`${root}docs/${name}`, 'utf8'))) {
    const where = `docs/${name}:${block.line}`
    const marker = markerOf(block)
    if (marker === undefined) {
      if (CHECKED_LANGUAGES.has(block.lang) && !NOT_OURS.has(name))
        problems.push(`${where}: a ${block.lang} block without a docs/examples/ marker`)
      continue
    }
    if (!existsSync(`${root}${marker}`)) {
      problems.push(`${where}: ${marker} does not exist`)
      continue
    }
    const problem = excerptProblem(block, readFileSync(`${root}${marker}`, 'utf8'))
    if (problem !== undefined) problems.push(`${where}: not an excerpt of ${marker}: ${problem}`)
  }
  return problems
}

describe('docs/*.md code blocks are excerpts of docs/examples/', () => {
  it('the guides are there', () => {
    for (const guide of [
      'README.md',
      'getting-started.md',
      'errors.md',
      'security.md',
      'testing.md',
      'migrating-from-jose.md',
    ]) {
      expect(guides).toContain(guide)
    }
  })

  it.each(guides)('docs/%s', (name) => {
    expect(problemsOf(name)).toEqual([])
  })

  it('every example file is run by a test', () => {
    const runners = [
      'examples.test.ts',
      'examples-browser.test.ts',
      '../e2e/playwright.test.ts',
      'resource-servers.test.ts',
    ]
      .map((file) => readFileSync(new URL(file, import.meta.url), 'utf8'))
      .join('\n')
    const files = (readdirSync(examples, { recursive: true }) as string[])
      .filter((path) => !path.split('/').includes('node_modules') && !path.endsWith('/') && /\.\w+$/.test(path))
      .filter(
        (path) =>
          !path.endsWith('.env') &&
          path !== 'vite-spa/index.html' &&
          path !== 'vite-spa/oauth.js' &&
          path !== 'testing/vitest.config.mjs' &&
          path !== 'cloudflare-kv.ts',
      )
    // Files run as part of another: the vite build takes index.html, main.js and oauth.js (and .env);
    // the application's vitest its config; the edge bundle cloudflare-kv.ts.
    expect(files.length).toBeGreaterThan(10)
    for (const file of files) expect(runners, `${file} is not run by a test`).toContain(file)
  })
})

describe('the excerpt check can fail', () => {
  const file = ['const a = 1', 'const b = 2', 'const issuer = process.env.OIDC_ISSUER', 'const c = 3'].join('\n')
  const block = (...lines: string[]): CodeBlock => ({
    lang: 'js',
    line: 1,
    lines: ['// docs/examples/x.mjs', ...lines],
  })

  it('accepts an excerpt: a subsequence, dedented, with the placeholder issuer', () => {
    expect(markerOf(block())).toBe('docs/examples/x.mjs')
    expect(
      excerptProblem(
        block('  const a = 1', '', '// ...', "const issuer = 'https://login.example.com'", 'const c = 3'),
        file,
      ),
    ).toBeUndefined()
  })

  it('refuses a drifted line, a line out of order and an unmarked block', () => {
    expect(excerptProblem(block('const a = 1', 'const b = 20'), file)).toBe('line not in the example: "const b = 20"')
    expect(excerptProblem(block('const c = 3', 'const a = 1'), file)).toBe('line out of order: "const a = 1"')
    expect(markerOf({ lang: 'js', line: 1, lines: ['const a = 1'] })).toBeUndefined()
  })

  it('finds the blocks of a Markdown document, with their language and marker', () => {
    const markdown = [
      '# T',
      '```html',
      '<!-- docs/examples/spa-cdn.html -->',
      '<p>',
      '```',
      '',
      '```sh',
      '# docs/examples/testing/cli.sh',
      'x',
      '```',
    ].join('\n')
    const blocks = codeBlocks(markdown)
    expect(blocks.map((b) => [b.lang, b.line, markerOf(b)])).toEqual([
      ['html', 2, 'docs/examples/spa-cdn.html'],
      ['sh', 7, 'docs/examples/testing/cli.sh'],
    ])
  })
})
