// Back-Channel Logout 1.0 §2.4/§2.6: `events` typed as an object, the required claims (exp since errata set 1),
// issuer and audience, times, `sub` or `sid`, the back-channel event member as an object, and no `nonce`.
import { describe, expect, it } from 'vitest'
import {
  BACKCHANNEL_LOGOUT_EVENT,
  checkLogoutClaims,
  checkLogoutClaimTypes,
  type LogoutTokenPayload,
} from '../../../src/lib/logout-claims.ts'
import { outcome } from '../../helpers/outcome.ts'
import { CLIENT, ISS, T, policy, without } from './policy.ts'

const BASE = {
  iss: ISS,
  aud: CLIENT,
  iat: T,
  exp: T + 120,
  jti: 'j-1',
  sub: 'user-1',
  sid: 's-1',
  events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
}

describe('checkLogoutClaimTypes', () => {
  it.each([
    ['well typed', BASE, 'ok'],
    ['events an array', { ...BASE, events: [] }, 'ERR_TOKEN_MALFORMED/events'],
    ['events a string', { ...BASE, events: BACKCHANNEL_LOGOUT_EVENT }, 'ERR_TOKEN_MALFORMED/events'],
    ['events null', { ...BASE, events: null }, 'ERR_TOKEN_MALFORMED/events'],
    ['a registered claim mistyped', { ...BASE, sid: 1 }, 'ERR_TOKEN_MALFORMED/sid'],
    ['no events (left to the claim rules)', without(BASE, 'events'), 'ok'],
  ])('%s', (_, payload, expected) => {
    expect(outcome(() => checkLogoutClaimTypes(payload))).toBe(expected)
  })
})

describe('checkLogoutClaims', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['a valid token', BASE, 'ok'],
    ['sub only', without(BASE, 'sid'), 'ok'],
    ['sid only', without(BASE, 'sub'), 'ok'],
    ...['iss', 'aud', 'iat', 'exp', 'jti', 'events'].map((claim): [string, Record<string, unknown>, string] => [
      `no ${claim}`,
      without(BASE, claim),
      `ERR_CLAIM_INVALID/${claim}`,
    ]),
    ['neither sub nor sid', without(without(BASE, 'sub'), 'sid'), 'ERR_CLAIM_INVALID/sid'],
    ['an empty sub', { ...BASE, sub: '' }, 'ERR_CLAIM_INVALID/sub'],
    ['another iss', { ...BASE, iss: 'https://evil.example.test' }, 'ERR_CLAIM_INVALID/iss'],
    ['another aud', { ...BASE, aud: 'x' }, 'ERR_CLAIM_INVALID/aud'],
    ['expired', { ...BASE, exp: T }, 'ERR_TOKEN_EXPIRED/exp'],
    ['issued in the future', { ...BASE, iat: T + 1 }, 'ERR_TOKEN_NOT_YET_VALID/iat'],
    [
      'events without the back-channel member',
      { ...BASE, events: { 'http://example.test/other': {} } },
      'ERR_CLAIM_INVALID/events',
    ],
    [
      'the member true, not an object',
      { ...BASE, events: { [BACKCHANNEL_LOGOUT_EVENT]: true } },
      'ERR_CLAIM_INVALID/events',
    ],
    ['the member an array', { ...BASE, events: { [BACKCHANNEL_LOGOUT_EVENT]: [] } }, 'ERR_CLAIM_INVALID/events'],
    ['the member with content', { ...BASE, events: { [BACKCHANNEL_LOGOUT_EVENT]: { x: 1 } } }, 'ok'],
    ['a nonce', { ...BASE, nonce: 'n' }, 'ERR_CLAIM_INVALID/nonce'],
    ['a nonce, even undefined', { ...BASE, nonce: undefined }, 'ERR_CLAIM_INVALID/nonce'],
    [
      'missing exp before another iss',
      { ...without(BASE, 'exp'), iss: 'https://evil.example.test' },
      'ERR_CLAIM_INVALID/exp',
    ],
  ])('%s', (_, payload, expected) => {
    expect(outcome(() => checkLogoutClaims(payload as unknown as LogoutTokenPayload, policy(), T))).toBe(expected)
  })
})
