// The ID-token header: member types first (ERR_TOKEN_MALFORMED), then what a verifier must refuse: crit, b64
// other than true, and a typ naming another token kind (compared as a media type, case-insensitively).
import { describe, expect, it } from 'vitest'
import { checkHeader, checkHeaderSupported, type JwsHeader } from '../../../src/lib/header.ts'
import { outcome } from '../../helpers/outcome.ts'

describe('checkHeader', () => {
  it.each([
    ['alg only', { alg: 'RS256' }, 'ok'],
    ['alg, kid and typ', { alg: 'RS256', kid: 'k', typ: 'JWT' }, 'ok'],
    ['other members of any type', { alg: 'RS256', x5t: 1, jwk: {} }, 'ok'],
    ['no alg', { kid: 'k' }, 'ERR_TOKEN_MALFORMED'],
    ['alg not a string', { alg: ['RS256'] }, 'ERR_TOKEN_MALFORMED'],
    ['alg null', { alg: null }, 'ERR_TOKEN_MALFORMED'],
    ['kid a number', { alg: 'RS256', kid: 1 }, 'ERR_TOKEN_MALFORMED'],
    ['kid null', { alg: 'RS256', kid: null }, 'ERR_TOKEN_MALFORMED'],
    ['typ an object', { alg: 'RS256', typ: {} }, 'ERR_TOKEN_MALFORMED'],
  ])('%s', (_, header, expected) => {
    expect(outcome(() => checkHeader(header))).toBe(expected)
  })
})

describe('checkHeaderSupported', () => {
  it.each<[string, JwsHeader, string]>([
    ['no typ', { alg: 'RS256' }, 'ok'],
    ['typ JWT', { alg: 'RS256', typ: 'JWT' }, 'ok'],
    ['typ jwt', { alg: 'RS256', typ: 'jwt' }, 'ok'],
    ['typ application/jwt', { alg: 'RS256', typ: 'application/jwt' }, 'ok'],
    ['typ Application/JWT', { alg: 'RS256', typ: 'Application/JWT' }, 'ok'],
    ['typ at+jwt', { alg: 'RS256', typ: 'at+jwt' }, 'ERR_HEADER_UNSUPPORTED'],
    ['typ logout+jwt', { alg: 'RS256', typ: 'logout+jwt' }, 'ERR_HEADER_UNSUPPORTED'],
    ['typ secevent+jwt', { alg: 'RS256', typ: 'secevent+jwt' }, 'ERR_HEADER_UNSUPPORTED'],
    ['typ JOSE', { alg: 'RS256', typ: 'JOSE' }, 'ERR_HEADER_UNSUPPORTED'],
    ['an empty typ', { alg: 'RS256', typ: '' }, 'ERR_HEADER_UNSUPPORTED'],
    ['crit', { alg: 'RS256', crit: ['exp'] }, 'ERR_HEADER_UNSUPPORTED'],
    ['crit, empty', { alg: 'RS256', crit: [] }, 'ERR_HEADER_UNSUPPORTED'],
    ['b64 false', { alg: 'RS256', b64: false }, 'ERR_HEADER_UNSUPPORTED'],
    ['b64 true', { alg: 'RS256', b64: true }, 'ok'],
  ])('%s', (_, header, expected) => {
    expect(outcome(() => checkHeaderSupported(header))).toBe(expected)
  })
})
