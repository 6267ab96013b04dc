// A Worker that verifies bearer tokens with the built SDK, as an application would, plus the handles the
// workerd tests need: named verifiers (one per scenario, each made on first use and kept by the isolate),
// a clock offset, and a route that starts a verification and answers before it ends. Bundled with dist/ by
// esbuild in test/runtimes/workerd.ts; `cloudflare:workers` stays an import that workerd resolves.
import { AsyncLocalStorage } from 'node:async_hooks'
// @ts-expect-error: workerd's built-in module has no types here.
import * as workers from 'cloudflare:workers'
import {
  cacheApiStore,
  createVerifier,
  IdTokenError,
  type IdTokenVerifier,
  type JwksStore,
  type VerifierEvent,
} from './sdk.mjs'
import { cloudflareKvStore, type CloudflareKvLike } from '../../examples/stores/cloudflare-kv.ts'

interface Env {
  readonly ISSUER: string
  readonly AUDIENCE: string
  readonly JWKS_KV: CloudflareKvLike
}

interface Context {
  waitUntil(promise: Promise<unknown>): void
}

// `waitUntil` of whichever request is running, as `cloudflare:workers` exports it from workerd 2025-08 on; on
// older workerd the same through AsyncLocalStorage (the nodejs_als flag).
const requests = new AsyncLocalStorage<Context>()
const waitUntil =
  (workers as { waitUntil?: Context['waitUntil'] }).waitUntil ??
  ((promise: Promise<unknown>) => requests.getStore()?.waitUntil(promise))

interface Named {
  readonly verifier: IdTokenVerifier
  readonly events: string[]
}

// Module scope outlives requests: that is what an isolate shares, and what the tests probe.
const verifiers = new Map<string, Named>()
let offset = 0
// Tells the tests whether a request reached the same isolate or a new one.
// (Random values are not allowed at module scope in workerd: made on first use.)
let isolate: string | undefined
const now = (): number => Date.now() + offset

function named(url: URL, env: Env): Named {
  const name = url.searchParams.get('v') ?? 'default'
  let entry = verifiers.get(name)
  if (entry === undefined) {
    const events: string[] = []
    const kind = url.searchParams.get('store') ?? 'memory'
    const cache: 'memory' | JwksStore =
      kind === 'cache' ? cacheApiStore() : kind === 'kv' ? cloudflareKvStore(env.JWKS_KV) : 'memory'
    const onEvent = (event: VerifierEvent): void => {
      const error =
        'error' in event && event.error instanceof Error
          ? `: ${event.error.message}${event.error.cause instanceof Error ? ` (${event.error.cause.message})` : ''}`
          : ''
      events.push(`${event.type}${error}`)
    }
    const verifier = createVerifier({
      issuer: env.ISSUER,
      audience: env.AUDIENCE,
      cache,
      now,
      timeout: 3000,
      onEvent,
      ...(url.searchParams.get('waitUntil') === '1' ? { waitUntil } : {}),
    })
    entry = { verifier, events }
    verifiers.set(name, entry)
  }
  return entry
}

async function verify(request: Request, { verifier }: Named): Promise<Response> {
  const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1]
  if (token === undefined) return Response.json({ error: 'no bearer token' }, { status: 401 })
  const started = performance.now()
  try {
    const { payload } = await verifier.verify(token)
    return Response.json({
      sub: payload.sub,
      ms: performance.now() - started,
      isolate: (isolate ??= crypto.randomUUID()),
    })
  } catch (error) {
    if (error instanceof IdTokenError)
      return Response.json({ code: error.code, message: error.message }, { status: 401 })
    return Response.json(
      { thrown: error instanceof Error ? `${error.name}: ${error.message}` : String(error) },
      { status: 500 },
    )
  }
}

export default {
  fetch(request: Request, env: Env, context: Context): Promise<Response> {
    return requests.run(context, () => handle(request, env))
  },
}

async function handle(request: Request, env: Env): Promise<Response> {
  {
    const url = new URL(request.url)
    if (url.pathname === '/clock') {
      const set = url.searchParams.get('set')
      offset = set !== null ? Number(set) : offset + Number(url.searchParams.get('advance') ?? 0)
      return Response.json({ offset })
    }
    if (url.pathname === '/events') return Response.json(named(url, env).events)
    if (url.pathname === '/start') {
      // Starts a verification and answers before it settles: the request that began a shared fetch is over
      // before another request awaits that fetch.
      void verify(request, named(url, env))
      return new Response('started', { status: 202 })
    }
    return verify(request, named(url, env))
  }
}
