// The vectors in use (shared/ beside the repository, or the copy in test/vectors/public/) are the published
// ones: every file matches its folder's SHA256SUMS, and the repository copy equals shared/ where both exist.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { VECTORS_DIR } from '../helpers/vectors.ts'

const FOLDERS = ['wycheproof', 'jose-cookbook']
const sums = (folder: string): Array<[string, string]> =>
  readFileSync(new URL(`${folder}/SHA256SUMS`, VECTORS_DIR), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+\*?/) as [string, string])

describe('public vectors', () => {
  for (const folder of FOLDERS) {
    it(`${folder}: every file matches SHA256SUMS (${VECTORS_DIR.pathname})`, () => {
      const listed = sums(folder)
      expect(listed.length).toBeGreaterThan(3)
      for (const [hash, name] of listed) {
        const actual = createHash('sha256')
          .update(readFileSync(new URL(`${folder}/${name}`, VECTORS_DIR)))
          .digest('hex')
        expect(actual, `${folder}/${name}`).toBe(hash)
      }
    })
  }

  it('the copy in the repository is the shared one, where shared/ is beside it', () => {
    const copy = new URL('public/', import.meta.url)
    for (const folder of FOLDERS) {
      const shared = new URL(`../../../shared/vectors/${folder}/SHA256SUMS`, import.meta.url)
      const mine = readFileSync(new URL(`${folder}/SHA256SUMS`, copy), 'utf8')
      if (existsSync(shared)) expect(mine).toBe(readFileSync(shared, 'utf8'))
      else expect(VECTORS_DIR.href).toBe(copy.href)
    }
  })
})
