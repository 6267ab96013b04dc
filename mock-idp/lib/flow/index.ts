// The login flow without a login page: one module per endpoint (authorize, token, userinfo, end-session,
// revoke) over one shared state.
import { authorize } from './authorize.ts'
import { endSession } from './end-session.ts'
import { revoke } from './revoke.ts'
import { createFlowState, resetFlowState, type FlowContext } from './state.ts'
import { token } from './token.ts'
import { userinfo } from './userinfo.ts'

export type { FlowContext } from './state.ts'

export interface Flow {
  authorize(request: Request): Promise<Response>
  token(request: Request): Promise<Response>
  userinfo(request: Request): Promise<Response>
  endSession(request: Request): Promise<Response>
  revoke(request: Request): Promise<Response>
  reset(): void
}

export function createFlow(ctx: FlowContext): Flow {
  const state = createFlowState(ctx)
  return {
    authorize: (request) => authorize(state, request),
    token: (request) => token(state, request),
    userinfo: (request) => userinfo(state, request),
    endSession: (request) => endSession(state, request),
    revoke: (request) => revoke(state, request),
    reset: () => resetFlowState(state),
  }
}
