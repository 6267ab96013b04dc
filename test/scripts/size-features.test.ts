// scripts/size-features.mjs prices each feature of the createVerifier bundle by stubbing its modules. Every stub
// must still fit its module (or the build fails) and must remove something, so its figure stays true.
import { describe, expect, it } from 'vitest'
import { FEATURES, bundleSize, priceFeatures } from '../../scripts/size-features.mjs'
import { measureSize } from '../../scripts/size.mjs'

describe('size-features', () => {
  const report = priceFeatures()

  it('starts from the same bundle as scripts/size.mjs', async () => {
    const { sizes } = await measureSize({ compare: false })
    expect((await report).base).toBe(sizes.gzip)
  })

  it.each(Object.keys(FEATURES))('%s: its stub fits and saves bytes', async (name) => {
    const row = (await report).rows.find((r) => r.name === name)!
    expect(row.saves).toBeGreaterThan(50)
  })

  it('prices all features together, and the string literals', async () => {
    const { rows, allFeatures, messages, everything } = await report
    expect(allFeatures).toBeGreaterThan(Math.max(...rows.map((r) => r.saves)))
    expect(messages).toBeGreaterThan(1000)
    expect(everything).toBeGreaterThan(allFeatures)
  })

  it('fails when a stubbed module is no longer in the bundle', async () => {
    const name = 'test-missing'
    FEATURES[name] = { what: '', modules: { 'src/lib/no-such-module.ts': '' } }
    try {
      await expect(bundleSize([name])).rejects.toThrow(/no-such-module/)
    } finally {
      delete FEATURES[name]
    }
  })
})
