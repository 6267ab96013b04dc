// MSW handlers: one per endpoint of ENDPOINTS, from msw core only, so they run under setupServer,
// setupWorker and the real HTTP server alike. Each goes: fault/log -> key schedule -> CORS.
import type { RequestHandler } from 'msw'
import { ENDPOINT_NAMES, ENDPOINTS, type EndpointContext } from './endpoints.ts'
import type { FaultState } from './faults.ts'
import { route } from './http.ts'
import type { KeyRing } from './keys.ts'
import type { MockIdpEndpoint } from '../types.ts'

export interface HandlerContext extends EndpointContext {
  endpoints: Readonly<Record<MockIdpEndpoint, string>>
  ring: KeyRing
  faults: FaultState
}

/** The handler of one endpoint, at its URL in `ctx.endpoints`. */
export function endpointHandler(ctx: HandlerContext, name: MockIdpEndpoint): RequestHandler {
  const spec = ENDPOINTS[name]
  return route(
    ctx.endpoints[name],
    spec.methods,
    async (request) => {
      await ctx.ring.applySchedule()
      return spec.serve(ctx, request)
    },
    { around: (request, answer) => ctx.faults.apply(name, request, answer) },
  )
}

export function createHandlers(ctx: HandlerContext): RequestHandler[] {
  return ENDPOINT_NAMES.map((name) => endpointHandler(ctx, name))
}
