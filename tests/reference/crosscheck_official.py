#!/usr/bin/env python3
"""Cross-check of dsv4_reference.py against the UNMODIFIED official inference/model.py.

The official model.py needs CUDA kernels (kernel.py, TileLang) and the FP8/FP4/E8M0 torch
dtypes. This harness runs it on CPU with an old torch (Debian python3-torch 1.13):
  * the three missing dtypes are aliased to stand-ins (float8_e4m3fn -> float16, which holds
    every e4m3 value exactly; float4_e2m1fn_x2 -> float64 holding the packed byte;
    float8_e8m0fnu -> complex64 holding the scale in the real part), so model.py's dtype
    dispatch in linear() still works;
  * a replacement `kernel` module implements act_quant, fp4_act_quant, fp8_gemm, fp4_gemm,
    sparse_attn and hc_split_sinkhorn in torch, written from kernel.py with algorithms that
    differ from the numpy reference (table search instead of frexp rounding, K-block
    accumulation like the TileLang GEMMs, explicit Hadamard matrix);
  * Tensor.topk is replaced by a stable sort (ties to the lower index, the rule seek uses);
  * torch.rsqrt, Tensor.mean and Tensor.sum on BF16 are evaluated in fp32 and rounded once,
    as CUDA does (torch 1.13's CPU kernels are off by BF16 ulps: rsqrt in its scalar tail
    loop, mean for non power-of-two lengths);
  * ParallelHead.get_logits is replaced to return every position (official: x[:, -1]).
Weights are loaded from the safetensors checkpoint the way convert.py + load_model would.

Usage:
  /usr/bin/python3 tests/reference/crosscheck_official.py --official-dir /tmp/ds \
      --model CKPT --tokens 1,2,3 --out logits.f32 [--dump-dir D] [--mode prefill|decode]
      [--prefill-len N] [--mtp FILE] [--mtp-next ID]
Output files have the same layout as dsv4_reference.py's.
"""

import argparse
import json
import os
import sys
import time
import types

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dsv4_reference as R  # only for the safetensors reader and the HF config mapping

torch.float8_e4m3fn = torch.float16
torch.float4_e2m1fn_x2 = torch.float64
torch.float8_e8m0fnu = torch.complex64

# ------------------------------------------------------------------ kernel stand-ins

_E4M3_POS = None
_E2M1_POS = torch.tensor([0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0])


def _e4m3_pos():
    global _E4M3_POS
    if _E4M3_POS is None:
        vals = []
        for code in range(0x7F):          # non-negative finite codes 0..126, increasing
            e, m = code >> 3, code & 7
            vals.append(m * 2.0 ** -9 if e == 0 else (1 + m / 8) * 2.0 ** (e - 7))
        _E4M3_POS = torch.tensor(vals, dtype=torch.float64)
    return _E4M3_POS


def _round_table(x, table):
    """Nearest value of a sorted non-negative grid, ties to the even code (even index)."""
    ax = x.abs().double()
    hi = torch.bucketize(ax, table).clamp(max=len(table) - 1)
    lo = (hi - 1).clamp(min=0)
    vl, vh = table[lo], table[hi]
    dl, dh = ax - vl, vh - ax
    pick_hi = (dh < dl) | ((dh == dl) & (hi % 2 == 0))
    r = torch.where(pick_hi, vh, vl)
    r = torch.where(ax >= table[-1], table[-1], r)
    return (torch.sign(x.double()) * r).float()


def _pow2_ceil_scale(amax, inv):
    p = amax.float() * torch.tensor(inv, dtype=torch.float32)
    bits = p.view(torch.int32).long()
    e = (bits >> 23) & 0xFF
    man = bits & 0x7FFFFF
    l2 = e - 127 + (man != 0).long()
    return ((l2 + 127) << 23).int().view(torch.float32)


