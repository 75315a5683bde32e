/**
 * Every GPU → CPU read in src/ goes through here (the only `mapAsync`): one place that knows a staging
 * buffer must be unmapped before its next use and that the mapped range dies with the unmap, so each
 * read returns a copy.
 */

/** One copy into a staging buffer: `bytes` of `source` from `sourceOffset` (COPY_SRC) to `stagingOffset`. */
export interface ReadCopy {
  readonly source: GPUBuffer;
  readonly bytes: number;
  readonly sourceOffset?: number;
  readonly stagingOffset?: number;
}

/**
 * Maps a staging buffer (MAP_READ) whose copies are already submitted and returns a copy of its first
 * `bytes`; the buffer is unmapped again, so a persistent staging buffer can be reused.
 */
export async function readStaging(staging: GPUBuffer, bytes = staging.size): Promise<ArrayBuffer> {
  await staging.mapAsync(GPUMapMode.READ);
  try {
    return staging.getMappedRange().slice(0, bytes);
  } finally {
    staging.unmap();
  }
}

/**
 * Encodes `copies` into `encoder` (or a new one), submits it and reads the copied bytes back through a
 * staging buffer: `staging` when given (reused, never destroyed here), else a fresh one destroyed after.
 */
export async function submitAndRead(
  device: GPUDevice,
  copies: readonly ReadCopy[],
  label = 'readback',
  encoder: GPUCommandEncoder = device.createCommandEncoder({ label }),
  staging?: GPUBuffer,
): Promise<ArrayBuffer> {
  const bytes = Math.max(0, ...copies.map((c) => (c.stagingOffset ?? 0) + c.bytes));
  // A fresh buffer is never empty (an empty read still maps something).
  const target =
    staging ??
    device.createBuffer({
      label,
      size: Math.max(16, bytes),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
  try {
    for (const c of copies)
      encoder.copyBufferToBuffer(c.source, c.sourceOffset ?? 0, target, c.stagingOffset ?? 0, c.bytes);
    device.queue.submit([encoder.finish()]);
    return await readStaging(target, bytes);
  } finally {
    if (!staging) target.destroy();
  }
}

/** Copies the first `bytes` of `source` (COPY_SRC) into a fresh staging buffer, maps it, returns a copy. */
export function readBuffer(
  device: GPUDevice,
  source: GPUBuffer,
  bytes: number,
  label = 'readback',
): Promise<ArrayBuffer> {
  return submitAndRead(device, [{ source, bytes }], label);
}
