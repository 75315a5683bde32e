/**
 * A one-shot compute pass: a uniform block, inputs, fresh outputs, one dispatch, one readback of the
 * outputs, and every buffer it made destroyed again. Point evaluation, surface grids, predictions and
 * the polynomial classification are all this shape; only their kernels and layouts differ.
 */
import { submitAndRead } from './readback';

/** Data uploaded to a fresh buffer (the uniform block, an input). */
export type PassData = ArrayBuffer | ArrayBufferView<ArrayBuffer>;

export interface OneShotPass {
  readonly label: string;
  readonly pipeline: GPUComputePipeline;
  /** Group 0's layout: binding 0 the uniform, then `inputs`, then `outputs`, in that order. */
  readonly layout: GPUBindGroupLayout;
  readonly uniform: PassData;
  /** Bound after the uniform: a buffer as it is (e.g. the walkers' positions), or data uploaded to a fresh storage buffer. */
  readonly inputs?: readonly (GPUBuffer | PassData)[];
  /** Byte sizes of the outputs: fresh (zeroed) storage buffers bound after the inputs, each read back. */
  readonly outputs: readonly number[];
  /** Bind groups 1, 2, … (e.g. a landscape's uniforms). */
  readonly groups?: readonly GPUBindGroup[];
  /** Workgroups in x, y, z. */
  readonly workgroups: readonly [number, number?, number?];
}

/** Buffers are at least this large: a zero-sized binding is invalid, and tiny ones are padded anyway. */
const MIN_BYTES = 16;

const isData = (x: GPUBuffer | PassData): x is PassData => x instanceof ArrayBuffer || ArrayBuffer.isView(x);

/** Runs the pass and returns each output's bytes, in the order of `outputs`. */
export async function runOnce(device: GPUDevice, p: OneShotPass): Promise<ArrayBuffer[]> {
  const made: GPUBuffer[] = [];
  const upload = (name: string, data: PassData, usage: number): GPUBuffer => {
    const b = device.createBuffer({
      label: `${p.label}/${name}`,
      size: Math.max(MIN_BYTES, data.byteLength),
      usage: usage | GPUBufferUsage.COPY_DST,
    });
    made.push(b);
    device.queue.writeBuffer(b, 0, data);
    return b;
  };
  try {
    const uniform = upload('uniform', p.uniform, GPUBufferUsage.UNIFORM);
    const inputs = (p.inputs ?? []).map((x, i) =>
      isData(x) ? upload(`input-${i}`, x, GPUBufferUsage.STORAGE) : x,
    );
    const outputs = p.outputs.map((bytes, i) => {
      const b = device.createBuffer({
        label: `${p.label}/output-${i}`,
        size: Math.max(MIN_BYTES, bytes),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
      });
      made.push(b);
      return b;
    });
    const encoder = device.createCommandEncoder({ label: p.label });
    const pass = encoder.beginComputePass({ label: p.label });
    pass.setPipeline(p.pipeline);
    pass.setBindGroup(
      0,
      device.createBindGroup({
        label: p.label,
        layout: p.layout,
        entries: [uniform, ...inputs, ...outputs].map((buffer, binding) => ({
          binding,
          resource: { buffer },
        })),
      }),
    );
    p.groups?.forEach((group, i) => {
      pass.setBindGroup(i + 1, group);
    });
    pass.dispatchWorkgroups(...(p.workgroups as [number, number?, number?]));
    pass.end();
    // Outputs back to back in one staging buffer: one map, whatever their number.
    const offsets = p.outputs.map((_, i) => p.outputs.slice(0, i).reduce((a, b) => a + b, 0));
    const copies = outputs.map((source, i) => ({ source, bytes: p.outputs[i], stagingOffset: offsets[i] }));
    const data = await submitAndRead(device, copies, `${p.label}/readback`, encoder);
    return p.outputs.map((bytes, i) => data.slice(offsets[i], offsets[i] + bytes));
  } finally {
    for (const b of made) b.destroy();
  }
}