def act_quant(x, block_size=128, scale_fmt=None, scale_dtype=torch.float32, inplace=False):
    N = x.size(-1)
    assert N % block_size == 0 or not inplace
    z = x.float()
    nb = -(-N // block_size)
    if nb * block_size != N:
        z = F.pad(z, (0, nb * block_size - N))
    z = z.unflatten(-1, (nb, block_size))
    amax = torch.maximum(z.abs().amax(-1, keepdim=True), torch.tensor(1e-4, dtype=torch.float32))
    s = _pow2_ceil_scale(amax, 1 / 448.0) if scale_fmt is not None else amax * (1 / 448.0)
    q = _round_table((z / s).clamp(-448.0, 448.0), _e4m3_pos())
    if inplace:
        y = (q * s).flatten(-2)[..., :N]
        x.copy_(y)
        return x
    return q.flatten(-2)[..., :N].to(torch.float16), s.squeeze(-1)


def fp4_act_quant(x, block_size=32, inplace=False):
    N = x.size(-1)
    z = x.float().unflatten(-1, (N // block_size, block_size))
    amax = torch.maximum(z.abs().amax(-1, keepdim=True), torch.tensor(6 * 2.0 ** -126, dtype=torch.float32))
    s = _pow2_ceil_scale(amax, 1 / 6.0)
    q = _round_table((z / s).clamp(-6.0, 6.0), _E2M1_POS.double())
    assert inplace
    x.copy_((q * s).flatten(-2))
    return x


def fp8_gemm(a, a_s, b, b_s, scale_dtype=torch.float32):
    K = a.size(-1)
    A = a.float().reshape(-1, K)
    As = a_s.float().reshape(A.size(0), -1)
    Bq = b.float()
    Bs = b_s.real.float()
    N = Bq.size(0)
    acc = torch.zeros(A.size(0), N, dtype=torch.float32)
    for k in range(0, K, 128):
        part = A[:, k:k + 128] @ Bq[:, k:k + 128].T
        sb = Bs[:, k // 128].repeat_interleave(128)[:N]
        acc += part * As[:, k // 128:k // 128 + 1] * sb[None, :]
    return acc.to(torch.get_default_dtype()).reshape(*a.shape[:-1], N)


def fp4_gemm(a, a_s, b, b_s, scale_dtype=torch.float32):
    K = a.size(-1)
    A = a.float().reshape(-1, K)
    As = a_s.float().reshape(A.size(0), -1)
    packed = b.long()
    lut = torch.tensor([0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0,
                        -0.0, -0.5, -1.0, -1.5, -2.0, -3.0, -4.0, -6.0], dtype=torch.float32)
    Bq = torch.stack([lut[packed & 15], lut[packed >> 4]], dim=-1).flatten(1)
    Bs = b_s.real.float()
    N = Bq.size(0)
    acc = torch.zeros(A.size(0), N, dtype=torch.float32)
    for k in range(0, K, 32):
        part = A[:, k:k + 32] @ Bq[:, k:k + 32].T
        acc += part * As[:, (k // 32) // 4:(k // 32) // 4 + 1] * Bs[:, k // 32][None, :]
    return acc.to(torch.get_default_dtype()).reshape(*a.shape[:-1], N)


def sparse_attn(q, kv, attn_sink, topk_idxs, softmax_scale):
    b, m, h, d = q.shape
    topk = topk_idxs.size(-1)
    o = torch.empty_like(q)
    scale = torch.tensor(softmax_scale, dtype=torch.float32)
    for bi in range(b):
        for t in range(m):
            qs = q[bi, t].float()
            mx = torch.full((h,), float("-inf"), dtype=torch.float32)
            se = torch.zeros(h, dtype=torch.float32)
            acc = torch.zeros(h, d, dtype=torch.float32)
            for blk in range(0, topk, 64):
                ids = topk_idxs[bi, t, blk:blk + 64].long()
                if ids.numel() < 64:
                    ids = torch.cat([ids, ids.new_full((64 - ids.numel(),), -1)])
                valid = ids != -1
                kvs = torch.where(valid[:, None], kv[bi, ids.clamp(min=0)].float(), torch.zeros((), dtype=torch.float32))
                s = torch.where(valid[None, :], qs @ kvs.T, torch.tensor(float("-inf"), dtype=torch.float32)) * scale
                prev = mx
                mx = torch.maximum(prev, s.amax(-1))
                sc = torch.exp(prev - mx)
                p = torch.exp(s - mx[:, None])
                se = se * sc + p.sum(-1)
                acc = acc * sc[:, None] + p.bfloat16().float() @ kvs
            se = se + torch.exp(attn_sink.float() - mx)
            o[bi, t] = (acc / se[:, None]).to(q.dtype)
    return o


def hc_split_sinkhorn(mixes, hc_scale, hc_base, hc_mult=4, sinkhorn_iters=20, eps=1e-6):
    hc = hc_mult
    mx = mixes.float()
    pre = torch.sigmoid(mx[..., :hc] * hc_scale[0] + hc_base[:hc]) + eps
    post = 2 * torch.sigmoid(mx[..., hc:2 * hc] * hc_scale[1] + hc_base[hc:2 * hc])
    comb = (mx[..., 2 * hc:] * hc_scale[2] + hc_base[2 * hc:]).unflatten(-1, (hc, hc))
    comb = comb.softmax(-1) + eps
    comb = comb / (comb.sum(-2, keepdim=True) + eps)
    for _ in range(sinkhorn_iters - 1):
        comb = comb / (comb.sum(-1, keepdim=True) + eps)
        comb = comb / (comb.sum(-2, keepdim=True) + eps)
    return pre, post, comb


def hadamard_transform(x, scale=1.0):
    n = x.size(-1)
    n2 = 1 << (n - 1).bit_length()
    H = torch.ones(1, 1, dtype=torch.float32)
    while H.size(0) < n2:
        H = torch.cat([torch.cat([H, H], 1), torch.cat([H, -H], 1)], 0)
    xf = F.pad(x.float(), (0, n2 - n))
    return ((xf @ H.T) * scale)[..., :n].to(x.dtype)


kmod = types.ModuleType("kernel")
for _f in (act_quant, fp4_act_quant, fp8_gemm, fp4_gemm, sparse_attn, hc_split_sinkhorn):
    setattr(kmod, _f.__name__, _f)
sys.modules["kernel"] = kmod
hmod = types.ModuleType("fast_hadamard_transform")
hmod.hadamard_transform = hadamard_transform
sys.modules["fast_hadamard_transform"] = hmod


def _topk(self, k, dim=-1, largest=True, sorted=True):
    assert largest
    v, i = torch.sort(self.float(), dim=dim, descending=True, stable=True)
    i = i.narrow(dim, 0, k)
    return torch.return_types.topk((self.gather(dim, i), i))


torch.Tensor.topk = _topk

_rsqrt = torch.rsqrt


def _rsqrt_f32(x):
    """CUDA evaluates bf16 rsqrt in fp32 and rounds once; torch 1.13's CPU tail loop does not."""
    return _rsqrt(x.float()).to(x.dtype) if x.dtype == torch.bfloat16 else _rsqrt(x)


torch.rsqrt = _rsqrt_f32

_mean, _sum = torch.Tensor.mean, torch.Tensor.sum


def _mean_f32(self, *a, **k):
    """CUDA reduces BF16 in fp32 and rounds once; torch 1.13's CPU BF16 mean does not."""
    return _mean(self.float(), *a, **k).to(self.dtype) if self.dtype == torch.bfloat16 else _mean(self, *a, **k)


def _sum_f32(self, *a, **k):
    return _sum(self.float(), *a, **k).to(self.dtype) if self.dtype == torch.bfloat16 else _sum(self, *a, **k)


torch.Tensor.mean = _mean_f32
torch.Tensor.sum = _sum_f32


# ------------------------------------------------------------------ loading

def model_args(M, cfg, max_seq_len):
    ra = cfg.raw
    q = ra.get("quantization_config")
    return M.ModelArgs(
        max_batch_size=1, max_seq_len=max_seq_len, dtype="fp8" if q else "bf16",
        scale_fmt=(q or {}).get("scale_fmt"), expert_dtype=ra.get("expert_dtype"),
        vocab_size=cfg.vocab_size, dim=cfg.dim, moe_inter_dim=cfg.moe_inter_dim,
        n_layers=cfg.n_layers, n_hash_layers=cfg.n_hash_layers, n_mtp_layers=cfg.n_mtp_layers,
        n_heads=cfg.n_heads, n_routed_experts=cfg.n_routed_experts,
        n_shared_experts=cfg.n_shared_experts, n_activated_experts=cfg.n_activated_experts,
        score_func=cfg.score_func, route_scale=cfg.route_scale, swiglu_limit=cfg.swiglu_limit,
        q_lora_rank=cfg.q_lora_rank, head_dim=cfg.head_dim, rope_head_dim=cfg.rope_head_dim,
        norm_eps=cfg.norm_eps, o_groups=cfg.o_groups, o_lora_rank=cfg.o_lora_rank,
        window_size=cfg.window_size, compress_ratios=tuple(cfg.compress_ratios),
        compress_rope_theta=cfg.compress_rope_theta, original_seq_len=cfg.original_seq_len,
        rope_theta=cfg.rope_theta, rope_factor=cfg.rope_factor, beta_fast=cfg.beta_fast,
        beta_slow=cfg.beta_slow, index_n_heads=cfg.index_n_heads,
        index_head_dim=cfg.index_head_dim, index_topk=cfg.index_topk, hc_mult=cfg.hc_mult,
        hc_sinkhorn_iters=cfg.hc_sinkhorn_iters, hc_eps=cfg.hc_eps)


def load(model, ck):
    sd = model.state_dict(keep_vars=True)
    done = set()
    for name, p in sd.items():
        if name in done:
            continue
        if name.startswith("mtp.") and (".embed." in name or ".head." in name):
            continue
        dt = ck.dtype(name) if ck.has(name) else None
        if dt is None:
            raise SystemExit("missing in checkpoint: " + name)
        raw = ck.raw(name)
        with torch.no_grad():
            if name.endswith("wo_a.weight") and dt == "F8_E4M3":
                w = torch.from_numpy(R.E4M3_LUT[np.asarray(raw)])
                s = torch.from_numpy(R.e8m0_to_f32(ck.raw(name[:-len("weight")] + "scale")))
                w = w.unflatten(0, (-1, 128)).unflatten(-1, (-1, 128)).float() * s[:, None, :, None].float()
                p.copy_(w.flatten(2, 3).flatten(0, 1).bfloat16())
            elif p.dtype == torch.float16:           # FP8 weight
                p.copy_(torch.from_numpy(R.E4M3_LUT[np.asarray(raw)]).half())
            elif p.dtype == torch.float64:           # FP4 packed
                p.copy_(torch.from_numpy(np.asarray(raw).view(np.uint8).astype(np.float64)))
            elif p.dtype == torch.complex64:         # E8M0 scale
                p.copy_(torch.from_numpy(R.e8m0_to_f32(raw)).to(torch.complex64))
            elif p.dtype == torch.int32:
                p.copy_(torch.from_numpy(np.asarray(raw).astype(np.int32)))
            else:
                p.copy_(torch.from_numpy(np.ascontiguousarray(ck.f32(name))).to(p.dtype))
        done.add(name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--official-dir", required=True, help="directory holding the official model.py")
    ap.add_argument("--model", required=True)
    ap.add_argument("--tokens", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--dump-dir")
    ap.add_argument("--dump-all", action="store_true")
    ap.add_argument("--mode", choices=["prefill", "decode"], default="prefill")
    ap.add_argument("--prefill-len", type=int, default=1)
    ap.add_argument("--mtp")
    ap.add_argument("--mtp-next", type=int)
    args = ap.parse_args()
    t0 = time.time()
    sys.path.insert(0, args.official_dir)
    import model as M

    def get_logits_all(self, x):
        return F.linear(x.float(), self.weight)
    M.ParallelHead.get_logits = get_logits_all

    ids = [int(t) for t in args.tokens.split(",") if t.strip()]
    n = len(ids)
    cfg = R.Config(args.model)
    ck = R.Checkpoint(args.model)
    torch.set_default_dtype(torch.bfloat16)
    torch.manual_seed(0)
    margs = model_args(M, cfg, n)
    model = M.Transformer(margs)
    load(model, ck)
    model.eval()
    for mod in model.modules():   # torch 1.13's gather needs int64 indices (newer torch takes int32)
        if isinstance(mod, M.Gate) and mod.hash:
            mod.tid2eid = torch.nn.Parameter(mod.tid2eid.data.long(), requires_grad=False)
    dumps = {}

    def hook(layer_id):
        def f(mod, inp, out):
            dumps.setdefault(layer_id, []).append(out[0].float().numpy().copy())
        return f
    for i, layer in enumerate(model.layers):
        layer.register_forward_hook(hook(i))
        if args.dump_all:
            for sub, tag in ((layer.attn_norm, "attn_in"), (layer.attn, "attn_out"), (layer.ffn, "ffn_out")):
                sub.register_forward_hook(hook(f"{tag}_layer{i}"))
    last_h = []
    model.layers[-1].register_forward_hook(lambda m, i, o: last_h.append(o.clone()))

    x = torch.tensor([ids], dtype=torch.long)
    outs = []
    with torch.inference_mode():
        if args.mode == "prefill":
            outs.append(model(x, 0))
        else:
            p = max(1, min(args.prefill_len, n))
            outs.append(model(x[:, :p], 0))
            for i in range(p, n):
                outs.append(model(x[:, i:i + 1], i))
    logits = torch.cat([o.reshape(-1, o.size(-1)) for o in outs], 0).float().numpy()
    logits.astype("<f4").tofile(args.out)
    if args.mtp:
        if args.mode != "prefill":
            raise SystemExit("--mtp is supported in prefill mode only")
        h = last_h[0]
        if args.mtp_next is not None:
            nxt = torch.tensor([ids[1:] + [args.mtp_next]])
        else:
            h = h[:, :-1]
            nxt = torch.tensor([ids[1:]])
        with torch.inference_mode():
            ml = model.mtp[0](h, 0, nxt)
        ml.reshape(-1, ml.size(-1)).float().numpy().astype("<f4").tofile(args.mtp)
    if args.dump_dir:
        os.makedirs(args.dump_dir, exist_ok=True)
        for i, parts in dumps.items():
            name = f"h_after_layer{i}" if isinstance(i, int) else i
            np.concatenate(parts, 0).astype("<f4").tofile(os.path.join(args.dump_dir, name + ".f32"))
    print(json.dumps({"tokens": n, "mode": args.mode, "total_s": round(time.time() - t0, 3)}))


if __name__ == "__main__":
    main()
