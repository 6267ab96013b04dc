// The package as users get it: `npm pack`, the tarball installed into a fresh project with nothing else (the
// package has no dependencies: the server and CLI must run like that, the mock must name its missing peer),
// and into one next to its peer (msw, linked from this repository), every entry imported and used, consumers
// type-checked against the published .d.ts under the settings users have, publint and arethetypeswrong clean.
import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireBuild, root } from '../runtimes/built.ts'
import {
  helpDocProblems,
  licenceProblems,
  mockBundleProblems,
  packedFileProblems,
  sdkBundleProblems,
} from './checks.ts'

const exec = promisify(execFile)
const bin = (name: string): string => `${root}node_modules/.bin/${name}`
// Nothing of the outer `npm test` run may leak into the inner npm commands.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_(package|lifecycle)_/.test(name)))

interface Run {
  code: number
  stdout: string
  stderr: string
}

async function run(file: string, args: readonly string[], cwd: string, timeout = 60_000): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(file, args, {
      cwd,
      env: { ...env, NO_COLOR: '1', FORCE_COLOR: '0' },
      timeout,
      maxBuffer: 16 << 20,
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const {
      code,
      stdout = '',
      stderr = '',
      message,
    } = error as { code?: number; stdout?: string; stderr?: string; message: string }
    return { code: typeof code === 'number' ? code : -1, stdout, stderr: stderr || message }
  }
}

async function succeed(file: string, args: readonly string[], cwd: string, timeout?: number): Promise<string> {
  const result = await run(file, args, cwd, timeout)
  if (result.code !== 0)
    throw new Error(`${file} ${args.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`)
  return result.stdout
}

let dir: string
let tarball: string
let files: string[]
let project: string
let installed: string
let bare: string

