// What a call ended with, as one short string a table row can hold: 'ok', an IdTokenError's code (with
// `/claim` when it names one), or the name of another error (a misuse TypeError). Never the message: the
// wording may change, the code and claim are the contract.
import { IdTokenError } from '../../src/errors.ts'

function describe(error: unknown): string {
  if (error instanceof IdTokenError) return error.claim === undefined ? error.code : `${error.code}/${error.claim}`
  if (error instanceof Error) return error.name
  throw new Error(`not an error: ${String(error)}`)
}

export function outcome(run: () => unknown): string {
  try {
    run()
    return 'ok'
  } catch (error) {
    return describe(error)
  }
}

export async function outcomeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run()
    return 'ok'
  } catch (error) {
    return describe(error)
  }
}
