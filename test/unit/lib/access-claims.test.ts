// RFC 9068 §4: access-token claims typed first, then required claims, issuer, the audience claim (aud, or
// client_id for providers without aud), times, then the resource server's checks: clients, scopes, acr,
// maxAuthAge, subject.
import { describe, expect, it } from 'vitest'
import {
  ACCESS_TOKEN_CLAIMS,
  checkAccessClaims,
  checkAccessClaimTypes,
  idTokenHint,
  type AccessPolicy,
  type AccessTokenChecks,
  type AccessTokenPayload,
} from '../../../src/lib/access-claims.ts'
import { outcome } from '../../helpers/outcome.ts'
import { CLIENT, ISS, T, policy, without } from './policy.ts'

const API = 'https://api.example.test'
// Cognito's access tokens carry the app client id in client_id and no aud: the audience option names the client.
const COGNITO_CLIENT = 'app-client'
const BASE = {
  iss: ISS,
  aud: API,
  exp: T + 600,
  sub: 'user-1',
  client_id: CLIENT,
  iat: T,
  jti: 'j-1',
  scope: 'read write',
}
const ACCESS: AccessPolicy = {
  required: ['iss', 'exp', 'aud', ...ACCESS_TOKEN_CLAIMS],
  audienceClaim: 'aud',
  scopes: [],
  clientIds: undefined,
  acr: undefined,
  maxAuthAge: undefined,
}

describe('checkAccessClaimTypes', () => {
  it.each([
    ['well typed', BASE, 'ok'],
    ['client_id a number', { ...BASE, client_id: 1 }, 'ERR_TOKEN_MALFORMED/client_id'],
    ['scope an array', { ...BASE, scope: ['read'] }, 'ERR_TOKEN_MALFORMED/scope'],
    ['a registered claim mistyped (as for ID tokens)', { ...BASE, exp: '1' }, 'ERR_TOKEN_MALFORMED/exp'],
    ['no scope, no client_id', without(without(BASE, 'scope'), 'client_id'), 'ok'],
  ])('%s', (_, payload, expected) => {
    expect(outcome(() => checkAccessClaimTypes(payload))).toBe(expected)
  })
})

