import { IdTokenError, type IdTokenErrorCode } from '../errors.ts'

// A throw helper keeps call sites on one line and lets TypeScript see `never`.
export function fail(code: IdTokenErrorCode, message: string, claim?: string, cause?: unknown): never {
  const options: { claim?: string; cause?: unknown } = {}
  if (claim !== undefined) options.claim = claim
  if (cause !== undefined) options.cause = cause
  throw new IdTokenError(code, message, options)
}
