/**
 * WAT text to a compiled WebAssembly.Module with wabt (the reference WebAssembly text assembler,
 * itself compiled to wasm: it knows every opcode and names the line of a malformed instruction, which
 * a hand-written binary emitter would not). No platform imports: runs in Node and in the browser;
 * Node's on-disk cache of assembled binaries is wat-lib.ts's compileWat.
 */

/** The part of wabt's API used here. */
interface Wabt {
  parseWat(
    filename: string,
    text: Uint8Array,
    features: Record<string, boolean>,
  ): { toBinary(options: object): { buffer: Uint8Array<ArrayBuffer> }; destroy(): void };
}
let wabt: Promise<Wabt> | undefined;

/** wabt, loaded on first use (a dynamic import: the GPU path never loads it). */
function loadWabt(): Promise<Wabt> {
  wabt ??= import('wabt').then((m) => (m.default as unknown as () => Promise<Wabt>)());
  return wabt;
}

/**
 * Assembles a whole `(module …)` text to its binary. A text that does not assemble is a bug of the
 * kernel generator, never of user input (user formulas reach here only as the output of a closed
 * grammar), so the error carries wabt's message, which names the line and column, and the module's name.
 */
export async function assembleWat(moduleText: string, name: string): Promise<Uint8Array<ArrayBuffer>> {
  const w = await loadWabt();
  let parsed: ReturnType<Wabt['parseWat']> | undefined;
  try {
    // As UTF-8 bytes: wabt's string path keeps one byte per UTF-16 unit, which turns a '⌊' in a
    // comment into a newline.
    parsed = w.parseWat(`${name}.wat`, new TextEncoder().encode(moduleText), {
      simd: true,
      threads: true,
      multi_value: true,
    });
    // (wabt's validate() ignores the features given to parseWat: WebAssembly.compile validates instead.)
    return parsed.toBinary({}).buffer;
  } catch (err) {
    throw new Error(
      `CPU kernel ${name} does not assemble: ${err instanceof Error ? err.message : String(err)}`,
    );
  } finally {
    parsed?.destroy();
  }
}

/** Compiles an assembled binary, naming the module in the error. */
export async function compileBinary(
  bytes: Uint8Array<ArrayBuffer>,
  name: string,
): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes);
  } catch (err) {
    throw new Error(
      `CPU kernel ${name} does not compile: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** assembleWat then compileBinary, with no cache (the browser's path). */
export async function compileWatUncached(moduleText: string, name: string): Promise<WebAssembly.Module> {
  return compileBinary(await assembleWat(moduleText, name), name);
}
