export {
  ERROR_CODES,
  IdTokenError,
  type IdTokenErrorCode,
  type IdTokenErrorOptions,
  type IdTokenErrorReason,
} from './lib/errors.ts'
