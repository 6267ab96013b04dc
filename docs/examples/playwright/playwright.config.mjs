// Playwright for the two recipes: the Vite SPA under `vite` and the server-rendered app under node.
import { defineConfig } from '@playwright/test'

const vitePort = Number(process.env.VITE_PORT ?? 5173)
const appPort = Number(process.env.APP_PORT ?? 3000)
const idpPort = Number(process.env.IDP_PORT ?? 4010) // the provider's fixed port: the app is started with its URL

export default defineConfig({
  testDir: '.',
  workers: 1, // one app server, one provider port
  use: {
    launchOptions: process.env.CHROMIUM === undefined ? {} : { executablePath: process.env.CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] },
  },
  webServer: [
    {
      command: `npx vite --host 127.0.0.1 --port ${vitePort} --strictPort`,
      cwd: '../vite-spa',
      url: `http://127.0.0.1:${vitePort}`,
    },
    {
      command: 'node server-app.mjs',
      env: { PORT: String(appPort), OIDC_ISSUER: `http://127.0.0.1:${idpPort}`, OIDC_CLIENT_ID: 'my-app', OIDC_CLIENT_SECRET: 'test-secret' },
      url: `http://127.0.0.1:${appPort}`,
    },
  ],
  projects: [
    { name: 'vite-spa', testMatch: 'vite-spa.spec.mjs', use: { baseURL: `http://127.0.0.1:${vitePort}` } },
    { name: 'server-app', testMatch: 'server-app.spec.mjs' },
  ],
})
