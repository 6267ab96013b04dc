// The ID-token claim rules: registered claims type-checked first (ERR_TOKEN_MALFORMED), then OpenID Connect
// Core 3.1.3.7 in its order, then the per-call checks; at_hash and c_hash with the hash of the token's alg.
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  checkClaims,
  checkClaimTypes,
  checkTokenHashes,
  type IdTokenPayload,
  type VerifyChecks,
} from '../../../src/lib/claims.ts'
import type { ClaimPolicy } from '../../../src/lib/jwt-claims.ts'
import { outcome, outcomeOf } from '../../helpers/outcome.ts'
import { CLIENT, ISS, T, policy, without } from './policy.ts'

const BASE = { iss: ISS, sub: 'user-1', aud: CLIENT, exp: T + 600, iat: T }
const without_ = (claim: string) => without(BASE, claim)

describe('checkClaimTypes', () => {
  it.each([
    [
      'the registered claims, well typed',
      {
        ...BASE,
        nbf: T,
        auth_time: T,
        nonce: 'n',
        azp: CLIENT,
        amr: ['pwd'],
        sid: 's',
        jti: 'j',
        acr: '1',
        at_hash: 'x',
        c_hash: 'y',
      },
      'ok',
    ],
    ['aud as an array of strings', { ...BASE, aud: [CLIENT, 'x'] }, 'ok'],
    ['other claims of any type', { ...BASE, email: 5, groups: { a: 1 }, roles: null }, 'ok'],
    ['iss a number', { ...BASE, iss: 1 }, 'ERR_TOKEN_MALFORMED/iss'],
    ['sub null', { ...BASE, sub: null }, 'ERR_TOKEN_MALFORMED/sub'],
    ['aud a number', { ...BASE, aud: 1 }, 'ERR_TOKEN_MALFORMED/aud'],
    ['aud an array holding a number', { ...BASE, aud: [CLIENT, 1] }, 'ERR_TOKEN_MALFORMED/aud'],
    ['exp a string', { ...BASE, exp: String(T) }, 'ERR_TOKEN_MALFORMED/exp'],
    ['exp infinite (JSON 1e999)', { ...BASE, exp: Number.POSITIVE_INFINITY }, 'ERR_TOKEN_MALFORMED/exp'],
    ['iat NaN', { ...BASE, iat: Number.NaN }, 'ERR_TOKEN_MALFORMED/iat'],
    ['nbf null', { ...BASE, nbf: null }, 'ERR_TOKEN_MALFORMED/nbf'],
    ['auth_time a string', { ...BASE, auth_time: '1' }, 'ERR_TOKEN_MALFORMED/auth_time'],
    ['nonce a number', { ...BASE, nonce: 1 }, 'ERR_TOKEN_MALFORMED/nonce'],
    ['azp an array', { ...BASE, azp: [CLIENT] }, 'ERR_TOKEN_MALFORMED/azp'],
    ['at_hash a number', { ...BASE, at_hash: 1 }, 'ERR_TOKEN_MALFORMED/at_hash'],
    ['c_hash an object', { ...BASE, c_hash: {} }, 'ERR_TOKEN_MALFORMED/c_hash'],
    ['acr a number', { ...BASE, acr: 1 }, 'ERR_TOKEN_MALFORMED/acr'],
    ['amr a string', { ...BASE, amr: 'pwd' }, 'ERR_TOKEN_MALFORMED/amr'],
    ['amr an array holding a number', { ...BASE, amr: ['pwd', 1] }, 'ERR_TOKEN_MALFORMED/amr'],
    ['sid a number', { ...BASE, sid: 1 }, 'ERR_TOKEN_MALFORMED/sid'],
    ['jti a boolean', { ...BASE, jti: true }, 'ERR_TOKEN_MALFORMED/jti'],
    ['an inherited claim is not the token’s', Object.assign(Object.create({ iss: 1 }) as object, { sub: 'u' }), 'ok'],
  ])('%s', (_, payload, expected) => {
    expect(outcome(() => checkClaimTypes(payload as Record<string, unknown>))).toBe(expected)
  })
})

