// The SDK as JSR would take it: `deno publish --dry-run` type-checks the sources, rejects slow types (public
// exports without explicit types) and lists the files it would upload. It runs offline: every HTTP(S)
// request is sent to a closed port, so a dry run that needed the network would fail here.
import { execFile } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { root } from '../runtimes/built.ts'

const exec = promisify(execFile)
const deno = `${root}node_modules/.bin/deno`
const offline = {
  ...process.env,
  NO_COLOR: '1',
  DENO_NO_UPDATE_CHECK: '1',
  HTTP_PROXY: 'http://127.0.0.1:9',
  HTTPS_PROXY: 'http://127.0.0.1:9',
  NO_PROXY: '',
}

async function dryRun(cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await exec(deno, ['publish', '--dry-run', '--allow-dirty'], {
      cwd,
      env: offline,
      timeout: 120_000,
      maxBuffer: 16 << 20,
    })
    return { code: 0, output: stdout + stderr }
  } catch (error) {
    const { code, stdout = '', stderr = '' } = error as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof code === 'number' ? code : -1, output: stdout + stderr }
  }
}

const copies: string[] = []
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true })
})

describe('JSR (jsr.json)', () => {
  it('has the name, version and licence of package.json, and exports the SDK and provider presets entries', () => {
    const jsr = JSON.parse(readFileSync(`${root}jsr.json`, 'utf8'))
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'))
    expect(jsr.version).toBe(pkg.version)
    expect(jsr.license).toBe(pkg.license)
    expect(jsr.name).toMatch(/^@[a-z0-9-]+\/idtoken-verify$/)
    expect(jsr.exports).toEqual({ '.': './src/index.ts', './providers': './src/providers/index.ts' })
  })

  it(
    'publishes cleanly offline: type-checked, no slow types, the sources and docs only',
    { timeout: 150_000 },
    async () => {
      const { code, output } = await dryRun(root)
      expect(output).toMatch(/Checking for slow types in the public API/)
      expect(output).toMatch(/Dry run complete/)
      expect(code, output).toBe(0)
      const files = [...output.matchAll(/^\s+(file:\S+) \(/gm)].map((m) => m[1]!.slice(`file://${root}`.length))
      expect(files).toContain('src/index.ts')
      expect(files.filter((file) => !/^(src\/.+\.ts|README\.md|LICENSE|jsr\.json)$/.test(file))).toEqual([])
    },
  )

  it('fails on a slow type (an exported function without a return type)', { timeout: 150_000 }, async () => {
    const copy = mkdtempSync(join(tmpdir(), 'idtoken-verify-jsr-'))
    copies.push(copy)
    // tsconfig.json too: Deno reads its lib (DOM, for IndexedDB) as it does in the repository.
    for (const entry of ['src', 'jsr.json', 'tsconfig.json', 'README.md', 'LICENSE'])
      cpSync(`${root}${entry}`, join(copy, entry), { recursive: true })
    writeFileSync(
      join(copy, 'src/index.ts'),
      `${readFileSync(join(copy, 'src/index.ts'), 'utf8')}\nexport function slow() {\n  return 1\n}\n`,
    )
    const { code, output } = await dryRun(copy)
    expect(code).not.toBe(0)
    expect(output).toMatch(/missing-explicit-return-type/)
  })
})
