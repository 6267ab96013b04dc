// Types for boundary.mjs, for the TypeScript that imports it (test/bench/smoke.test.ts).
export declare const WAIT_MS: number

export interface BoundaryRow {
  readonly label: string
  readonly count: number
  readonly p50: number
  readonly p99: number
  readonly max: number
  /** Slower than WAIT_MS with a provider answer sent while pending: they waited on the network. */
  readonly waited: number
  /** Slower than WAIT_MS with no answer sent meanwhile: held up by the event loop. */
  readonly stalled: number
}

export interface BoundaryReport {
  readonly maxAge: number
  readonly latency: number
  readonly lifetimeMs: number
  readonly windowMs: number
  /** One row per key-set copy's expiry inside the run, then `overall`. */
  readonly rows: readonly BoundaryRow[]
  readonly verifications: number
  readonly failed: number
  readonly rate: number
  readonly requests: { readonly discovery: number; readonly jwks: number; readonly notModified: number }
  readonly withdrawn: {
    readonly probes: number
    readonly verified: number
    readonly refused: number
    /** Verified although the last copy that held the key was past its max-age: the target is 0. */
    readonly afterMaxAge: number
    readonly lastPastMaxAgeMs: number
  }
  readonly timeline: {
    readonly slow: readonly { readonly at: number; readonly ms: number; readonly network: boolean }[]
    readonly answers: readonly { readonly path: string; readonly status: number; readonly at: number }[]
    readonly withdrawnAt: number
  }
  readonly pass: boolean
  readonly seconds: number
}

export declare function runBoundary(options: {
  /** The SDK's entry module (createVerifier is used). */
  readonly sdk: unknown
  /** The provider's max-age, in seconds. Default 2. */
  readonly maxAge?: number
  /** Lifetimes to run across. Default 5. */
  readonly boundaries?: number
  /** Milliseconds the provider holds every answer back. Default 50. */
  readonly latency?: number
  /** Milliseconds between two verifications. Default 1. */
  readonly interval?: number
  /** More createVerifier options. */
  readonly verifierOptions?: Readonly<Record<string, unknown>>
  readonly log?: (line: string) => void
}): Promise<BoundaryReport>
export declare function formatBoundary(report: BoundaryReport): string
export declare function formatBoundaryComparison(reports: Readonly<Record<string, BoundaryReport>>): string