describe('checkClaims', () => {
  it.each<[string, Record<string, unknown>, Partial<ClaimPolicy>, VerifyChecks, string]>([
    ['a valid token', BASE, {}, {}, 'ok'],
    ['no iss', without_('iss'), {}, {}, 'ERR_CLAIM_INVALID/iss'],
    ['no sub', without_('sub'), {}, {}, 'ERR_CLAIM_INVALID/sub'],
    ['no aud', without_('aud'), {}, {}, 'ERR_CLAIM_INVALID/aud'],
    ['no exp', without_('exp'), {}, {}, 'ERR_CLAIM_INVALID/exp'],
    ['no iat', without_('iat'), {}, {}, 'ERR_CLAIM_INVALID/iat'],
    ['another iss', { ...BASE, iss: 'https://other.example.test' }, {}, {}, 'ERR_CLAIM_INVALID/iss'],
    ['iss with a trailing slash', { ...BASE, iss: `${ISS}/` }, {}, {}, 'ERR_CLAIM_INVALID/iss'],
    ['iss matching a template', { ...BASE, iss: 'https://login.example.test/t-1' }, {}, {}, 'ok'],
    ['another aud', { ...BASE, aud: 'client-3' }, {}, {}, 'ERR_CLAIM_INVALID/aud'],
    ['aud: the second configured audience', { ...BASE, aud: 'client-2' }, {}, {}, 'ok'],
    ['several aud without azp', { ...BASE, aud: [CLIENT, 'x'] }, {}, {}, 'ERR_CLAIM_INVALID/azp'],
    ['several aud with azp', { ...BASE, aud: [CLIENT, 'x'], azp: CLIENT }, {}, {}, 'ok'],
    ['several aud, none configured', { ...BASE, aud: ['x', 'y'], azp: CLIENT }, {}, {}, 'ERR_CLAIM_INVALID/aud'],
    ['azp another client', { ...BASE, azp: 'x' }, {}, {}, 'ERR_CLAIM_INVALID/azp'],
    ['an empty sub', { ...BASE, sub: '' }, {}, {}, 'ERR_CLAIM_INVALID/sub'],
    ['exp now', { ...BASE, exp: T }, {}, {}, 'ERR_TOKEN_EXPIRED/exp'],
    ['exp a second from now', { ...BASE, exp: T + 1 }, {}, {}, 'ok'],
    ['exp within the tolerance', { ...BASE, exp: T - 30 }, { clockTolerance: 60 }, {}, 'ok'],
    ['exp beyond the tolerance', { ...BASE, exp: T - 60 }, { clockTolerance: 60 }, {}, 'ERR_TOKEN_EXPIRED/exp'],
    ['nbf now', { ...BASE, nbf: T }, {}, {}, 'ok'],
    ['nbf in a second', { ...BASE, nbf: T + 1 }, {}, {}, 'ERR_TOKEN_NOT_YET_VALID/nbf'],
    ['nbf within the tolerance', { ...BASE, nbf: T + 60 }, { clockTolerance: 60 }, {}, 'ok'],
    ['iat in a second', { ...BASE, iat: T + 1 }, {}, {}, 'ERR_TOKEN_NOT_YET_VALID/iat'],
    ['iat older than maxTokenAge', { ...BASE, iat: T - 301 }, { maxTokenAge: 300 }, {}, 'ERR_CLAIM_INVALID/iat'],
    ['iat exactly maxTokenAge ago', { ...BASE, iat: T - 300 }, { maxTokenAge: 300 }, {}, 'ok'],
    ['iat long ago, no maxTokenAge', { ...BASE, iat: T - 86_400 }, {}, {}, 'ok'],
    ['the nonce', { ...BASE, nonce: 'n-1' }, {}, { nonce: 'n-1' }, 'ok'],
    ['another nonce', { ...BASE, nonce: 'n-2' }, {}, { nonce: 'n-1' }, 'ERR_CLAIM_INVALID/nonce'],
    ['no nonce when one is expected', BASE, {}, { nonce: 'n-1' }, 'ERR_CLAIM_INVALID/nonce'],
    ['a nonce nobody asked about', { ...BASE, nonce: 'n-2' }, {}, {}, 'ok'],
    ['maxAge without auth_time', BASE, {}, { maxAge: 300 }, 'ERR_CLAIM_INVALID/auth_time'],
    [
      'auth_time older than maxAge',
      { ...BASE, auth_time: T - 301 },
      {},
      { maxAge: 300 },
      'ERR_CLAIM_INVALID/auth_time',
    ],
    ['auth_time exactly maxAge ago', { ...BASE, auth_time: T - 300 }, {}, { maxAge: 300 }, 'ok'],
    ['auth_time in the future', { ...BASE, auth_time: T + 1 }, {}, {}, 'ERR_CLAIM_INVALID/auth_time'],
    ['the expected subject', BASE, {}, { subject: 'user-1' }, 'ok'],
    ['another subject', BASE, {}, { subject: 'user-2' }, 'ERR_CLAIM_INVALID/sub'],
    // The order of OpenID Connect Core 3.1.3.7: issuer, audience, azp, then times, then the per-call checks.
    [
      'another iss, and expired',
      { ...BASE, iss: 'https://other.example.test', exp: T - 1 },
      {},
      {},
      'ERR_CLAIM_INVALID/iss',
    ],
    ['another aud, and expired', { ...BASE, aud: 'x', exp: T - 1 }, {}, {}, 'ERR_CLAIM_INVALID/aud'],
    ['expired, and another nonce', { ...BASE, exp: T - 1 }, {}, { nonce: 'n' }, 'ERR_TOKEN_EXPIRED/exp'],
  ])('%s', (_, payload, over, checks, expected) => {
    expect(outcome(() => checkClaims(payload as unknown as IdTokenPayload, policy(over), checks, T))).toBe(expected)
  })
})

