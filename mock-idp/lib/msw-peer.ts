// msw, the mock's optional peer, loaded when a provider is created rather than when the entry is imported,
// so that a missing msw is one clear line instead of a module-resolution stack. The build points every
// static `import ... from 'msw'` of the mock at this module (rollup.config.mjs); sources run as written.
import type * as Msw from 'msw'

/** What the mock uses of msw: its environment-neutral core. */
export type MswCore = Pick<typeof Msw, 'http' | 'HttpResponse' | 'delay' | 'getResponse'>

const INSTALL =
  'idtoken-verify/mock-idp needs msw (an optional peer dependency), which is not installed: npm install --save-dev msw'

let loaded: MswCore | undefined
let fallback: (() => Promise<MswCore>) | undefined

/**
 * Lets an entry that must run with nothing else installed (the HTTP server and its CLI) supply its own
 * bundled copy, used only where the application has no msw of its own.
 */
export function setMswFallback(load: () => Promise<MswCore>): void {
  fallback = load
}

/** True for "this specifier cannot be resolved" as Node, Deno, Bun and browsers word it. */
export function isMissingModule(error: unknown, name: string): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { code, message } = error as { code?: unknown; message?: unknown }
  if (typeof message !== 'string' || !new RegExp(`['"\`]${name}['"\`]`).test(message)) return false
  return (
    code === 'ERR_MODULE_NOT_FOUND' ||
    /cannot find|could not find|failed to resolve|not found|unable to resolve/i.test(message)
  )
}

/**
 * The one-line error for a missing msw. No stack and no cause: both would only show the resolver's frames
 * inside this package, under the one line that says what to do.
 */
export function missingMswError(): Error {
  const error = new Error(INSTALL)
  error.stack = `Error: ${INSTALL}`
  return error
}

/** The application's msw (so handlers belong to the instance its setupServer/setupWorker uses), loaded once. */
export async function loadMsw(): Promise<MswCore> {
  if (loaded !== undefined) return loaded
  let core: MswCore
  try {
    core = await import('msw')
  } catch (error) {
    if (!isMissingModule(error, 'msw')) throw error
    if (fallback === undefined) throw missingMswError()
    core = await fallback()
  }
  loaded ??= core
  return loaded
}

function current(): MswCore {
  if (loaded === undefined) throw new Error('idtoken-verify/mock-idp: msw used before createMockIdp() loaded it')
  return loaded
}

// Stand-ins with msw's own names and types, forwarding to the loaded module at call time.
export const http: MswCore['http'] = new Proxy({} as MswCore['http'], {
  get: (_, key) => Reflect.get(current().http, key),
})
export const HttpResponse: MswCore['HttpResponse'] = new Proxy(function () {} as unknown as MswCore['HttpResponse'], {
  get: (_, key) => {
    const value: unknown = Reflect.get(current().HttpResponse, key)
    return typeof value === 'function' ? value.bind(current().HttpResponse) : value
  },
  construct: (_, args) => Reflect.construct(current().HttpResponse, args),
})
export const delay: MswCore['delay'] = (...args) => current().delay(...args)
export const getResponse: MswCore['getResponse'] = (...args) => current().getResponse(...args)
