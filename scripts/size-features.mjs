// npm run size:features: what each feature costs in the browser bundle of `import { createVerifier }`.
//
//   node scripts/size-features.mjs [--json]
//
// The bundle is built as scripts/size.mjs builds it, once as it is and once per feature with that feature's
// modules replaced by the least code that keeps the rest bundling (a memory-only cache for IndexedDB, exact issuer
// matching for templates, ...). The difference in gzip bytes is what the feature costs everyone who imports
// `createVerifier`. "every message" empties every string literal outside imports: the cost of the text.
//
// This prices product decisions (the 8 KB aim of issue 12 needs some of these features out of the default path);
// it changes nothing that ships. A stub that no longer fits its module fails the build, and
// test/scripts/size-features.test.ts runs every one, so the table cannot go stale silently.
import { readFileSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'
import ts from 'typescript'
import { BROWSER_BUNDLE, gzipBytes } from './size.mjs'

const ROOT = resolve(fileURLToPath(import.meta.url), '../..')

/** Replaces `from` in a module's text, failing when it is no longer there. */
const edit = (from, to) => (text, file) => {
  if (!text.includes(from)) throw new Error(`size-features: ${file} no longer contains ${JSON.stringify(from)}`)
  return text.replace(from, to)
}

/** Each feature: what it is, and per module either the stub's text or an edit of the module's text. */
export const FEATURES = {
  indexeddb: {
    what: "IndexedDB cache and tab coordination (the browsers' default cache)",
    modules: {
      'src/lib/indexeddb.ts':
        "export const tabStoreOf = () => undefined\nexport function createIndexedDbStore() { throw new Error('') }",
      'src/lib/tabs.ts':
        'export const LOCK_WAIT_MS = 0\nexport const withLock = (name, task) => task(false)\nexport const openChannel = () => undefined',
    },
  },
  persistence: {
    what: 'keeping documents and keys across page loads at all (indexeddb and safe-store, and the stored copies)',
    modules: {
      'src/lib/persisted.ts': [
        "export const storeKey = () => ''",
        'export const persistedCopy = () => ({',
        '  read: async () => undefined,',
        '  write: async () => {},',
        '  remove: async () => {},',
        '  addKeys() {},',
        '})',
      ].join('\n'),
    },
  },
  'issuer-templates': {
    what: 'issuer templates ({tenantid}) and issuer hints; several exact issuers kept',
    modules: {
      'src/lib/issuers.ts': [
        'export const isTemplate = () => false',
        "export const issuerHint = () => ''",
        'export const issuersOf = (configured) => ({',
        '  configured,',
        '  match: (iss) => (configured.includes(iss) ? { issuer: iss, configured: iss, params: {} } : undefined),',
        '})',
      ].join('\n'),
    },
  },
  'server-time': {
    what: "serverTime: the provider's Date header corrects the clock",
    modules: {
      'src/lib/clock.ts':
        'export const createClock = (serverTime, now) => ({ seconds: () => now() / 1000, observe() {}, check: (run) => run() })',
    },
  },
  'duplicate-members': {
    what: 'refusing JSON with a repeated member name',
    modules: { 'src/lib/json-members.ts': 'export const repeatedMember = () => undefined' },
  },
  'safe-store': {
    what: 'bounding a store that throws, hangs or is slow',
    modules: {
      'src/lib/safe-store.ts': 'export const STORE_TIMEOUT_MS = 0\nexport const safeStore = (store) => store',
    },
  },
  'weak-keys': {
    what: 'refusing ROCA moduli and small-order Ed25519 points',
    modules: {
      'src/lib/keys.ts': (text, file) =>
        edit("spec.kty === 'OKP' && hasSmallOrder(x)", 'false')(
          edit('hasRocaFingerprint(n)', 'false')(text, file),
          file,
        ),
    },
  },
  'hardened-http': {
    what: 'the deadline over the whole exchange, the 1 MiB body bound, redirect and UTF-8 checks, messages naming the URL',
    modules: {
      'src/lib/http.ts': [
        'export async function getJson(http, url, what, headers) {',
        '  const response = await http.fetch(url, { headers })',
        "  if (!response.ok) throw new Error('')",
        '  return { status: response.status, headers: response.headers, body: await response.json() }',
        '}',
      ].join('\n'),
    },
  },
}

Object.assign(FEATURES.persistence.modules, FEATURES.indexeddb.modules, FEATURES['safe-store'].modules)

/** The text with every string and template literal emptied, except module specifiers. */
function withoutStrings(text) {
  const K = ts.SyntaxKind
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text)
  const braces = []
  let out = ''
  let previous
  for (let kind = scanner.scan(); kind !== K.EndOfFileToken; kind = scanner.scan()) {
    if (kind === K.OpenBraceToken) braces.push('{')
    if (kind === K.CloseBraceToken && braces.pop() === '${') kind = scanner.reScanTemplateToken(false)
    // A slash after these starts a regular expression, whose quotes are not strings.
    if ((kind === K.SlashToken || kind === K.SlashEqualsToken) && REGEX_BEFORE.has(previous)) {
      kind = scanner.reScanSlashToken()
    }
    let token = scanner.getTokenText()
    const specifier = previous === K.FromKeyword || previous === K.ImportKeyword
    if (kind === K.StringLiteral && !specifier) token = "''"
    else if (kind === K.NoSubstitutionTemplateLiteral) token = '``'
    else if (kind === K.TemplateHead || kind === K.TemplateMiddle) {
      token = kind === K.TemplateHead ? '`${' : '}${'
      braces.push('${')
    } else if (kind === K.TemplateTail) token = '}`'
    out += token
    if (!TRIVIA.has(kind)) previous = kind
  }
  return out
}
const K = ts.SyntaxKind
const TRIVIA = new Set([K.WhitespaceTrivia, K.NewLineTrivia, K.SingleLineCommentTrivia, K.MultiLineCommentTrivia])
const REGEX_BEFORE = new Set([
  K.EqualsToken,
  K.OpenParenToken,
  K.CommaToken,
  K.ReturnKeyword,
  K.ColonToken,
  K.ExclamationToken,
  K.AmpersandAmpersandToken,
  K.BarBarToken,
  K.QuestionToken,
  K.OpenBracketToken,
])

