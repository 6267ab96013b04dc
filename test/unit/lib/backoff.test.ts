// The penalty box: after each failure no attempt before a back-off doubling from `first` up to `max`; a success
// clears it.
import { describe, expect, it } from 'vitest'
import { createBackoff } from '../../../src/lib/backoff.ts'

type Step = ['fail', number, number] | ['blocked', number, boolean] | ['succeed']

describe('createBackoff', () => {
  it.each<[string, number | undefined, number | undefined, Step[]]>([
    ['open before any failure', undefined, undefined, [['blocked', 0, false]]],
    [
      'one failure blocks for 1 s',
      undefined,
      undefined,
      [
        ['fail', 0, 1000],
        ['blocked', 999, true],
        ['blocked', 1000, false],
      ],
    ],
    [
      'each failure doubles the wait',
      undefined,
      undefined,
      [
        ['fail', 0, 1000],
        ['fail', 1000, 3000],
        ['fail', 3000, 7000],
        ['blocked', 6999, true],
        ['fail', 7000, 15_000],
      ],
    ],
    [
      'the wait stops at 5 minutes',
      undefined,
      undefined,
      Array.from({ length: 12 }, (_, i): Step => ['fail', 0, Math.min(2 ** i * 1000, 300_000)]),
    ],
    [
      'a success clears the wait and the count',
      undefined,
      undefined,
      [['fail', 0, 1000], ['fail', 0, 2000], ['succeed'], ['blocked', 1, false], ['fail', 10, 1010]],
    ],
    [
      'custom first and max',
      50,
      120,
      [
        ['fail', 0, 50],
        ['fail', 0, 100],
        ['fail', 0, 120],
        ['fail', 0, 120],
      ],
    ],
    [
      'forty failures: still 5 minutes',
      undefined,
      undefined,
      Array.from({ length: 40 }, (_, i): Step => ['fail', 0, Math.min(2 ** i * 1000, 300_000)]),
    ],
  ])('%s', (_, first, max, steps) => {
    const backoff = createBackoff(first, max)
    for (const step of steps) {
      if (step[0] === 'fail') expect(backoff.failed(step[1])).toBe(step[2])
      else if (step[0] === 'blocked') expect(backoff.blocked(step[1])).toBe(step[2])
      else backoff.succeeded()
    }
  })
})
