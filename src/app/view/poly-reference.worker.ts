/**
 * Web Worker for the polynomial panel's reference line (poly-reference-text.ts): one request in, its
 * text out, keyed so the panel can drop answers for settings that are no longer current.
 */
import { type PolyReferenceInput, polyReferenceText } from './poly-reference-text';

interface WorkerScope {
  onmessage: ((e: MessageEvent<{ key: string; input: PolyReferenceInput }>) => void) | null;
  postMessage(message: { key: string; text: string }): void;
}
const scope = globalThis as unknown as WorkerScope;
scope.onmessage = (e) => {
  scope.postMessage({ key: e.data.key, text: polyReferenceText(e.data.input) });
};