describe('checkAccessClaims', () => {
  it.each<[string, Record<string, unknown>, Partial<AccessPolicy>, AccessTokenChecks, string]>([
    ['a valid token', BASE, {}, {}, 'ok'],
    ...ACCESS.required.map(
      (claim): [string, Record<string, unknown>, Partial<AccessPolicy>, AccessTokenChecks, string] => [
        `no ${claim}`,
        without(BASE, claim),
        {},
        {},
        `ERR_CLAIM_INVALID/${claim}`,
      ],
    ),
    [
      'no jti where the profile does not require it',
      without(BASE, 'jti'),
      { required: ['iss', 'exp', 'aud'] },
      {},
      'ok',
    ],
    ['another iss', { ...BASE, iss: 'https://evil.example.test' }, {}, {}, 'ERR_CLAIM_INVALID/iss'],
    ['the client id as aud (an ID token’s audience)', { ...BASE, aud: 'x' }, {}, {}, 'ERR_CLAIM_INVALID/aud'],
    ['aud an array holding the API', { ...BASE, aud: ['x', API] }, {}, {}, 'ok'],
    [
      'client_id as the audience claim',
      { ...without(BASE, 'aud'), client_id: COGNITO_CLIENT },
      { audienceClaim: 'client_id', required: ['iss', 'exp', 'client_id'] },
      {},
      'ok',
    ],
    [
      'client_id as the audience claim, another client',
      { ...without(BASE, 'aud'), client_id: 'x' },
      { audienceClaim: 'client_id', required: ['iss', 'exp', 'client_id'] },
      {},
      'ERR_CLAIM_INVALID/client_id',
    ],
    ['an empty sub', { ...BASE, sub: '' }, {}, {}, 'ERR_CLAIM_INVALID/sub'],
    ['expired', { ...BASE, exp: T }, {}, {}, 'ERR_TOKEN_EXPIRED/exp'],
    ['issued in the future', { ...BASE, iat: T + 1 }, {}, {}, 'ERR_TOKEN_NOT_YET_VALID/iat'],
    ['an allowed client', BASE, { clientIds: ['x', CLIENT] }, {}, 'ok'],
    ['a client not allowed', BASE, { clientIds: ['x'] }, {}, 'ERR_CLAIM_INVALID/client_id'],
    ['the verifier’s scopes granted', BASE, { scopes: ['read', 'write'] }, {}, 'ok'],
    ['a verifier scope not granted', BASE, { scopes: ['admin'] }, {}, 'ERR_CLAIM_INVALID/scope'],
    ['a call scope not granted', BASE, { scopes: ['read'] }, { scopes: ['admin'] }, 'ERR_CLAIM_INVALID/scope'],
    ['call scopes add to the verifier’s', BASE, { scopes: ['admin'] }, { scopes: ['read'] }, 'ERR_CLAIM_INVALID/scope'],
    ['scopes are case-sensitive', BASE, {}, { scopes: ['READ'] }, 'ERR_CLAIM_INVALID/scope'],
    [
      'a scope is a whole token, not a substring',
      { ...BASE, scope: 'readonly' },
      {},
      { scopes: ['read'] },
      'ERR_CLAIM_INVALID/scope',
    ],
    [
      'no scope claim when scopes are required',
      without(BASE, 'scope'),
      {},
      { scopes: ['read'] },
      'ERR_CLAIM_INVALID/scope',
    ],
    ['an accepted acr', { ...BASE, acr: 'mfa' }, { acr: ['mfa'] }, {}, 'ok'],
    ['another acr', { ...BASE, acr: 'pwd' }, { acr: ['mfa'] }, {}, 'ERR_CLAIM_INVALID/acr'],
    ['no acr when one is required', BASE, { acr: ['mfa'] }, {}, 'ERR_CLAIM_INVALID/acr'],
    ['the call’s acr replaces the verifier’s', { ...BASE, acr: 'pwd' }, { acr: ['mfa'] }, { acr: ['pwd'] }, 'ok'],
    ['maxAuthAge without auth_time', BASE, { maxAuthAge: 300 }, {}, 'ERR_CLAIM_INVALID/auth_time'],
    [
      'auth_time older than maxAuthAge',
      { ...BASE, auth_time: T - 301 },
      { maxAuthAge: 300 },
      {},
      'ERR_CLAIM_INVALID/auth_time',
    ],
    [
      'the call’s maxAuthAge replaces the verifier’s',
      { ...BASE, auth_time: T - 301 },
      { maxAuthAge: 300 },
      { maxAuthAge: 600 },
      'ok',
    ],
    ['auth_time in the future', { ...BASE, auth_time: T + 1 }, {}, {}, 'ERR_CLAIM_INVALID/auth_time'],
    ['another subject', BASE, {}, { subject: 'user-2' }, 'ERR_CLAIM_INVALID/sub'],
    ['the expected subject', BASE, {}, { subject: 'user-1' }, 'ok'],
    [
      'another iss and another client: iss first',
      { ...BASE, iss: 'https://evil.example.test' },
      { clientIds: ['x'] },
      {},
      'ERR_CLAIM_INVALID/iss',
    ],
  ])('%s', (_, payload, access, checks, expected) => {
    const run = () =>
      checkAccessClaims(
        payload as unknown as AccessTokenPayload,
        policy({ audiences: [API, COGNITO_CLIENT] }),
        { ...ACCESS, ...access },
        checks,
        T,
      )
    expect(outcome(run)).toBe(expected)
  })
})

describe('idTokenHint', () => {
  it.each([
    [{ nonce: 'n' }, true],
    [{ at_hash: 'x' }, true],
    [{ c_hash: 'x' }, true],
    [{ scope: 'read', client_id: 'c' }, false],
    [{}, false],
  ])('%j looks like an ID token: %s', (payload, expected) => {
    expect(idTokenHint(payload) !== '').toBe(expected)
  })
})
