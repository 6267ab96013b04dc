// The `onEvent` handler is application code the verifier does not control. Whatever it does (throws,
// returns a rejecting promise, a thenable whose `then` throws, a promise that never settles), verification
// goes on and the process stays up. An async handler's rejection used to escape as an unhandled rejection,
// which ends a Node process (default since Node 15) and fails this vitest run on its own, besides the
// explicit listener below.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { harness } from '../helpers/harness.ts'
import { IdTokenError, type EventHandler, type VerifierEvent } from '../../src/index.ts'
import { makeKey, sign, type TestKey } from '../helpers/issuer.ts'

let key: TestKey
beforeAll(async () => {
  key = await makeKey('ES256', 'k-events')
})

const unhandled: unknown[] = []
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason)
}
beforeEach(() => {
  unhandled.length = 0
  process.on('unhandledRejection', onUnhandled)
})
afterEach(() => {
  process.off('unhandledRejection', onUnhandled)
})

/** Lets queued rejections surface: microtasks, then macrotasks past the delayed rejections below (5 ms). */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10))
}

const handlerBug = (): Error => new Error("bug in the application's event handler")

const HANDLERS: Array<[string, () => unknown]> = [
  [
    'throws synchronously',
    () => {
      throw handlerBug()
    },
  ],
  [
    'is async and throws',
    async () => {
      throw handlerBug()
    },
  ],
  ['returns a promise that rejects later', () => new Promise((_, reject) => setTimeout(() => reject(handlerBug()), 5))],
  ['returns an already rejected promise', () => Promise.reject(handlerBug())],
  [
    'returns a thenable whose then throws',
    () => ({
      then() {
        throw handlerBug()
      },
    }),
  ],
  [
    'returns a thenable that calls its reject callback',
    () => ({
      then(_resolve: unknown, reject: (reason: unknown) => void) {
        reject(handlerBug())
      },
    }),
  ],
  [
    'returns an object whose then getter throws',
    () => ({
      get then() {
        throw handlerBug()
      },
    }),
  ],
  ['returns a promise that never settles', () => new Promise(() => {})],
  ['returns a thenable that never calls back', () => ({ then() {} })],
]

describe('whatever onEvent does, verification goes on and nothing is left unhandled', () => {
  for (const [name, behaviour] of HANDLERS) {
    it(`a handler that ${name}`, async () => {
      const seen: Array<VerifierEvent['type']> = []
      const onEvent = ((event: VerifierEvent) => {
        seen.push(event.type)
        return behaviour()
      }) as EventHandler
      const { idp, verifier } = harness({ key }, { onEvent })

      await expect(verifier.verify(await sign(key))).resolves.toMatchObject({ payload: { sub: 'user-1' } })
      expect(seen).toContain('fetched')

      // A failure path emits too, and its outcome is the verifier's own error, not the handler's.
      idp.fault = 503
      const before = seen.length
      await expect(verifier.refresh()).rejects.toMatchObject({ code: 'ERR_JWKS_UNAVAILABLE' })
      await expect(verifier.refresh()).rejects.toBeInstanceOf(IdTokenError)
      expect(seen.length).toBeGreaterThan(before)
      expect(seen).toContain('fetch-failed')

      await settle()
      expect(unhandled).toEqual([])
    })
  }
})

it('the types accept an async handler without a cast', async () => {
  const events: string[] = []
  const asyncHandler: EventHandler = async (event) => {
    await Promise.resolve()
    events.push(event.type)
  }
  const { verifier } = harness({ key }, { onEvent: asyncHandler })
  await verifier.verify(await sign(key))
  await settle()
  expect(events).toContain('fetched')
  expect(unhandled).toEqual([])
})
