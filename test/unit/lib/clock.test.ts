// createClock with serverTime: the provider's Date header (one-second resolution) against the midpoint of the
// request sets the skew, bounded to a day, with up to 2 s counted as noise; a failure of a time check names the
// correction. Without serverTime the local clock is used as it is.
import { describe, expect, it } from 'vitest'
import { IdTokenError, type VerifierEvent } from '../../../src/index.ts'
import { createClock } from '../../../src/lib/clock.ts'
import { outcome } from '../../helpers/outcome.ts'

const NOW = 1_800_000_000_000
const dated = (offsetSeconds: number) => new Headers({ date: new Date(NOW + offsetSeconds * 1000).toUTCString() })

/** Observes each response (sent and received at NOW unless given), and returns the skews and events. */
function observed(serverTime: boolean, responses: Array<Headers | [Headers, number, number]>) {
  const events: VerifierEvent[] = []
  const clock = createClock(
    serverTime,
    () => NOW,
    (event) => void events.push(event),
  )
  for (const response of responses) {
    const [headers, sentAt, receivedAt] = response instanceof Headers ? [response, NOW, NOW] : response
    clock.observe(headers, sentAt, receivedAt)
  }
  return { clock, skew: clock.seconds() - NOW / 1000, events: events.map((e) => (e as { skew: number }).skew) }
}

describe('createClock: the skew', () => {
  it.each<[string, boolean, Array<Headers | [Headers, number, number]>, number, number[]]>([
    ['serverTime off: the Date header is ignored', false, [dated(3600)], 0, []],
    ['an hour ahead', true, [dated(3600)], 3600, [3600]],
    ['an hour behind', true, [dated(-3600)], -3600, [-3600]],
    ['2 s is noise', true, [dated(2)], 0, []],
    ['-2 s is noise', true, [dated(-2)], 0, []],
    ['3 s is not', true, [dated(3)], 3, [3]],
    ['bounded to a day ahead', true, [dated(200_000)], 86_400, [86_400]],
    ['bounded to a day behind', true, [dated(-200_000)], -86_400, [-86_400]],
    ['no Date header', true, [new Headers()], 0, []],
    ['an invalid Date header', true, [new Headers({ date: 'yesterday-ish' })], 0, []],
    ['the same skew twice: told once', true, [dated(3600), dated(3600)], 3600, [3600]],
    ['the clock fixed later: told the skew is gone', true, [dated(3600), dated(0)], 0, [3600, 0]],
    ['an invalid header keeps the last skew', true, [dated(3600), new Headers({ date: 'x' })], 3600, [3600]],
    ['measured from the midpoint of a slow request', true, [[dated(3600 + 5), NOW, NOW + 10_000]], 3600, [3600]],
  ])('%s', (_, serverTime, responses, skew, events) => {
    const result = observed(serverTime, responses)
    expect(result.skew).toBe(skew)
    expect(result.events).toEqual(events)
  })
})

describe('createClock: check', () => {
  const expired = new IdTokenError('ERR_TOKEN_EXPIRED', 'the token has expired ("exp")', { claim: 'exp' })

  it.each<[string, number, () => void, string, number | undefined]>([
    ['no failure', 3600, () => {}, 'ok', undefined],
    [
      'a failure without a correction is passed on as it is',
      0,
      () => {
        throw expired
      },
      'ERR_TOKEN_EXPIRED/exp',
      undefined,
    ],
    [
      'a failure with a correction keeps its code and claim and names the skew',
      3600,
      () => {
        throw expired
      },
      'ERR_TOKEN_EXPIRED/exp',
      3600,
    ],
    [
      'another error is passed on as it is',
      3600,
      () => {
        throw new RangeError('bug')
      },
      'RangeError',
      undefined,
    ],
  ])('%s', (_, offset, run, expected, skew) => {
    const { clock } = observed(true, [dated(offset)])
    expect(outcome(() => clock.check(run))).toBe(expected)
    let thrown: unknown
    try {
      clock.check(run)
    } catch (error) {
      thrown = error
    }
    expect((thrown as { skew?: number } | undefined)?.skew).toBe(skew)
    if (skew !== undefined) expect((thrown as Error).cause).toBe(expired)
    else if (thrown !== undefined) expect(thrown === expired || thrown instanceof RangeError).toBe(true)
  })
})
