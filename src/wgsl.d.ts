/** WGSL sources are imported as plain strings (Vite plugin in vite.config.ts, esbuild `text` loader for the CLI). */
declare module '*.wgsl' {
  const source: string;
  export default source;
}

/** WebAssembly text (src/cpu/wat/*.wat), imported as plain strings the same way. */
declare module '*.wat' {
  const source: string;
  export default source;
}
