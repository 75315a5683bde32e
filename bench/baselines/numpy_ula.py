# Copied from the project's shared/baselines/numpy_ula.py (issue 17's numpy baselines, written by this project's
# sessions; MIT like the rest of this repository). Kept unchanged below this header so the figures
# compare with the issue's.
"""Peer baseline: vectorised unadjusted Langevin for N walkers on K = w1^2 w2^2 with a reflecting box [-1,1]^2,
as a numpy user would write it. Prints walker-steps per second (steps after one warm-up step)."""
import numpy as np, math, sys, time
N = int(sys.argv[1]) if len(sys.argv) > 1 else 262144
S = int(sys.argv[2]) if len(sys.argv) > 2 else 200
n = 10000; beta = 1 / math.log(n); nb = n * beta; eps = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-3
rng = np.random.default_rng(0)
w = rng.uniform(-1, 1, (2, N)).astype(np.float32)
def step(w):
    w1, w2 = w
    g = np.stack([2 * w1 * w2 * w2, 2 * w2 * w1 * w1]) * nb
    w = w - 0.5 * eps * g + math.sqrt(eps) * rng.standard_normal((2, N), dtype=np.float32)
    w = np.where(w > 1, 2 - w, w); w = np.where(w < -1, -2 - w, w)
    return w
w = step(w)
t = time.perf_counter()
for _ in range(S): w = step(w)
dt = time.perf_counter() - t
lam = nb * float(np.mean((w[0] * w[1]) ** 2))
print(f"numpy ULA: {N*S/dt:.3e} walker-steps/s (N={N}, S={S}, {dt:.2f}s) lambda_hat~{lam:.3f}")
