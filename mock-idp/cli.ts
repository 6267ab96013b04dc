// The CLI `idtoken-verify-mock-idp`: prints the issuer URL on the first line of stdout, then runs
// until SIGINT or SIGTERM.
import process from 'node:process'
import { parseArgs } from 'node:util'
import { startMockIdpServer, type MockIdpServerOptions } from './server.ts'

const HELP = `Usage: idtoken-verify-mock-idp [options]

A mock OpenID Connect provider on http://127.0.0.1:PORT for test suites in any language.

  --port <n>            port to listen on (default 4000; 0 = any free port)
  --host <addr>         interface (default 127.0.0.1)
  --issuer <url>        issuer (default: the server's own URL)
  --algorithms <list>   comma-separated signing algs (default RS256)
  --client-id <id>      client id / default audience (default test-client)
  --client-secret <s>   make the client confidential
  --redirect-uri <uri>  allowed redirect URI (repeatable; default: any)
  --token-ttl <s>       token lifetime in seconds (default 3600)
  --sub <sub>           the signed-in user's sub (default test-user)
  -h, --help            this text

Control API under ISSUER/_mock/ (see docs/mock-idp.md).`

function main(): Promise<void> | void {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4000' },
      host: { type: 'string', default: '127.0.0.1' },
      issuer: { type: 'string' },
      algorithms: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'token-ttl': { type: 'string' },
      sub: { type: 'string' },
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
  if (values.algorithms !== undefined) options.algorithms = values.algorithms.split(',').map((a) => a.trim()).filter(Boolean)
  if (values['token-ttl'] !== undefined) options.tokenTtl = Number(values['token-ttl'])
  if (values.sub !== undefined) options.user = { sub: values.sub, claims: {} }
  const clientId = values['client-id'] ?? 'test-client'
  options.clientId = clientId
  options.clients = [{
    clientId,
    ...(values['client-secret'] !== undefined ? { clientSecret: values['client-secret'] } : {}),
    ...(values['redirect-uri'] !== undefined ? { redirectUris: values['redirect-uri'] } : {}),
  }]
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
