// The built SDK, as every non-browser runner loads it. A static re-export, so Deno needs no read permission
// (static imports of local modules are allowed without --allow-read) and the runners never touch src/.
export * from '../../dist/index.js'
