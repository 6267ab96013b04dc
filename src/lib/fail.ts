import { IdTokenError, type IdTokenErrorCode, type IdTokenErrorOptions } from './errors.ts'

// The one way the verifier fails: call sites stay on one line and TypeScript sees `never`.
export function fail(code: IdTokenErrorCode, message: string, options?: IdTokenErrorOptions): never {
  throw new IdTokenError(code, message, options)
}
