# Copied from the project's shared/baselines/numpy_mala.py (issue 17's numpy baselines, written by this project's
# sessions; MIT like the rest of this repository). Kept unchanged below this header so the figures
# compare with the issue's.
"""Reference MALA on K = w1^(2a) w2^(2b), box prior [-1,1]^2 (proposals outside are rejected), target exp(-n beta K).
A numpy user's exact sampler on the same target: a speed baseline for MALA and a convergence reference."""
import numpy as np, math, sys
a, b, n, N, S, eps = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
nb = n / math.log(n); rng = np.random.default_rng(1)
K = lambda w: w[0]**(2*a) * w[1]**(2*b)
def grad(w):
    return nb * np.stack([2*a*w[0]**(2*a-1) * w[1]**(2*b), 2*b*w[1]**(2*b-1) * w[0]**(2*a)])
w = (rng.uniform(-1, 1, (2, N)) if len(sys.argv) < 8 else np.zeros((2, N))); U = nb*K(w); g = grad(w); acc = 0; tr = []
for s in range(S):
    prop = w - 0.5*eps*g + math.sqrt(eps)*rng.standard_normal((2, N))
    inside = np.all(np.abs(prop) <= 1, axis=0)
    Up = nb*K(prop); gp = grad(prop)
    lq_fwd = -np.sum((prop - w + 0.5*eps*g)**2, 0)/(2*eps); lq_bwd = -np.sum((w - prop + 0.5*eps*gp)**2, 0)/(2*eps)
    la = -Up + U + lq_bwd - lq_fwd
    ok = inside & (np.log(rng.uniform(size=N)) < la)
    w = np.where(ok, prop, w); U = np.where(ok, Up, U); g = np.where(ok, gp, g); acc += ok.mean()
    if s >= S//2: tr.append(np.mean(U))
m = np.array(tr); B = 20; bm = m[:len(m)//B*B].reshape(B, -1).mean(1)
print(f"MALA crossing({a},{b}) n={n:g} N={N} S={S} eps={eps}: lambda_hat={m.mean():.4f} se~{bm.std(ddof=1)/math.sqrt(B):.4f} acc={acc/S:.3f}")
