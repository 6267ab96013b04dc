import { createVerifier, IdTokenError } from 'idtoken-verify'
import { redeemCode, redirectToProvider } from './oauth.js'

// From .env, inlined by Vite at build time.
const issuer = import.meta.env.VITE_OIDC_ISSUER
const clientId = import.meta.env.VITE_OIDC_CLIENT_ID
const verifier = createVerifier({ issuer, audience: clientId })

const show = (text) => (document.getElementById('result').textContent = text)
const callback = new URLSearchParams(location.search)

if (callback.has('code')) {
  const { tokens, nonce } = await redeemCode(issuer, clientId, callback)
  try {
    const { payload } = await verifier.verify(tokens.id_token, { nonce, accessToken: tokens.access_token })
    show(`Signed in as ${payload.sub}`)
  } catch (error) {
    if (!(error instanceof IdTokenError)) throw error
    show(`Sign-in failed: ${error.code}`)
  }
} else {
  const button = document.getElementById('sign-in')
  button.hidden = false
  button.onclick = () => redirectToProvider(issuer, clientId)
}
