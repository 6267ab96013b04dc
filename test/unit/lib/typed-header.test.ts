// checkTypedHeader: the members no verifier may ignore (crit, b64), then the header `typ` of an explicitly typed
// token kind (RFC 8725 §3.11), compared as a media type: case-insensitive, "application/" optional.
import { describe, expect, it } from 'vitest'
import { checkTypedHeader, typRule } from '../../../src/lib/typed-header.ts'
import { outcome } from '../../helpers/outcome.ts'

const AT = typRule('at+jwt', 'an access token', 'access tokens')
const AT_UNTYPED = typRule('at+jwt', 'an access token', 'access tokens', true)
const AT_OR_JWT = typRule('at+jwt', 'an access token', 'access tokens', false, ['jwt', 'application/jwt'])

describe('checkTypedHeader', () => {
  it.each([
    ['at+jwt', AT, { alg: 'RS256', typ: 'at+jwt' }, 'ok'],
    ['application/at+jwt', AT, { alg: 'RS256', typ: 'application/at+jwt' }, 'ok'],
    ['AT+JWT (case-insensitive)', AT, { alg: 'RS256', typ: 'AT+JWT' }, 'ok'],
    ['Application/At+Jwt', AT, { alg: 'RS256', typ: 'Application/At+Jwt' }, 'ok'],
    ['JWT: another kind', AT, { alg: 'RS256', typ: 'JWT' }, 'ERR_HEADER_UNSUPPORTED'],
    ['logout+jwt: another kind', AT, { alg: 'RS256', typ: 'logout+jwt' }, 'ERR_HEADER_UNSUPPORTED'],
    ['at+jwt with a suffix', AT, { alg: 'RS256', typ: 'at+jwt; charset=utf-8' }, 'ERR_HEADER_UNSUPPORTED'],
    ['application/ twice', AT, { alg: 'RS256', typ: 'application/application/at+jwt' }, 'ERR_HEADER_UNSUPPORTED'],
    ['no typ', AT, { alg: 'RS256' }, 'ERR_HEADER_UNSUPPORTED'],
    ['no typ, allowed by the rule', AT_UNTYPED, { alg: 'RS256' }, 'ok'],
    ['another typ, not allowed by untyped', AT_UNTYPED, { alg: 'RS256', typ: 'JWT' }, 'ERR_HEADER_UNSUPPORTED'],
    ['an extra value the rule adds', AT_OR_JWT, { alg: 'RS256', typ: 'JWT' }, 'ok'],
    ['crit, even empty', AT, { alg: 'RS256', typ: 'at+jwt', crit: [] }, 'ERR_HEADER_UNSUPPORTED'],
    ['crit, even undefined', AT, { alg: 'RS256', typ: 'at+jwt', crit: undefined }, 'ERR_HEADER_UNSUPPORTED'],
    ['b64: false', AT, { alg: 'RS256', typ: 'at+jwt', b64: false }, 'ERR_HEADER_UNSUPPORTED'],
    ['b64: "true" (a string)', AT, { alg: 'RS256', typ: 'at+jwt', b64: 'true' }, 'ERR_HEADER_UNSUPPORTED'],
    ['b64: true (the default, spelled out)', AT, { alg: 'RS256', typ: 'at+jwt', b64: true }, 'ok'],
    ['crit before typ', AT, { alg: 'RS256', crit: ['exp'] }, 'ERR_HEADER_UNSUPPORTED'],
  ])('%s', (_, rule, header, expected) => {
    expect(outcome(() => checkTypedHeader(header, rule))).toBe(expected)
  })
})

describe('typRule', () => {
  it.each([
    ['logout+jwt', [], ['logout+jwt', 'application/logout+jwt']],
    ['at+jwt', ['jwt'], ['at+jwt', 'application/at+jwt', 'jwt']],
  ])('%s accepts its short and long forms, plus %j', (name, extra, types) => {
    expect([...typRule(name, 'a token', 'tokens', false, extra).types]).toEqual(types)
  })
})
