// The Worker the workerd bench runs (bundled by bench/workerd.mjs with the SDK bundle and jose's webapi build).
// workerd freezes its clocks between I/O (a timing side-channel defence), so nothing is timed in here: each
// request runs a fixed amount of work and the bench times the requests from outside.
import { AsyncLocalStorage } from 'node:async_hooks'
import { setup } from './hot.mjs'
import * as sdk from 'idtoken-verify-bench-sdk'
import * as jose from 'jose-webapi'
import { cloudflareKvStore } from '../examples/stores/cloudflare-kv.ts'

let hot
// The running request's waitUntil (what `cloudflare:workers` exports in newer workerd): a store write happens after
// the verification answered, and workerd cancels what a finished request left running.
const requests = new AsyncLocalStorage()
const waitUntil = (promise) => requests.getStore().waitUntil(promise)

function store(kind, env) {
  if (kind === 'cache') return sdk.cacheApiStore()
  if (kind === 'kv') return cloudflareKvStore(env.JWKS_KV)
  return 'memory'
}

export default {
  fetch(request, env, context) {
    return requests.run(context, () => handle(request, env))
  },
}

async function handle(request, env) {
  {
    const url = new URL(request.url)
    const p = url.searchParams
    if (url.pathname === '/noop') return new Response('ok')
    if (url.pathname === '/setup') {
      hot = await setup({ sdk, jose, JwtVerifier: undefined, algs: p.get('algs').split(',') })
      return new Response('ok')
    }
    if (url.pathname === '/hot') {
      const run = hot.cases[p.get('alg')][p.get('contender')]
      const n = Number(p.get('n'))
      let started = 0
      await Promise.all(
        Array.from({ length: Number(p.get('concurrency')) }, async () => {
          while (started++ < n) await run()
        }),
      )
      return new Response(String(hot.requests()))
    }
    if (url.pathname === '/store-get') {
      // n reads of one entry (written first): the store's own round trip, without verification.
      const kv = store(p.get('store'), env)
      const at = Date.now()
      await kv.set('bench-entry', { value: { keys: [] }, fetchedAt: at, freshUntil: at + 600_000 })
      for (let i = 0, n = Number(p.get('n')); i < n; i++)
        if ((await kv.get('bench-entry')) === undefined) throw new Error('store miss')
      return new Response('ok')
    }
    // A first verification on a fresh verifier (or jose key set), as a new isolate would make it.
    const token = request.headers.get('authorization').slice('Bearer '.length)
    const issuer = env.ISSUER
    const audience = 'cold-client'
    if (url.pathname === '/jose') {
      const keys = jose.createRemoteJWKSet(new URL(`${issuer}/jwks`))
      const { payload } = await jose.jwtVerify(token, keys, { issuer, audience, algorithms: ['RS256'] })
      return new Response(payload.sub)
    }
    const verifier = sdk.createVerifier({
      issuer,
      audience,
      cache: store(p.get('store'), env),
      waitUntil,
      ...(p.has('jwksUri') ? { jwksUri: `${issuer}/jwks` } : {}),
    })
    const { payload } = await verifier.verify(token)
    return new Response(payload.sub)
  }
}
