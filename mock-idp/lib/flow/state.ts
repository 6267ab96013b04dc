// What the login flow's endpoints share: the provider's context, and the codes, refresh tokens, claims and
// revocations one endpoint records and another reads.
import type { SignInContext } from '../sign-in.ts'
import type { TokenContext } from '../tokens.ts'
import type { MockIdpClient } from '../../types.ts'

export interface FlowContext extends TokenContext, SignInContext {
  now(): number
  codeTtl: number
  clients: readonly MockIdpClient[]
}

/** What a code or a refresh token stands for. */
export interface Grant {
  clientId: string
  sub: string
  claims: Record<string, unknown>
  scope: string
  authTime: number
}

export interface CodeRecord extends Grant {
  redirectUri: string
  codeChallenge: string | undefined
  nonce: string | undefined
  expiresAt: number
  used: boolean
}

export interface FlowState {
  readonly ctx: FlowContext
  /** Issued by the authorization endpoint, redeemed once at the token endpoint. */
  readonly codes: Map<string, CodeRecord>
  /** Issued by the token endpoint; revocable. */
  readonly refreshTokens: Map<string, Grant>
  /** The claims each user signed in with, for userinfo. */
  readonly userClaims: Map<string, Record<string, unknown>>
  /** Access tokens are JWTs the provider keeps no record of: a revoked one is remembered by `jti`. */
  readonly revokedAccessTokens: Set<string>
}

export function createFlowState(ctx: FlowContext): FlowState {
  return { ctx, codes: new Map(), refreshTokens: new Map(), userClaims: new Map(), revokedAccessTokens: new Set() }
}

export function resetFlowState(state: FlowState): void {
  state.codes.clear()
  state.refreshTokens.clear()
  state.revokedAccessTokens.clear()
  state.userClaims.clear()
}
