// `idtoken-verify-mock-idp audit`: argument parsing and the human-readable table of an audit.
import { parseArgs } from 'node:util'
import { auditApi, auditExitCode, parseAuditHeader, type AuditOptions, type AuditReport } from './audit.ts'
import { BAD_TOKEN_CATALOGUE } from './bad-tokens.ts'

export const AUDIT_HELP = `Usage: idtoken-verify-mock-idp audit --target URL [options]

Starts the mock IdP on http://127.0.0.1:PORT, sends a good ID token and then every
token of the bad-token catalogue to URL (a GET), and reports which ones the API
accepted (any 2xx; redirects are not followed). The API must trust the issuer
http://127.0.0.1:PORT and the audience --client-id.

  --target <url>           the API endpoint to send the tokens to (required)
  --port <n>               port of the mock IdP (default 4000; 0 = any free port)
  --client-id <id>         the audience the API expects (default test-client)
  --header '<Name: value>' where the token goes, {token} marks it
                           (default 'Authorization: Bearer {token}')
  --algorithms <list>      comma-separated signing algs (default RS256)
  --timeout <ms>           wait for each answer (default 10000)
  --json                   print { baseline, results } as JSON
  -h, --help               this text

Verdicts: fail = the API accepted a token it must refuse (forged, tampered, wrong
key or algorithm, expired, not yet valid, wrong issuer or audience, another token
type, malformed); note = it accepted a token that only the login's context
(nonce, at_hash, c_hash, auth_time with max_age) or a provider's own mistake (no
kid among several keys) makes bad; pass = it refused the token.

Exit codes: 0 the good token was accepted and no forgery was; 1 some forgery was
accepted; 2 the good token was refused, the API did not answer, or a usage error.

The guide: https://github.com/idtoken-verify/idtoken-verify/blob/main/docs/mock-idp.md#auditing-an-api`

const VERDICT_LABEL = { fail: 'FAIL', pass: 'pass', note: 'note' } as const

/** The report as a table, one row per token, and a summary line. */
export function formatAuditReport(report: AuditReport, target: string, issuer: string): string {
  const lines = [`audit of ${target} (issuer ${issuer})`, '']
  const status = (value: number | null): string => (value === null ? 'no answer' : String(value))
  lines.push(
    `${'good token'.padEnd(22)} ${status(report.baseline.status).padEnd(9)} ${report.baseline.accepted ? 'accepted' : 'REFUSED'}`,
  )
  if (!report.baseline.accepted) {
    lines.push(
      '',
      report.baseline.status === null
        ? `2: no answer from ${target}: is it running, and is the URL right?`
        : `2: the API refused a good token: does it trust the issuer ${issuer} and the audience, and is the header right?`,
    )
    return `${lines.join('\n')}\n`
  }
  lines.push('', `${'token'.padEnd(22)} ${'status'.padEnd(9)} ${'verdict'.padEnd(7)} why it is bad`)
  for (const row of report.results) {
    const why = BAD_TOKEN_CATALOGUE[row.name].description.replace(/`/g, '')
    lines.push(`${row.name.padEnd(22)} ${status(row.status).padEnd(9)} ${VERDICT_LABEL[row.verdict].padEnd(7)} ${why}`)
  }
  const count = (verdict: keyof typeof VERDICT_LABEL): number =>
    report.results.filter((row) => row.verdict === verdict).length
  const unanswered = report.results.filter((row) => row.status === null).length
  const code = auditExitCode(report)
  const outcome =
    code === 0
      ? 'no forgery was accepted'
      : code === 1
        ? 'the API accepted tokens it must refuse (FAIL rows)'
        : `${unanswered} requests got no answer`
  lines.push('', `${count('fail')} fail, ${count('note')} note, ${count('pass')} pass: ${outcome} (exit ${code})`)
  if (count('note') > 0)
    lines.push(
      "note rows: refusing these needs the login's context or a provider that follows OIDC Core 10.1; see https://github.com/idtoken-verify/idtoken-verify/blob/main/docs/mock-idp.md#the-bad-token-catalogue",
    )
  return `${lines.join('\n')}\n`
}

/** Runs the subcommand; resolves to the exit code. Usage errors throw (exit 2). */
export async function runAuditCli(args: string[], write: (text: string) => void): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      target: { type: 'string' },
      port: { type: 'string', default: '4000' },
      'client-id': { type: 'string' },
      header: { type: 'string' },
      algorithms: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help === true) {
    write(`${AUDIT_HELP}\n`)
    return 0
  }
  if (values.target === undefined) throw new TypeError('audit needs --target URL (see audit --help)')
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError('--port must be 0..65535')
  const options: AuditOptions = { target: values.target, port }
  if (values['client-id'] !== undefined) options.clientId = values['client-id']
  if (values.header !== undefined) {
    parseAuditHeader(values.header)
    options.header = values.header
  }
  if (values.algorithms !== undefined)
    options.algorithms = values.algorithms
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean)
  if (values.timeout !== undefined) {
    const timeout = Number(values.timeout)
    if (!(Number.isFinite(timeout) && timeout > 0))
      throw new TypeError('--timeout must be a positive number of milliseconds')
    options.timeout = timeout
  }
  try {
    new URL(values.target)
  } catch {
    throw new TypeError(`--target must be an absolute URL, got ${JSON.stringify(values.target)}`)
  }
  const report = await auditApi(options)
  if (values.json === true) {
    write(`${JSON.stringify({ baseline: report.baseline, results: report.results }, null, 2)}\n`)
  } else {
    write(formatAuditReport(report, values.target, `http://127.0.0.1:${port}`))
  }
  return auditExitCode(report)
}
