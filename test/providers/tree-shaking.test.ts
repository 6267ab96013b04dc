// The presets cost nothing unless imported: the default entry does not reach src/providers/, and one preset
// does not bring the others.
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))

async function bundle(source: string): Promise<{ inputs: string[]; text: string }> {
  const result = await build({
    stdin: { contents: source, resolveDir: root, sourcefile: 'app.js', loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  const output = Object.values(result.metafile.outputs)[0]!
  return {
    inputs: Object.keys(output.inputs).filter((file) => output.inputs[file]!.bytesInOutput > 0),
    text: result.outputFiles[0]!.text,
  }
}

describe('presets are tree-shaken', () => {
  it('import { createVerifier } from the SDK entry holds nothing of src/providers/', async () => {
    const { inputs } = await bundle("export { createVerifier } from './src/index.ts'")
    expect(inputs.some((file) => file.includes('src/verifier.ts'))).toBe(true)
    expect(inputs.filter((file) => file.includes('src/providers/'))).toEqual([])
  })

  it('google alone brings no other provider', async () => {
    const { inputs, text } = await bundle("export { google } from './src/providers/index.ts'")
    expect(inputs.filter((file) => file.includes('src/providers/')).sort()).toEqual([
      'src/providers/google.ts',
      'src/providers/shared.ts',
    ])
    expect(text).not.toContain('login.microsoftonline.com')
    expect(text).not.toContain('securetoken')
  })
})
