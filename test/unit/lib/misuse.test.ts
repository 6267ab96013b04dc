// The shared option checks: a misuse is a TypeError naming the function; a valid or absent value passes.
import { describe, expect, it } from 'vitest'
import { checkNames, misuseOf, secondsOption, stringsOption } from '../../../src/lib/misuse.ts'
import { outcome } from '../../helpers/outcome.ts'

const misuse = misuseOf('createThing')

describe('misuseOf', () => {
  it('throws a TypeError that names the function', () => {
    expect(() => misuse('bad')).toThrow(new TypeError('createThing: bad'))
  })
})

describe('stringsOption', () => {
  it.each([
    ['absent', undefined, false, 'ok'],
    ['one string', ['a'], false, 'ok'],
    ['several strings', ['a', 'b c'], false, 'ok'],
    ['empty array', [], false, 'TypeError'],
    ['an empty string', ['a', ''], false, 'TypeError'],
    ['a number', ['a', 1], false, 'TypeError'],
    ['a string, not an array', 'a', false, 'TypeError'],
    ['null', null, false, 'TypeError'],
    ['scopes: none', [], true, 'ok'],
    ['scopes: tokens', ['read', 'invoices:write', 'a!#[]~'], true, 'ok'],
    ['scopes: a space', ['read write'], true, 'TypeError'],
    ['scopes: a quote', ['re"ad'], true, 'TypeError'],
    ['scopes: a backslash', ['re\\ad'], true, 'TypeError'],
    ['scopes: a control character', ['read\n'], true, 'TypeError'],
    ['scopes: non-ASCII', ['lesen:ä'], true, 'TypeError'],
    ['scopes: empty', [''], true, 'TypeError'],
  ])('%s (scopes: %s)', (_, value, scopes, expected) => {
    expect(outcome(() => stringsOption(value, 'option', misuse, scopes))).toBe(expected)
  })

  it('returns a copy', () => {
    const value = ['a']
    const result = stringsOption(value, 'option', misuse)
    expect(result).toEqual(['a'])
    expect(result).not.toBe(value)
  })
})

describe('secondsOption', () => {
  it.each([
    [undefined, 'ok'],
    [0, 'ok'],
    [1.5, 'ok'],
    [86_400, 'ok'],
    [-1, 'TypeError'],
    [Number.NaN, 'TypeError'],
    [Number.POSITIVE_INFINITY, 'TypeError'],
    ['60', 'TypeError'],
    [null, 'TypeError'],
  ])('%j: %s', (value, expected) => {
    expect(outcome(() => secondsOption(value, 'option', misuse))).toBe(expected)
  })
})

describe('checkNames', () => {
  it.each([
    [{}, 'ok'],
    [{ nonce: 'n' }, 'ok'],
    [{ nonce: undefined, maxAge: 1 }, 'ok'],
    [{ nounce: 'n' }, 'TypeError'],
    [{ nonce: 'n', extra: 1 }, 'TypeError'],
    [null, 'TypeError'],
    ['nonce', 'TypeError'],
    [42, 'TypeError'],
    [undefined, 'TypeError'],
  ])('%j: %s', (checks, expected) => {
    expect(outcome(() => checkNames(checks, ['nonce', 'maxAge'], misuse))).toBe(expected)
  })
})
