// repeatedMember given the parsed object: it only counts the top-level names, and names the repeat only when
// the count differs from the object's keys. It must answer exactly as the full scan does.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { repeatedMember } from '../../../src/lib/json-members.ts'

describe('repeatedMember with the parsed object', () => {
  it('finds the repeats the full scan finds, escapes, nesting and string contents included', () => {
    const texts = [
      '{}',
      '{"a":1}',
      '{"a":1,"a":2}',
      '{"a":{"b":1,"b":2}}',
      '{"a":[{"a":1}],"b":"a\\",\\"a\\":"}',
      '{"\\u0061":1,"a":2}',
      '{"a\\\\":1,"a\\\\":2}',
      '{ "x" : "," , "y" : "{" , "x" : 0 }',
      '{"__proto__":1,"__proto__":2}',
      '{"__proto__":1,"a":[1,{"__proto__":2}]}',
    ]
    for (const text of texts) expect(repeatedMember(text, JSON.parse(text)), text).toBe(repeatedMember(text))
    expect(repeatedMember('{"a":1,"a":2}', { a: 2 })).toBe('a')
    expect(repeatedMember('{"\\u0061":1,"a":2}', { a: 2 })).toBe('a')
    expect(repeatedMember('{"a":{"b":1,"b":2}}', { a: { b: 2 } })).toBeUndefined()
  })

  it('agrees with the full scan on generated objects with repeated names', () => {
    const name = fc.constantFrom('a', 'b', 'iss', '\\u0061', 'a"b', ',', '{', '__proto__')
    const value = fc.oneof(fc.integer(), fc.string(), fc.constant({ a: 1, b: [1, ','] }), fc.constant(['"', '}']))
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 6 }), fc.boolean(), (members, spaced) => {
        const gap = spaced ? ' ' : ''
        const text = `{${members.map(([n, v]) => `"${n.replace('"', '\\"')}"${gap}:${gap}${JSON.stringify(v)}`).join(`,${gap}`)}}`
        expect(repeatedMember(text, JSON.parse(text) as object), text).toBe(repeatedMember(text))
      }),
      { numRuns: 1000 },
    )
  })
})
