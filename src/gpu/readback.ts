/** Copies the first `bytes` of `source` (COPY_SRC) into a fresh staging buffer, maps it, returns a copy. */
export async function readBuffer(
  device: GPUDevice,
  source: GPUBuffer,
  bytes: number,
  label = 'readback',
): Promise<ArrayBuffer> {
  const staging = device.createBuffer({
    label,
    size: bytes,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  try {
    const encoder = device.createCommandEncoder({ label });
    encoder.copyBufferToBuffer(source, 0, staging, 0, bytes);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    return staging.getMappedRange().slice(0);
  } finally {
    staging.destroy();
  }
}
