/** WGSL sources are imported as plain strings (Vite plugin in vite.config.ts, esbuild `text` loader for the CLI). */
declare module '*.wgsl' {
  const source: string;
  export default source;
}
