// Misuse is a TypeError, thrown at once, never an IdTokenError: node misuse.mjs
import { createVerifier, IdTokenError } from 'idtoken-verify'

try {
  createVerifier({ issuer: 'https://login.example.com' }) // no audience
} catch (error) {
  console.log(`${error.name}: ${error.message}`) // TypeError: createVerifier: "audience" must be ...
}

const verifier = createVerifier({ issuer: 'https://login.example.com', audience: 'my-client-id' })
try {
  await verifier.verify('a.b.c', { maxAge: '300' }) // maxAge must be a number of seconds
} catch (error) {
  console.log(`${error.name}: ${error.message}`, error instanceof IdTokenError)
}
