// The claim rules access and logout tokens share with ID tokens: required claims, issuer and audience, the
// times (each only when present), and a non-empty `sub`.
import { describe, expect, it } from 'vitest'
import type { ClaimPolicy } from '../../../src/lib/jwt-claims.ts'
import {
  checkIssuerAndAudience,
  checkRequired,
  checkSubject,
  checkTimes,
  type JwtClaims,
} from '../../../src/lib/jwt-claims.ts'
import { outcome } from '../../helpers/outcome.ts'
import { CLIENT, ISS, T, policy } from './policy.ts'

describe('checkRequired', () => {
  it.each([
    ['all present', { a: 1, b: undefined }, ['a', 'b'], 'ok'],
    ['none required', {}, [], 'ok'],
    ['the first missing is named', { b: 1 }, ['a', 'b', 'c'], 'ERR_CLAIM_INVALID/a'],
    ['a later one missing', { a: 1, b: 1 }, ['a', 'b', 'c'], 'ERR_CLAIM_INVALID/c'],
    ['an inherited one is missing', Object.create({ a: 1 }) as object, ['a'], 'ERR_CLAIM_INVALID/a'],
  ])('%s', (_, payload, names, expected) => {
    expect(outcome(() => checkRequired(payload as Record<string, unknown>, names))).toBe(expected)
  })
})

describe('checkIssuerAndAudience', () => {
  it.each([
    ['configured iss and aud', { iss: ISS, aud: CLIENT }, 'ok'],
    ['aud an array holding a configured one', { iss: ISS, aud: ['x', 'client-2'] }, 'ok'],
    ['a template iss', { iss: 'https://login.example.test/abc', aud: CLIENT }, 'ok'],
    ['another iss', { iss: 'https://evil.example.test', aud: CLIENT }, 'ERR_CLAIM_INVALID/iss'],
    ['another aud', { iss: ISS, aud: 'x' }, 'ERR_CLAIM_INVALID/aud'],
    ['an empty aud array', { iss: ISS, aud: [] }, 'ERR_CLAIM_INVALID/aud'],
    ['iss is checked before aud', { iss: 'https://evil.example.test', aud: 'x' }, 'ERR_CLAIM_INVALID/iss'],
  ])('%s', (_, payload, expected) => {
    expect(outcome(() => checkIssuerAndAudience(payload as JwtClaims, policy()))).toBe(expected)
  })
})

describe('checkTimes', () => {
  it.each<[string, Omit<JwtClaims, 'iss'>, Partial<ClaimPolicy>, string]>([
    ['no times at all', {}, {}, 'ok'],
    ['exp ahead, iat now', { exp: T + 1, iat: T }, {}, 'ok'],
    ['exp now', { exp: T }, {}, 'ERR_TOKEN_EXPIRED/exp'],
    ['exp within the tolerance', { exp: T - 59 }, { clockTolerance: 60 }, 'ok'],
    ['exp at the tolerance', { exp: T - 60 }, { clockTolerance: 60 }, 'ERR_TOKEN_EXPIRED/exp'],
    ['nbf now', { nbf: T }, {}, 'ok'],
    ['nbf ahead', { nbf: T + 1 }, {}, 'ERR_TOKEN_NOT_YET_VALID/nbf'],
    ['nbf within the tolerance', { nbf: T + 60 }, { clockTolerance: 60 }, 'ok'],
    ['iat ahead', { iat: T + 1 }, {}, 'ERR_TOKEN_NOT_YET_VALID/iat'],
    ['iat within the tolerance', { iat: T + 60 }, { clockTolerance: 60 }, 'ok'],
    ['iat older than maxTokenAge', { iat: T - 121 }, { maxTokenAge: 120 }, 'ERR_CLAIM_INVALID/iat'],
    ['iat exactly maxTokenAge ago', { iat: T - 120 }, { maxTokenAge: 120 }, 'ok'],
    ['iat older, within maxTokenAge plus tolerance', { iat: T - 150 }, { maxTokenAge: 120, clockTolerance: 30 }, 'ok'],
    ['no iat: maxTokenAge does not apply', {}, { maxTokenAge: 120 }, 'ok'],
    ['expired and not yet valid: exp first', { exp: T, nbf: T + 10 }, {}, 'ERR_TOKEN_EXPIRED/exp'],
  ])('%s', (_, times, over, expected) => {
    expect(outcome(() => checkTimes({ iss: ISS, ...times }, policy(over), T))).toBe(expected)
  })
})

describe('checkSubject', () => {
  it.each([
    ['a subject', { iss: ISS, sub: 'u' }, 'ok'],
    ['no subject', { iss: ISS }, 'ok'],
    ['an empty subject', { iss: ISS, sub: '' }, 'ERR_CLAIM_INVALID/sub'],
  ])('%s', (_, payload, expected) => {
    expect(outcome(() => checkSubject(payload))).toBe(expected)
  })
})
