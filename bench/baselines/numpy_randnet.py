# Copied from the project's shared/baselines/numpy_randnet.py (issue 17's numpy baselines, written by this project's
# sessions; MIT like the rest of this repository). Kept unchanged below this header so the figures
# compare with the issue's.
"""Peer baseline: (7,40,40,1) ReLU networks with Gaussian weights N(0,1/fan_in) and biases N(0,1), evaluated on all
128 {0,1}^7 inputs, functions packed to 128 bits and counted with np.unique, as a numpy user would write it."""
import numpy as np, sys, time
N = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
B = 5000; rng = np.random.default_rng(0)
X = np.array([[(i >> (6 - k)) & 1 for k in range(7)] for i in range(128)], dtype=np.float32)
W = (1 << np.arange(63, -1, -1, dtype=np.uint64))
keys = []
t = time.perf_counter(); done = 0
while done < N:
    b = min(B, N - done); h = np.broadcast_to(X, (b, 128, 7))
    for nin, nout, last in ((7, 40, False), (40, 40, False), (40, 1, True)):
        h = h @ (rng.standard_normal((b, nin, nout), dtype=np.float32) / np.sqrt(nin)) + rng.standard_normal((b, 1, nout), dtype=np.float32)
        if not last: h = np.maximum(h, 0)
    bits = (h[:, :, 0] > 0).astype(np.uint64)
    keys.append(np.stack([(bits[:, :64] * W).sum(1), (bits[:, 64:] * W).sum(1)], 1)); done += b
u, c = np.unique(np.concatenate(keys), axis=0, return_counts=True)
dt = time.perf_counter() - t
print(f"numpy randnet: {N/dt:.0f} nets/s (N={N}, {dt:.2f}s) distinct={len(u)} P(all0)={c[(u[:,0]==0)&(u[:,1]==0)].sum()/N:.4f}")
