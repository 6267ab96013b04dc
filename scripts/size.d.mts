// Types for scripts/size.mjs, so that test/scripts/size.test.ts can import it under strict TypeScript.

/** The gzip budget of the browser bundle of `import { createVerifier }`, in bytes. */
export declare const BUDGET_GZIP: number

export interface BundleSizes {
  /** Bundled, not minified. */
  readonly raw: number
  readonly min: number
  /** zlib level 9. */
  readonly gzip: number
  /** quality 11. */
  readonly brotli: number
}

export interface SizeReport {
  readonly entry: string
  readonly budget: { readonly gzip: number }
  readonly sizes: BundleSizes
  readonly overBudget: boolean
  /** Browser-safety failures: node: or bare imports, require, mock-idp/ or dependency files. */
  readonly problems: readonly string[]
  readonly ok: boolean
  readonly contributors: ReadonlyArray<{ readonly file: string; readonly bytes: number }>
  readonly compare?: { readonly name: string; readonly sizes: BundleSizes }
}

export declare function measureSize(options?: { entry?: string; compare?: boolean }): Promise<SizeReport>

/** The esbuild options every size figure uses: how an application bundler builds for the browser. */
export declare const BROWSER_BUNDLE: Readonly<Record<string, unknown>>

/** zlib level 9 size of `bytes`. */
export declare function gzipBytes(bytes: Uint8Array): number
