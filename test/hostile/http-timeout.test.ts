// `timeout` must hold whatever the transport does: a fetch that ignores its AbortSignal, or headers followed by a
// body that never ends, must not leave verify() (and every later call sharing the stuck request) pending.
// Real timers, small timeouts: these are about wall-clock behaviour.
import { describe, expect, it, vi } from 'vitest'
import { createVerifier } from '../../src/index.ts'
import { getJson } from '../../src/lib/http.ts'
import { CLIENT, ISSUER, makeKey, NOW, sign } from '../helpers/issuer.ts'
import { countingBody, settleWithin } from './http-fixtures.ts'

const JWKS_URL = `${ISSUER}/jwks`
const TIMEOUT = 50
// Generous for a loaded 2-core machine, and still far below "forever".
const LIMIT = 1000

function verifierWith(fetchFn: typeof fetch) {
  return createVerifier({
    issuer: ISSUER,
    audience: CLIENT,
    jwksUri: JWKS_URL,
    fetch: fetchFn,
    now: () => NOW,
    cache: 'memory',
    timeout: TIMEOUT,
  })
}

describe('the deadline covers the whole request', () => {
  it('a fetch that ignores its signal and never answers: verify() rejects, and so does the next call', async () => {
    let calls = 0
    const verifier = verifierWith(() => {
      calls++
      return new Promise<Response>(() => {})
    })
    const token = await sign(await makeKey('RS256'))
    const first = await settleWithin(verifier.verify(token), LIMIT)
    expect(first.state).toBe('rejected')
    if (first.state !== 'rejected') return
    expect(first.error.code).toBe('ERR_JWKS_UNAVAILABLE')
    expect(first.error.message).toBe(`the key set at ${JWKS_URL} could not be fetched: timed out after ${TIMEOUT} ms`)
    expect((first.error as { cause?: { name?: string } }).cause?.name).toBe('TimeoutError')
    expect(first.ms).toBeGreaterThanOrEqual(TIMEOUT - 5)
    const second = await settleWithin(verifier.verify(token), LIMIT)
    expect(second.state).toBe('rejected')
    expect(calls).toBe(1)
  })

  it('headers arrive but the body never ends: verify() rejects and the body is cancelled', async () => {
    const body = countingBody({ total: Infinity, stall: true })
    const verifier = verifierWith(async () => new Response(body.stream))
    const token = await sign(await makeKey('RS256'))
    const first = await settleWithin(verifier.verify(token), LIMIT)
    expect(first.state).toBe('rejected')
    if (first.state !== 'rejected') return
    expect(first.error.code).toBe('ERR_JWKS_UNAVAILABLE')
    expect(first.error.message).toBe(`the key set at ${JWKS_URL} could not be fetched: timed out after ${TIMEOUT} ms`)
    expect(body.cancelled()).toBe(true)
    expect((await settleWithin(verifier.verify(token), LIMIT)).state).toBe('rejected')
  })

  it('a body trickling in is cut at the deadline, not given one per chunk', async () => {
    const body = countingBody({ total: Infinity, chunk: 1, delay: 10 })
    const outcome = await settleWithin(
      getJson({ fetch: async () => new Response(body.stream), timeout: 100 }, JWKS_URL, 'key set'),
      LIMIT,
    )
    expect(outcome.state).toBe('rejected')
    if (outcome.state !== 'rejected') return
    expect(outcome.error.message).toBe(`the key set at ${JWKS_URL} could not be fetched: timed out after 100 ms`)
    expect(body.cancelled()).toBe(true)
  })

  it('a transport that honours the signal is told to abort at the deadline', async () => {
    let signal: AbortSignal | undefined
    const fetchFn: typeof fetch = (_input, init) => {
      signal = init?.signal ?? undefined
      return new Promise<Response>((_resolve, reject) => {
        signal?.addEventListener('abort', () => reject(signal?.reason))
      })
    }
    const outcome = await settleWithin(getJson({ fetch: fetchFn, timeout: TIMEOUT }, JWKS_URL, 'key set'), LIMIT)
    expect(outcome.state).toBe('rejected')
    if (outcome.state !== 'rejected') return
    expect(outcome.error.code).toBe('ERR_JWKS_UNAVAILABLE')
    expect(outcome.error.message).toBe(`the key set at ${JWKS_URL} could not be fetched: timed out after ${TIMEOUT} ms`)
    expect(signal?.aborted).toBe(true)
  })
})

describe('no timer outlives the request', () => {
  // Deno's test runner fails a test that leaves a timer behind; a process must be free to exit.
  it('after success and after each kind of failure, every timer getJson set is cleared or has fired', async () => {
    const pending = new Set<unknown>()
    const realSet = globalThis.setTimeout
    const realClear = globalThis.clearTimeout
    const set = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((handler: () => void, ms?: number) => {
      const id: unknown = realSet(() => {
        pending.delete(id)
        handler()
      }, ms)
      pending.add(id)
      return id
    }) as typeof setTimeout)
    const clear = vi.spyOn(globalThis, 'clearTimeout').mockImplementation(((id: Parameters<typeof clearTimeout>[0]) => {
      pending.delete(id)
      realClear(id)
    }) as typeof clearTimeout)
    try {
      const answers: (() => Response | Promise<Response>)[] = [
        () => Response.json({ keys: [] }),
        () => new Response('unavailable', { status: 503 }),
        () => new Response('not json'),
        () => Promise.reject(new TypeError('fetch failed')),
      ]
      for (const answer of answers) {
        await getJson({ fetch: async () => answer(), timeout: 60_000 }, JWKS_URL, 'key set').catch(() => {})
      }
      expect(set).toHaveBeenCalled()
      expect(pending.size).toBe(0)
    } finally {
      set.mockRestore()
      clear.mockRestore()
    }
  })
})
