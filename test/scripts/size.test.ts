// The browser bundle of `import { createVerifier }` (scripts/size.mjs, the same measure as `npm run size`):
// browser-safe, and within the gzip budget of issue 2.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BUDGET_GZIP, measureSize } from '../../scripts/size.mjs'

const report = measureSize({ compare: false })

describe('browser bundle of createVerifier', () => {
  it('has no node: import, no require, no bare import and nothing from mock-idp/', async () => {
    const { problems, contributors } = await report
    expect(problems).toEqual([])
    expect(contributors.some(({ file }) => file.startsWith('src/'))).toBe(true)
    expect(contributors.filter(({ file }) => !file.startsWith('src/'))).toEqual([])
  })

  it(`is at most ${BUDGET_GZIP} bytes gzipped`, async () => {
    const { sizes } = await report
    expect(sizes.gzip).toBeGreaterThan(0)
    expect(sizes.gzip, `gzip ${sizes.gzip} B, minified ${sizes.min} B`).toBeLessThanOrEqual(BUDGET_GZIP)
  })
})

// The checks themselves must be able to fail: an entry that pulls in everything they forbid.
describe('the size checks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'size-check-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('name node: imports, packages, require and mock-idp/ files', async () => {
    const entry = join(dir, 'bad.ts')
    const mockIdp = new URL('../../mock-idp/index.ts', import.meta.url).pathname
    writeFileSync(
      entry,
      [
        "import { createHash } from 'node:crypto'",
        `import * as idp from ${JSON.stringify(mockIdp)}`,
        'declare const require: (id: string) => unknown',
        "export const createVerifier = () => [createHash, idp, require('fs')]",
      ].join('\n'),
    )
    const { problems, ok } = await measureSize({ entry, compare: false })
    expect(ok).toBe(false)
    expect(problems).toContainEqual(expect.stringContaining('"node:crypto"'))
    expect(problems).toContainEqual(expect.stringContaining('"jose"'))
    expect(problems).toContainEqual(expect.stringContaining('"msw"'))
    expect(problems).toContainEqual(expect.stringContaining('require'))
    expect(problems).toContainEqual(expect.stringMatching(/mock-idp\/index\.ts from mock-idp\//))
  })
})
