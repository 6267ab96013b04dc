// Checks of the package as packed, as pure functions so that test/package/pack.test.ts can also show that
// each of them fails on a bad input.
import { build } from 'esbuild'

/** The only files the tarball may hold: the build, the readme, the licence, the manifest. */
const ALLOWED = /^(dist\/[\w@.-]+(\/[\w@.-]+)*\.(js|d\.ts)|README\.md|LICENSE|package\.json)$/
const REQUIRED = ['package.json', 'README.md', 'LICENSE']

interface Manifest {
  exports?: Record<string, string | Record<string, string>>
  bin?: string | Record<string, string>
}

/** Relative specifiers (`./x.js`, `../y.js`) imported or re-exported by a JS or .d.ts file. */
function relativeImports(code: string): string[] {
  const found: string[] = []
  for (const match of code.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) found.push(match[1]!)
  return found
}

function resolve(from: string, specifier: string): string {
  const url = new URL(specifier, `file:///pkg/${from}`)
  return url.pathname.slice('/pkg/'.length)
}

/**
 * Problems with the packed file list: files outside dist/, README.md, LICENSE and package.json; a missing
 * required file or entry; dist/ files that no entry reaches (left over from an earlier build).
 */
export function packedFileProblems(
  files: readonly string[],
  manifest: Manifest,
  read: (path: string) => string,
): string[] {
  const problems: string[] = []
  const packed = new Set(files)
  for (const file of files) if (!ALLOWED.test(file)) problems.push(`not for users: ${file}`)
  for (const file of REQUIRED) if (!packed.has(file)) problems.push(`missing: ${file}`)

  const entries = new Set<string>()
  for (const target of Object.values(manifest.exports ?? {})) {
    for (const path of typeof target === 'string' ? [target] : Object.values(target))
      entries.add(path.replace(/^\.\//, ''))
  }
  const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {})
  for (const path of bins) entries.add(path.replace(/^\.\//, ''))

  const reached = new Set<string>()
  const queue = [...entries]
  while (queue.length > 0) {
    const file = queue.pop()!
    if (reached.has(file)) continue
    reached.add(file)
    if (!packed.has(file)) {
      problems.push(`an entry or import is not in the package: ${file}`)
      continue
    }
    if (!/\.(js|d\.ts)$/.test(file)) continue
    for (const specifier of relativeImports(read(file))) {
      const target = resolve(file, specifier)
      // A .d.ts imports its siblings by their .js name.
      queue.push(file.endsWith('.d.ts') ? target.replace(/\.js$/, '.d.ts') : target)
    }
  }
  for (const file of files) {
    if (file.startsWith('dist/') && !reached.has(file)) problems.push(`reached by no entry (a stale build?): ${file}`)
  }
  return problems
}

/**
 * Problems with the SDK bundle (dist/index.js), which must run from a CDN in any runtime: any import at all
 * (so no `node:` builtin, no `jose` or `msw`, nothing from mock-idp/), any `require(`, any `node:` specifier
 * even in a string. Comments are ignored: the check looks at esbuild's minified output.
 */
export async function sdkBundleProblems(code: string): Promise<string[]> {
  const { imports, minified } = await importsOf(code)
  const problems = imports.map(({ path, kind }) => `imports ${JSON.stringify(path)} (${kind})`)
  // The identifier anywhere (esbuild wraps a require() it leaves external in a helper that names it).
  if (/\brequire\b/.test(minified)) problems.push('uses require')
  if (/["'`]node:/.test(minified)) problems.push('names a node: module')
  if (/mock-idp/.test(minified)) problems.push('mentions mock-idp')
  return problems
}

/**
 * Problems with a built file of the mock (the package has no dependencies): it may import its own files,
 * `node:` builtins, and msw (the optional peer) only lazily, by `import()`, so that a missing msw can be
 * reported in one line. Anything else (jose, msw's own dependencies, a static msw import) is a problem.
 */
export async function mockBundleProblems(code: string): Promise<string[]> {
  const { imports } = await importsOf(code)
  return imports
    .filter(
      ({ path, kind }) =>
        !(
          path.startsWith('./') ||
          path.startsWith('../') ||
          path.startsWith('node:') ||
          (path === 'msw' && kind === 'dynamic-import')
        ),
    )
    .map(({ path, kind }) => `imports ${JSON.stringify(path)} (${kind})`)
}

async function importsOf(code: string): Promise<{ imports: Array<{ path: string; kind: string }>; minified: string }> {
  const imports: Array<{ path: string; kind: string }> = []
  const result = await build({
    stdin: { contents: code, loader: 'js', sourcefile: 'index.js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    minify: true,
    logLevel: 'silent',
    plugins: [
      {
        name: 'record-imports',
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => {
            if (args.kind === 'entry-point') return undefined
            imports.push({ path: args.path, kind: args.kind })
            return { path: args.path, external: true }
          })
        },
      },
    ],
  })
  return { imports, minified: result.outputFiles[0]?.text ?? '' }
}

/**
 * Problems with the licence notice that a built file holding third-party code must open with: missing, or
 * not naming one of `packages` (as `name@version`).
 */
export function licenceProblems(code: string, packages: readonly string[]): string[] {
  const notice = /^(?:#![^\n]*\n)?\/\*!\n \* Bundled third-party code and its licences\.\n([\s\S]*?)\*\//.exec(
    code,
  )?.[1]
  if (notice === undefined) return ['no licence notice at the top']
  return packages
    .filter((name) => !new RegExp(`^ \\* (.*, )?${name.replace(/[/.]/g, '\\$&')}@\\d`, 'm').test(notice))
    .map((name) => `no licence for ${name}`)
}

/** Where the README's links point: the repository on GitHub, whose `blob/main/` paths are this checkout's files. */
export const REPOSITORY = 'https://github.com/idtoken-verify/idtoken-verify'

/**
 * Problems with the README as the npm page shows it (relative links there lead nowhere): every link must be
 * absolute (https) or an in-page anchor, and every link into this repository must name a file that exists.
 * It must open with what a user does (install), with the repository's two commands right after.
 */
export function readmeProblems(readme: string, exists: (path: string) => boolean): string[] {
  const problems: string[] = []
  const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g), ...readme.matchAll(/\b(?:href|src)="([^"]+)"/g)].map(
    (m) => m[1]!,
  )
  for (const link of links) {
    if (link.startsWith('#')) continue
    if (!link.startsWith('https://')) {
      problems.push(`not absolute: ${link}`)
      continue
    }
    const inRepository = new RegExp(`^${REPOSITORY.replace(/[.]/g, '\\.')}/(?:blob|tree)/main/([^#?]+)`).exec(link)
    if (inRepository !== null && !exists(inRepository[1]!))
      problems.push(`no such file in the repository: ${inRepository[1]}`)
  }
  const install = readme.indexOf('npm install idtoken-verify')
  const commands = readme.indexOf('npm ci && npm start')
  const firstSection = readme.search(/^## /m)
  if (install === -1 || (firstSection !== -1 && install > firstSection))
    problems.push('does not open with `npm install idtoken-verify`')
  if (commands === -1 || commands < install || !readme.slice(commands).includes('npm test'))
    problems.push('the repository commands (`npm ci && npm start`, `npm test`) do not follow the install')
  if (firstSection !== -1 && commands > firstSection) problems.push('the repository commands are not in the opening')
  return problems
}

/**
 * Problems with a CLI's `--help` as an installed package prints it: the documentation it names must exist where the
 * user is, so links into this repository are absolute (and name files that exist) and no repository-relative path
 * (`docs/mock-idp.md`, which the package does not ship) is named.
 */
export function helpDocProblems(help: string, exists: (path: string) => boolean): string[] {
  const problems: string[] = []
  const links = [
    ...help.matchAll(new RegExp(`${REPOSITORY.replace(/[.]/g, '\\.')}/(?:blob|tree)/main/([^\\s#?)]+)`, 'g')),
  ].map((m) => m[1]!)
  for (const path of links) if (!exists(path)) problems.push(`no such file in the repository: ${path}`)
  for (const match of help
    .replace(/https?:\/\/\S+/g, '')
    .matchAll(/(?:^|[\s(])((?:docs|examples|test|src|mock-idp)\/[\w./-]+)/g)) {
    problems.push(`names a path the installed package lacks: ${match[1]}`)
  }
  if (links.length === 0 && !help.includes('README')) problems.push('points at no documentation')
  return problems
}
