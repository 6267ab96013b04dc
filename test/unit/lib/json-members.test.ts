// repeatedMember: the first top-level member name that occurs twice (after unescaping), whatever the string
// values, nested objects and arrays around it hold.
import { describe, expect, it } from 'vitest'
import { repeatedMember } from '../../../src/lib/json-members.ts'

describe('repeatedMember', () => {
  it.each([
    ['distinct names', '{"a":1,"b":2}', undefined],
    ['the empty object', '{}', undefined],
    ['a repeated name', '{"a":1,"a":2}', 'a'],
    ['the first repeated of several', '{"b":0,"a":1,"b":2,"a":3}', 'b'],
    ['a repeat far apart', '{"a":1,"b":2,"c":3,"d":4,"a":5}', 'a'],
    ['whitespace around names', '{ "alg" : "none" ,\n "alg" : "RS256" }', 'alg'],
    ['a name spelled with an escape', '{"alg":"none","\\u0061lg":"RS256"}', 'alg'],
    ['a repeated empty name', '{"":1,"":2}', ''],
    ['names that differ only in case', '{"alg":1,"ALG":2}', undefined],
    ['a repeat inside a nested object', '{"a":{"b":1,"b":2}}', undefined],
    ['a repeat across objects in an array', '{"a":[{"x":1},{"x":2}]}', undefined],
    ['a top-level name repeated in a nested object', '{"a":{"a":1}}', undefined],
    ['... after a comma there', '{"a":{"b":1,"a":2}}', undefined],
    ['a top-level name as a string in a nested array', '{"a":["x","a"]}', undefined],
    ['a value equal to a name', '{"a":"b","b":1}', undefined],
    ['a string value holding an escaped quote and a comma', '{"a":"x\\",\\"a\\":1","b":2}', undefined],
    ['a name ending in an escaped backslash, repeated', '{"a\\\\":1,"a\\\\":2}', 'a\\'],
    ['a name ending in an escaped backslash, then a similar one', '{"a\\\\":1,"a":2}', undefined],
    ['a repeat after a nested array', '{"a":[1,[2,{"c":3}]],"a":0}', 'a'],
    ['a repeat after strings with braces', '{"a":"{[","b":"]}","a":0}', 'a'],
  ])('%s', (_, json, expected) => {
    JSON.parse(json) // the precondition: text JSON.parse accepts
    expect(repeatedMember(json)).toBe(expected)
  })
})