beforeAll(async () => {
  requireBuild()
  dir = mkdtempSync(join(tmpdir(), 'idtoken-verify-pack-'))
  const [packed] = JSON.parse(
    await succeed('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], root),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>
  tarball = join(dir, packed!.filename)
  files = packed!.files.map((file) => file.path).sort()

  project = join(dir, 'consumer')
  bare = join(dir, 'bare')
  for (const folder of [project, bare]) {
    mkdirSync(folder)
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
    await succeed(
      'npm',
      ['install', tarball, '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', '--no-package-lock'],
      folder,
    )
  }
  installed = join(project, 'node_modules/idtoken-verify')
  // The optional peer, and Node's types for the Node-only consumer: linked from this repository.
  symlinkSync(`${root}node_modules/msw`, join(project, 'node_modules/msw'), 'dir')
  mkdirSync(join(project, 'node_modules/@types'))
  symlinkSync(`${root}node_modules/@types/node`, join(project, 'node_modules/@types/node'), 'dir')
}, 120_000)

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('the packed tarball', () => {
  it('holds dist/, README.md, LICENSE and package.json only, and every dist/ file is reached from an entry', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'))
    expect(files).toContain('dist/index.js')
    expect(files.filter((file) => /^(src|test|mock-idp|scripts|bench|docs|examples)\//.test(file))).toEqual([])
    expect(packedFileProblems(files, manifest, (file) => readFileSync(join(installed, file), 'utf8'))).toEqual([])
  })

  it('has an SDK bundle that imports nothing: no node:, no require, no jose or msw, nothing from mock-idp/', async () => {
    expect(await sdkBundleProblems(readFileSync(join(installed, 'dist/index.js'), 'utf8'))).toEqual([])
  })

  it('the two checks above fail on a bad file list and a bad bundle', async () => {
    const manifest = { exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } } }
    const sources: Record<string, string> = {
      'dist/index.js': "export * from './chunks/a.js'",
      'dist/index.d.ts': 'export {}',
      'dist/chunks/a.js': '',
      'dist/chunks/old.js': '',
    }
    expect(
      packedFileProblems(
        ['package.json', 'README.md', 'src/index.ts', ...Object.keys(sources)],
        manifest,
        (file) => sources[file] ?? '',
      ),
    ).toEqual([
      'not for users: src/index.ts',
      'missing: LICENSE',
      'reached by no entry (a stale build?): dist/chunks/old.js',
    ])
    expect(
      packedFileProblems(
        ['package.json', 'README.md', 'LICENSE', 'dist/index.js'],
        manifest,
        (file) => sources[file] ?? '',
      ).sort(),
    ).toEqual([
      'an entry or import is not in the package: dist/chunks/a.js',
      'an entry or import is not in the package: dist/index.d.ts',
    ])
    expect(
      await sdkBundleProblems(
        [
          "import { createHash } from 'node:crypto'",
          "import { jwtVerify } from 'jose'",
          '/** in a comment: require("x") and "node:fs" do not count */',
          "export const f = () => [createHash, jwtVerify, require('fs'), import('./mock-idp.js')]",
        ].join('\n'),
      ),
    ).toEqual([
      'imports "node:crypto" (import-statement)',
      'imports "jose" (import-statement)',
      'imports "fs" (require-call)',
      'imports "./mock-idp.js" (dynamic-import)',
      'uses require',
      'names a node: module',
      'mentions mock-idp',
    ])
    expect(await sdkBundleProblems(readFileSync(`${root}dist/index.js`, 'utf8') + "\nimport 'msw'\n")).toEqual([
      'imports "msw" (import-statement)',
    ])
  })
})

describe('the package has no dependencies', () => {
  const read = (file: string): string => readFileSync(join(installed, file), 'utf8')
  // Run by Node below, then by Deno and Bun.
  beforeAll(() => {
    writeFileSync(
      join(bare, 'server.mjs'),
      `
      import { createVerifier } from 'idtoken-verify'
      import { startMockIdpServer } from 'idtoken-verify/mock-idp/server'
      const server = await startMockIdpServer({ algorithms: ['ES256'] })
      try {
        const verifier = createVerifier({ issuer: server.idp.issuer, audience: server.idp.clientId, cache: 'memory' })
        const { payload } = await verifier.verify(await server.idp.mintIdToken({ sub: 'alice' }))
        console.log(payload.sub)
      } finally {
        await server.close()
      }
    `,
    )
    writeFileSync(
      join(bare, 'caught.mjs'),
      `
      import { createMockIdp, BAD_TOKEN_NAMES } from 'idtoken-verify/mock-idp'
      const error = await createMockIdp().then(() => undefined, (error) => error)
      console.log(JSON.stringify({ names: BAD_TOKEN_NAMES.length > 0, message: error?.message }))
    `,
    )
  })

  it('declares none, and installed alone it brings nothing else', () => {
    expect(JSON.parse(read('package.json')).dependencies).toBeUndefined()
    expect(readdirSync(join(bare, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual(['idtoken-verify'])
  })

  it("carries jose once for every entry, msw's core for the server and CLI, and their licences; imports msw only lazily", async () => {
    const built = files.filter((file) => file.endsWith('.js') && file !== 'dist/index.js')
    const problems: string[] = []
    for (const file of built)
      for (const problem of await mockBundleProblems(read(file))) problems.push(`${file}: ${problem}`)
    expect(problems).toEqual([])
    const jose = built.filter((file) => read(file).includes('ERR_JWS_SIGNATURE_VERIFICATION_FAILED'))
    const msw = built.filter((file) => read(file).includes('[MSW]'))
    expect(jose).toHaveLength(1)
    expect(msw).toHaveLength(1)
    expect(licenceProblems(read(jose[0]!), ['jose'])).toEqual([])
    expect(
      licenceProblems(read(msw[0]!), ['msw', '@mswjs/interceptors', 'path-to-regexp', 'tough-cookie', 'tldts']),
    ).toEqual([])
  })

  it('those checks fail on jose or a static msw import, and on a missing or short licence notice', async () => {
    const problems = await mockBundleProblems(
      [
        "import { http } from 'msw'",
        "import { jwtVerify } from 'jose'",
        "import { createServer } from 'node:http'",
        "import { a } from './chunks/a.js'",
        "export const f = () => [http, jwtVerify, createServer, a, import('msw'), import('tough-cookie')]",
      ].join('\n'),
    )
    expect(problems.sort()).toEqual([
      'imports "jose" (import-statement)',
      'imports "msw" (import-statement)',
      'imports "tough-cookie" (dynamic-import)',
    ])
    expect(licenceProblems('export const x = 1', ['jose'])).toEqual(['no licence notice at the top'])
    const jose = files.find(
      (file) => file.endsWith('.js') && read(file).includes('ERR_JWS_SIGNATURE_VERIFICATION_FAILED'),
    )!
    expect(licenceProblems(read(jose), ['jose', 'msw'])).toEqual(['no licence for msw'])
  })

  it('runs the CLI with nothing else installed (npx idtoken-verify-mock-idp)', { timeout: 30_000 }, async () => {
    const child = spawn(join(bare, 'node_modules/.bin/idtoken-verify-mock-idp'), ['--port', '0'], {
      cwd: bare,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    try {
      const [issuer] = await Promise.race([
        once(createInterface({ input: child.stdout }), 'line') as Promise<[string]>,
        once(child, 'exit').then(([code]) => {
          throw new Error(`the CLI exited (${String(code)}): ${stderr}`)
        }),
      ])
      const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
        issuer: string
        jwks_uri: string
      }
      expect(discovery.issuer).toBe(issuer)
      const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: unknown[] }
      expect(jwks.keys.length).toBeGreaterThan(0)
    } finally {
      child.kill()
    }
  })

  it(
    '--help and audit --help point at documentation that exists where the user is (the check fails on a relative path)',
    { timeout: 30_000 },
    async () => {
      const cli = join(bare, 'node_modules/.bin/idtoken-verify-mock-idp')
      const inRepository = (path: string): boolean => existsSync(join(root, path))
      for (const args of [['--help'], ['audit', '--help']]) {
        expect(helpDocProblems(await succeed(cli, args, bare, 20_000), inRepository), args.join(' ')).toEqual([])
      }
      expect(helpDocProblems('Control API under ISSUER/_mock/ (see docs/mock-idp.md).', inRepository)).toEqual([
        'names a path the installed package lacks: docs/mock-idp.md',
        'points at no documentation',
      ])
      expect(
        helpDocProblems('https://github.com/idtoken-verify/idtoken-verify/blob/main/docs/nope.md', inRepository),
      ).toEqual(['no such file in the repository: docs/nope.md'])
    },
  )

  it(
    'runs `audit` with nothing else installed: an API on the installed SDK passes (exit 0, --json)',
    { timeout: 60_000 },
    async () => {
      writeFileSync(
        join(bare, 'api.mjs'),
        `
      import { createServer } from 'node:http'
      import { createVerifier } from 'idtoken-verify'
      const verifier = createVerifier({ issuer: process.argv[2], audience: 'my-app', cache: 'memory' })
      const server = createServer(async (req, res) => {
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
        const ok = token !== undefined && await verifier.verify(token).then(() => true, () => false)
        res.writeHead(ok ? 200 : 401).end()
      })
      server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port + '/api/me'))
    `,
      )
      // The port of the mock IdP is chosen first: the API must know its issuer before it starts.
      const probe = spawn(
        process.execPath,
        [
          '-e',
          "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})",
        ],
        { cwd: bare },
      )
      const [port] = (await once(createInterface({ input: probe.stdout! }), 'line')) as [string]
      const api = spawn(process.execPath, ['api.mjs', `http://127.0.0.1:${port}`], {
        cwd: bare,
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      try {
        const [target] = (await once(createInterface({ input: api.stdout }), 'line')) as [string]
        const audit = await run(
          join(bare, 'node_modules/.bin/idtoken-verify-mock-idp'),
          ['audit', '--target', target, '--port', port, '--client-id', 'my-app', '--json'],
          bare,
          45_000,
        )
        expect(audit.stderr).toBe('')
        const report = JSON.parse(audit.stdout) as { baseline: unknown; results: Array<{ verdict: string }> }
        expect(report.baseline).toEqual({ status: 200, accepted: true })
        expect(report.results.length).toBeGreaterThan(30)
        expect(report.results.filter((row) => row.verdict === 'fail')).toEqual([])
        expect(audit.code).toBe(0)
      } finally {
        api.kill()
      }
    },
  )

  it(
    'runs the mock IdP server with nothing else installed, and the SDK verifies its tokens',
    { timeout: 30_000 },
    async () => {
      expect(await succeed(process.execPath, ['server.mjs'], bare, 20_000)).toBe('alice\n')
    },
  )

  it('names msw in one line when idtoken-verify/mock-idp is used without it', { timeout: 30_000 }, async () => {
    const message =
      'idtoken-verify/mock-idp needs msw (an optional peer dependency), which is not installed: npm install --save-dev msw'
    expect(JSON.parse(await succeed(process.execPath, ['caught.mjs'], bare, 20_000))).toEqual({ names: true, message })
    writeFileSync(
      join(bare, 'uncaught.mjs'),
      "import { createMockIdp } from 'idtoken-verify/mock-idp'\nawait createMockIdp()\n",
    )
    const uncaught = await run(process.execPath, ['uncaught.mjs'], bare, 20_000)
    expect(uncaught.code).toBe(1)
    expect(uncaught.stderr).toContain(message)
    expect(uncaught.stderr).not.toMatch(/^\s+at /m)
    expect(uncaught.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND/)
  })

  it('does both under Deno and Bun too: the server runs alone, the mock names msw', { timeout: 60_000 }, async () => {
    for (const runtime of [[bin('deno'), 'run', '-A'], [bin('bun')]]) {
      const [file, ...args] = runtime as [string, ...string[]]
      const withDeno = { ...env, DENO_NO_UPDATE_CHECK: '1' }
      const caught = await exec(file, [...args, 'caught.mjs'], { cwd: bare, env: withDeno, timeout: 30_000 })
      expect(JSON.parse(caught.stdout).message, file).toMatch(
        /^idtoken-verify\/mock-idp needs msw .*: npm install --save-dev msw$/,
      )
      const served = await exec(file, [...args, 'server.mjs'], { cwd: bare, env: withDeno, timeout: 30_000 })
      expect(served.stdout, file).toBe('alice\n')
    }
  })
})

describe('installed into a fresh project', () => {
  it('imports every entry and verifies a token from the mock IdP server over HTTP', { timeout: 60_000 }, async () => {
    writeFileSync(
      join(project, 'consumer.mjs'),
      `
      import * as sdk from 'idtoken-verify'
      import { createMockIdp, BAD_TOKEN_NAMES } from 'idtoken-verify/mock-idp'
      import { startMockIdpServer } from 'idtoken-verify/mock-idp/server'
      const server = await startMockIdpServer({ algorithms: ['ES256'] })
      try {
        const verifier = sdk.createVerifier({ issuer: server.idp.issuer, audience: server.idp.clientId, cache: 'memory' })
        const { payload, header } = await verifier.verify(await server.idp.mintIdToken({ sub: 'alice' }))
        const idp = await createMockIdp({ algorithms: ['EdDSA'] })
        const deep = await import('idtoken-verify/dist/index.js').then(() => 'importable', (error) => error.code)
        console.log(JSON.stringify({
          exports: Object.keys(sdk).sort(), sub: payload.sub, alg: header.alg,
          handlers: idp.handlers.length > 0, badTokens: BAD_TOKEN_NAMES.length > 0, deep,
          resolved: import.meta.resolve('idtoken-verify'),
        }))
      } finally {
        await server.close()
      }
    `,
    )
    const output = JSON.parse(await succeed(process.execPath, ['consumer.mjs'], project, 30_000))
    expect(output).toEqual({
      exports: [
        'BACKCHANNEL_LOGOUT_EVENT',
        'BearerError',
        'ERROR_CODES',
        'IdTokenError',
        'SUPPORTED_ALGORITHMS',
        'bearerToken',
        'cacheApiStore',
        'challenge',
        'challengeResponse',
        'createAccessTokenVerifier',
        'createLogoutTokenVerifier',
        'createVerifier',
        'indexedDbStore',
        'memoryStore',
      ],
      sub: 'alice',
      alg: 'ES256',
      handlers: true,
      badTokens: true,
      deep: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      resolved: `file://${installed}/dist/index.js`,
    })
    const help = await succeed(join(project, 'node_modules/.bin/idtoken-verify-mock-idp'), ['--help'], project, 30_000)
    expect(help).toMatch(/--port/)
  })
})

describe('a consumer type-checked against the published types', () => {
  // Strict, with skipLibCheck off: the published .d.ts must compile on their own, and be real types (not any):
  // the @ts-expect-error lines fail the check if the types are missing or loose.
  const consumer = `
    import { createVerifier, IdTokenError, ERROR_CODES, memoryStore, indexedDbStore,
      type IdTokenVerifier, type VerifyResult, type JwksStore, type IdTokenErrorCode, type VerifierOptions } from 'idtoken-verify'
    import { createMockIdp, type MockIdp } from 'idtoken-verify/mock-idp'
    import { startMockIdpServer, type MockIdpServer } from 'idtoken-verify/mock-idp/server'

    export async function main(): Promise<string> {
      const store: JwksStore = memoryStore()
      const server: MockIdpServer = await startMockIdpServer({ algorithms: ['ES256'] })
      const idp: MockIdp = await createMockIdp()
      const options: VerifierOptions = { issuer: server.idp.issuer, audience: idp.clientId, cache: store }
      const verifier: IdTokenVerifier = createVerifier(options)
      const result: VerifyResult = await verifier.verify(await server.idp.mintIdToken(), { nonce: 'n' })
      const code: IdTokenErrorCode = ERROR_CODES[0]
      indexedDbStore({ name: 'keys' })
      // @ts-expect-error: issuer is required
      createVerifier({ audience: 'x' })
      // @ts-expect-error: not an error code
      const bad: IdTokenErrorCode = 'ERR_NOPE'
      // @ts-expect-error: claims are typed
      const exp: string = result.payload.exp
      try {
        await verifier.verify('x')
      } catch (error) {
        if (error instanceof IdTokenError) return error.code + (error.claim ?? '') + code + bad + exp
      }
      await server.close()
      return result.payload.sub
    }
  `
  // The SDK entry alone, as a Node server project compiles it: no DOM lib, Node's types.
  const nodeConsumer = `
    import { createVerifier, IdTokenError, memoryStore, type VerifyResult } from 'idtoken-verify'
    const verifier = createVerifier({ issuer: 'https://login.example.com', audience: 'app', cache: memoryStore() })
    export const verify = (token: string): Promise<VerifyResult> => verifier.verify(token)
    export const isExpired = (error: unknown): boolean => error instanceof IdTokenError && error.code === 'ERR_TOKEN_EXPIRED'
  `
  // The example of VerifyChecks as written in its documentation: a value that may be undefined.
  const checksConsumer = `
    import { createVerifier, type VerifyChecks } from 'idtoken-verify'
    const verifier = createVerifier({ issuer: 'https://login.example.com', audience: 'app' })
    export async function signIn(tokens: { id_token: string; access_token: string }): Promise<string> {
      const { payload } = await verifier.verify(tokens.id_token, {
        nonce: sessionStorage.getItem('nonce') ?? undefined,
        accessToken: tokens.access_token,
        maxAge: 300,
      })
      const checks: VerifyChecks = { subject: new URLSearchParams(location.search).get('sub') ?? undefined }
      await verifier.verify(tokens.id_token, checks)
      return payload.sub
    }
  `
  // An edge or library project: no DOM lib, no Node types, nothing global but ES2022.
  const bareConsumer = `
    import { createVerifier, IdTokenError, memoryStore, type VerifierOptions, type VerifyResult } from 'idtoken-verify'
    const options: VerifierOptions = { issuer: 'https://login.example.com', audience: 'app', cache: memoryStore(), timeout: 2000 }
    const verifier = createVerifier(options)
    export const verify = (token: string): Promise<VerifyResult> => verifier.verify(token)
    export const codeOf = (error: unknown): string | undefined => (error instanceof IdTokenError ? error.code : undefined)
    // @ts-expect-error: fetch must be a function
    createVerifier({ ...options, fetch: 'https://proxy.example' })
  `
  // Old resolution (no exports map): every entry must still find its types.
  const node10Consumer = `
    import { createVerifier, type VerifyResult } from 'idtoken-verify'
    import { createMockIdp, type MockIdp } from 'idtoken-verify/mock-idp'
    import { startMockIdpServer, type MockIdpServer } from 'idtoken-verify/mock-idp/server'
    export async function main(): Promise<VerifyResult> {
      const server: MockIdpServer = await startMockIdpServer()
      const idp: MockIdp = await createMockIdp()
      // @ts-expect-error: typed, not any
      const port: string = server.url.length
      return createVerifier({ issuer: server.url, audience: idp.clientId + port }).verify(await server.idp.mintIdToken())
    }
  `
  const strict = {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    target: 'es2022',
  }
  const configs = {
    'exactOptionalPropertyTypes, the VerifyChecks example': {
      files: ['checks-consumer.ts'],
      compilerOptions: {
        ...strict,
        module: 'esnext',
        moduleResolution: 'bundler',
        lib: ['es2022', 'dom', 'dom.iterable'],
        types: [],
      },
    },
    'types: [] and no DOM lib, SDK entry only': {
      files: ['bare-consumer.ts'],
      compilerOptions: { ...strict, module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022'], types: [] },
    },
    'moduleResolution node10, every entry': {
      files: ['node10-consumer.ts'],
      compilerOptions: { ...strict, module: 'esnext', moduleResolution: 'node10', lib: ['es2022', 'dom'], types: [] },
    },
    node16: {
      files: ['consumer.ts'],
      compilerOptions: { ...strict, module: 'node16', moduleResolution: 'node16', lib: ['es2022', 'dom'], types: [] },
    },
    bundler: {
      files: ['consumer.ts'],
      compilerOptions: { ...strict, module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom'], types: [] },
    },
    'nodenext, no DOM lib, SDK entry only': {
      files: ['node-consumer.ts'],
      compilerOptions: {
        ...strict,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        lib: ['es2022'],
        types: ['node'],
      },
    },
  }

  // The compilations run side by side (each tsc is single-threaded); each test awaits its own.
  const compiled = new Map<string, Promise<Run>>()
  beforeAll(() => {
    writeFileSync(join(project, 'consumer.ts'), consumer)
    writeFileSync(join(project, 'node-consumer.ts'), nodeConsumer)
    writeFileSync(join(project, 'checks-consumer.ts'), checksConsumer)
    writeFileSync(join(project, 'bare-consumer.ts'), bareConsumer)
    writeFileSync(join(project, 'node10-consumer.ts'), node10Consumer)
    for (const [name, config] of Object.entries(configs)) {
      const file = `tsconfig.${name.split(/[ ,:]/)[0]}.json`
      writeFileSync(join(project, file), JSON.stringify(config))
      compiled.set(name, run(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', file], project))
    }
  })

  it.each(Object.keys(configs))('compiles with no error (%s)', { timeout: 90_000 }, async (name) => {
    const result = await compiled.get(name)!
    expect(result.stdout + result.stderr).toBe('')
    expect(result.code).toBe(0)
  })
})

describe('package linters', () => {
  it('publint finds nothing, suggestions included (--strict)', { timeout: 60_000 }, async () => {
    const result = await run(bin('publint'), ['run', tarball, '--strict', '--level', 'suggestion'], dir)
    expect(result.stdout).toMatch(/All good!/)
    expect(result.code).toBe(0)
  })

  it(
    'arethetypeswrong finds nothing for an ESM-only package, and every entry has types under node10 too',
    { timeout: 60_000 },
    async () => {
      // The profile ignores require() (the package is ESM only, engines node >= 20); node10, node16 from ESM and
      // bundler resolution must find each entry's own .d.ts with no problem.
      const result = await run(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'json'], dir)
      const { analysis } = JSON.parse(result.stdout) as {
        analysis: {
          problems: Array<{ kind: string; entrypoint: string; resolutionKind: string }>
          entrypoints: Record<string, { resolutions: Record<string, { files?: string[] }> }>
        }
      }
      expect(analysis.problems.filter((problem) => problem.resolutionKind !== 'node16-cjs')).toEqual([])
      const entries = [
        ['.', 'index.d.ts'],
        ['./providers', 'providers.d.ts'],
        ['./mock-idp', 'mock-idp.d.ts'],
        ['./mock-idp/server', 'mock-idp-server.d.ts'],
        ['./mock-idp/playwright', 'mock-idp-playwright.d.ts'],
      ] as const
      for (const [entry, types] of entries) {
        for (const resolution of ['node10', 'node16-esm', 'bundler']) {
          expect(analysis.entrypoints[entry]?.resolutions[resolution]?.files, `${entry} ${resolution}`).toContain(
            `/node_modules/idtoken-verify/dist/${types}`,
          )
        }
      }
      expect(result.code, result.stderr).toBe(0)
    },
  )

  it('both fail on a package whose types do not resolve', { timeout: 60_000 }, async () => {
    const broken = join(dir, 'broken')
    cpSync(installed, broken, { recursive: true, dereference: true })
    const manifest = JSON.parse(readFileSync(join(broken, 'package.json'), 'utf8'))
    manifest.exports['.'].types = './dist/missing.d.ts'
    writeFileSync(join(broken, 'package.json'), JSON.stringify(manifest))
    const publint = await run(bin('publint'), ['run', broken, '--strict', '--pack', 'npm'], dir)
    expect(publint.code).not.toBe(0)
    expect(publint.stdout + publint.stderr).toMatch(/missing\.d\.ts/)
    const attw = await run(bin('attw'), ['--pack', broken, '--profile', 'esm-only', '--no-emoji'], dir)
    expect(attw.code).not.toBe(0)
  })
})
