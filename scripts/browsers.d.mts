// Types for browsers.mjs, for the TypeScript that imports it (the browser suites, the e2e config).
export declare const CHROMIUM: string
export declare const FIREFOX: string
export declare const CHROMIUM_ARGS: readonly string[]
export declare function chromiumLaunchOptions(): { executablePath: string; args: string[] }
export declare function firefoxLaunchOptions<E extends object = {}>(
  extra?: E,
): {
  browser: 'firefox'
  protocol: 'webDriverBiDi'
  executablePath: string
  headless: true
  extraPrefsFirefox: Record<string, boolean>
} & E
