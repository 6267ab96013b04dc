// The CLI `idtoken-verify-mock-idp`: prints the issuer URL on the first line of stdout, then runs
// until SIGINT or SIGTERM.
import { readFileSync } from 'node:fs'
import process from 'node:process'
import { parseArgs } from 'node:util'
import { runAuditCli } from './audit-cli.ts'
import { startMockIdpServer, type MockIdpServerOptions } from './server.ts'

const DOCS = 'https://github.com/idtoken-verify/idtoken-verify/blob/main/docs/mock-idp.md'

const HELP = `Usage: idtoken-verify-mock-idp [options]
       idtoken-verify-mock-idp audit --target URL [options]   (see audit --help)

A mock OpenID Connect provider on http://127.0.0.1:PORT for test suites in any language.

  --port <n>               port to listen on (default 4000; 0 = any free port)
  --host <addr>            interface (default 127.0.0.1)
  --issuer <url>           issuer (default: the server's own URL)
  --algorithms <list>      comma-separated signing algs (default RS256)
  --client-id <id>         client id / default audience (default test-client)
  --client-secret <s>      make the client confidential
  --redirect-uri <uri>     allowed redirect URI (repeatable; default: loopback,
                           localhost and .test URIs only)
  --backchannel-logout-uri <uri>
                           the client's back-channel logout URI (POST
                           ISSUER/_mock/backchannel-logout sends a logout token)
  --token-ttl <s>          token lifetime in seconds (default 3600)
  --sub <sub>              the signed-in user's sub (default test-user)
  --users <json|file>      personas by name, as JSON or a JSON file:
                           {"alice":{"sub":"alice","name":"Alice"}}; login_hint
                           (a name, sub or email) picks who signs in
  --login-page             /authorize shows a page to pick a persona and edit
                           its claims, for manual runs of an app
  --control-origin <url>   let a browser page of this origin use the control API
                           (CORS; repeatable; default: none)
  --allowed-host <name>    serve this Host name too (repeatable; ".example.test"
                           also matches its subdomains)
  --max-body-bytes <n>     largest request body (default 1048576)
  -h, --help               this text

Control API under ISSUER/_mock/; the guide: ${DOCS}

The server has no authentication, so it refuses what a web page you visit could
send it:
  - the control API has no CORS unless --control-origin names the page's origin;
    a request with another Origin gets 403, and a POST or PUT that is not
    Content-Type: application/json gets 415;
  - a Host header other than an IP address, localhost, *.localhost, the issuer's
    host, --host or an --allowed-host gets 421 (DNS rebinding);
  - a body over --max-body-bytes gets 413 as soon as the limit is passed;
  - /authorize and /logout redirect only to registered URIs (--redirect-uri), or
    to loopback, localhost and .test URIs; a foreign one gets a 400 page;
  - faults may set only caching, validator, retry, redirect and auth headers
    (no Set-Cookie, no CORS headers).`

/** `--users`: inline JSON, or the path of a JSON file. */
function readUsers(value: string): NonNullable<MockIdpServerOptions['users']> {
  const text = value.trimStart().startsWith('{') ? value : readFileSync(value, 'utf8')
  try {
    return JSON.parse(text) as NonNullable<MockIdpServerOptions['users']>
  } catch {
    throw new TypeError('--users must be a JSON object of personas, or a JSON file holding one')
  }
}

function main(): Promise<void> | void {
  if (process.argv[2] === 'audit') {
    // Every failure of the audit, usage or not, is exit 2: nothing was learnt about the API.
    return runAuditCli(process.argv.slice(3), (text) => process.stdout.write(text)).then(
      (code) => {
        process.exitCode = code
      },
      (error: unknown) => {
        process.stderr.write(
          `idtoken-verify-mock-idp audit: ${error instanceof Error ? error.message : String(error)}\n`,
        )
        process.exitCode = 2
      },
    )
  }
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4000' },
      host: { type: 'string', default: '127.0.0.1' },
      issuer: { type: 'string' },
      algorithms: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'backchannel-logout-uri': { type: 'string' },
      'token-ttl': { type: 'string' },
      sub: { type: 'string' },
      'control-origin': { type: 'string', multiple: true },
      'allowed-host': { type: 'string', multiple: true },
      'max-body-bytes': { type: 'string' },
      users: { type: 'string' },
      'login-page': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help === true) {
    process.stdout.write(`${HELP}\n`)
    return
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError('--port must be 0..65535')
  const options: MockIdpServerOptions = { port, host: values.host }
  if (values.issuer !== undefined) options.issuer = values.issuer
  if (values.algorithms !== undefined)
    options.algorithms = values.algorithms
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean)
  if (values['token-ttl'] !== undefined) options.tokenTtl = Number(values['token-ttl'])
  if (values.sub !== undefined) options.user = { sub: values.sub, claims: {} }
  if (values.users !== undefined) options.users = readUsers(values.users)
  if (values['login-page'] === true) options.loginPage = true
  if (values['control-origin'] !== undefined) options.controlOrigins = values['control-origin']
  if (values['allowed-host'] !== undefined) options.allowedHosts = values['allowed-host']
  if (values['max-body-bytes'] !== undefined) {
    const limit = Number(values['max-body-bytes'])
    if (!Number.isSafeInteger(limit) || limit <= 0) throw new TypeError('--max-body-bytes must be a positive integer')
    options.maxBodyBytes = limit
  }
  const clientId = values['client-id'] ?? 'test-client'
  options.clientId = clientId
  options.clients = [
    {
      clientId,
      ...(values['client-secret'] !== undefined ? { clientSecret: values['client-secret'] } : {}),
      ...(values['redirect-uri'] !== undefined ? { redirectUris: values['redirect-uri'] } : {}),
      ...(values['backchannel-logout-uri'] !== undefined
        ? { backchannelLogoutUri: values['backchannel-logout-uri'] }
        : {}),
    },
  ]
  return startMockIdpServer(options).then(({ idp, close }) => {
    process.stdout.write(`${idp.issuer}\n`)
    process.stderr.write(`mock IdP ready: discovery ${idp.discoveryUrl}\n`)
    const stop = (): void => {
      void close().then(() => process.exit(0))
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
}

try {
  void Promise.resolve(main()).catch((error: unknown) => {
    process.stderr.write(`idtoken-verify-mock-idp: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  })
} catch (error) {
  process.stderr.write(`idtoken-verify-mock-idp: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(2)
}
