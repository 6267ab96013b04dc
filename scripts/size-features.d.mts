// Types for scripts/size-features.mjs, so that test/scripts/size-features.test.ts can import it under strict TypeScript.

export interface Feature {
  readonly what: string
  /** Per module path: the stub's whole text, or an edit of the module's text. */
  readonly modules: Readonly<Record<string, string | ((text: string, file: string) => string)>>
}

/** The priced features, by name. */
export declare const FEATURES: Record<string, Feature>

/** gzip bytes of the createVerifier bundle with `features` stubbed and, with `noStrings`, every string literal emptied. */
export declare function bundleSize(features?: readonly string[], noStrings?: boolean): Promise<number>

export interface FeaturePrices {
  readonly base: number
  readonly rows: ReadonlyArray<{ readonly name: string; readonly what: string; readonly saves: number }>
  readonly allFeatures: number
  readonly messages: number
  readonly everything: number
}

export declare function priceFeatures(): Promise<FeaturePrices>
