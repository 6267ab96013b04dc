// The docs check: a fenced code block in a guide is an excerpt of a file in docs/examples/, named by a
// marker on its first line (`// docs/examples/x.mjs`, `# docs/examples/x.sh`, `<!-- docs/examples/x.html -->`).
// Every other line of the block must appear in that file, in order (compared without leading and
// trailing whitespace, so an excerpt may be dedented; blank lines and elisions (`// ...`, `# ...`,
// `<!-- ... -->`, `...`) are ignored). The one exception: lines containing the placeholder issuer, which
// the files read from the environment instead.

export const PLACEHOLDER_ISSUER = 'https://login.example.com'

/** Languages whose blocks must be excerpts (in the guides this suite owns). */
export const CHECKED_LANGUAGES = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs', 'html'])

export interface CodeBlock {
  readonly lang: string
  /** 1-based line of the opening fence in the Markdown file. */
  readonly line: number
  readonly lines: readonly string[]
}

/** The fenced code blocks of a Markdown document. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]!)
    if (open === null) continue
    const fence = open[2]!
    const body: string[] = []
    let j = i + 1
    for (; j < lines.length && !lines[j]!.trim().startsWith(fence); j++) body.push(lines[j]!)
    blocks.push({ lang: open[3]!.toLowerCase(), line: i + 1, lines: body })
    i = j
  }
  return blocks
}

const ELISION = new Set(['...', '// ...', '# ...', '<!-- ... -->'])

const MARKER = /^\s*(?:\/\/|#|<!--)\s*(docs\/examples\/[\w./-]+)\s*(?:-->)?\s*$/

/** The example file a block names on its first line, if any. */
export function markerOf(block: CodeBlock): string | undefined {
  return MARKER.exec(block.lines[0] ?? '')?.[1]
}

/**
 * Why `block` is not an excerpt of `file` (the first doc line not found in order), or undefined.
 * Lines are matched greedily, which is exact for "is a subsequence of".
 */
export function excerptProblem(block: CodeBlock, file: string): string | undefined {
  const fileLines = file.split('\n').map((line) => line.trim())
  let at = 0
  for (const raw of block.lines.slice(1)) {
    const line = raw.trim()
    if (line === '' || ELISION.has(line) || line.includes(PLACEHOLDER_ISSUER)) continue
    const found = fileLines.indexOf(line, at)
    if (found < 0) {
      return fileLines.includes(line)
        ? `line out of order: ${JSON.stringify(line)}`
        : `line not in the example: ${JSON.stringify(line)}`
    }
    at = found + 1
  }
  return undefined
}