const leftHalf = (hash: 'sha256' | 'sha384', value: string) => {
  const digest = createHash(hash).update(value, 'ascii').digest()
  return digest.subarray(0, digest.length / 2).toString('base64url')
}

describe('checkTokenHashes', () => {
  it.each<[string, Record<string, unknown>, VerifyChecks, 'SHA-256' | 'SHA-384', string]>([
    ['at_hash of the access token', { at_hash: leftHalf('sha256', 'at-1') }, { accessToken: 'at-1' }, 'SHA-256', 'ok'],
    [
      'at_hash of another access token',
      { at_hash: leftHalf('sha256', 'at-2') },
      { accessToken: 'at-1' },
      'SHA-256',
      'ERR_CLAIM_INVALID/at_hash',
    ],
    [
      'at_hash with another hash than the alg’s',
      { at_hash: leftHalf('sha256', 'at-1') },
      { accessToken: 'at-1' },
      'SHA-384',
      'ERR_CLAIM_INVALID/at_hash',
    ],
    [
      'at_hash with the alg’s SHA-384',
      { at_hash: leftHalf('sha384', 'at-1') },
      { accessToken: 'at-1' },
      'SHA-384',
      'ok',
    ],
    ['no at_hash when an access token is given', {}, { accessToken: 'at-1' }, 'SHA-256', 'ERR_CLAIM_INVALID/at_hash'],
    ['c_hash of the code', { c_hash: leftHalf('sha256', 'code-1') }, { code: 'code-1' }, 'SHA-256', 'ok'],
    [
      'c_hash of another code',
      { c_hash: leftHalf('sha256', 'code-2') },
      { code: 'code-1' },
      'SHA-256',
      'ERR_CLAIM_INVALID/c_hash',
    ],
    ['no c_hash when a code is given', {}, { code: 'code-1' }, 'SHA-256', 'ERR_CLAIM_INVALID/c_hash'],
    [
      'the full hash, not its left half',
      { at_hash: createHash('sha256').update('at-1').digest('base64url') },
      { accessToken: 'at-1' },
      'SHA-256',
      'ERR_CLAIM_INVALID/at_hash',
    ],
    ['hashes nobody asked about', { at_hash: 'x', c_hash: 'y' }, {}, 'SHA-256', 'ok'],
  ])('%s', async (_, claims, checks, hash, expected) => {
    const payload = { ...BASE, ...claims } as unknown as IdTokenPayload
    expect(await outcomeOf(() => checkTokenHashes(payload, checks, hash))).toBe(expected)
  })
})