/** gzip bytes of the createVerifier bundle with `features` stubbed (and, with `noStrings`, every message gone). */
export async function bundleSize(features = [], noStrings = false) {
  const modules = Object.assign({}, ...features.map((name) => FEATURES[name].modules))
  const used = new Set()
  const result = await esbuild.build({
    ...BROWSER_BUNDLE,
    stdin: { contents: 'export { createVerifier } from "./src/index.ts"', resolveDir: ROOT, loader: 'js' },
    minify: true,
    plugins: [
      {
        name: 'stub-features',
        setup(build) {
          build.onLoad({ filter: /\.ts$/ }, (args) => {
            const file = relative(ROOT, args.path)
            let text = readFileSync(args.path, 'utf8')
            const stub = modules[file]
            if (stub !== undefined) {
              used.add(file)
              text = typeof stub === 'string' ? stub : stub(text, file)
            }
            return { contents: noStrings ? withoutStrings(text) : text, loader: 'ts' }
          })
        },
      },
    ],
  })
  const unused = Object.keys(modules).filter((file) => !used.has(file))
  if (unused.length > 0) throw new Error(`size-features: not in the bundle any more: ${unused.join(', ')}`)
  return gzipBytes(result.outputFiles[0].contents)
}

/** The bundle's gzip size, and what each feature, all of them, and the messages save. */
export async function priceFeatures() {
  const base = await bundleSize()
  const names = Object.keys(FEATURES)
  const rows = []
  for (const name of names) rows.push({ name, what: FEATURES[name].what, saves: base - (await bundleSize([name])) })
  const allFeatures = base - (await bundleSize(names))
  const messages = base - (await bundleSize([], true))
  const everything = base - (await bundleSize(names, true))
  return { base, rows, allFeatures, messages, everything }
}

async function main(argv) {
  const report = await priceFeatures()
  if (argv.includes('--json')) return console.log(JSON.stringify(report, null, 2))
  const line = (saves, what) =>
    `  ${String(saves).padStart(6)} B  ${String(report.base - saves).padStart(6)} B  ${what}`
  console.log(`createVerifier bundle: ${report.base} B gzipped (gzip -9, as scripts/size.mjs measures)`)
  console.log('   saves  leaves  without')
  for (const row of report.rows) console.log(line(row.saves, `${row.name}: ${row.what}`))
  console.log(line(report.allFeatures, 'all of the above'))
  console.log(line(report.messages, 'every string literal (messages, member names, URLs) emptied'))
  console.log(line(report.everything, 'all of these features and every string literal'))
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2))
}
