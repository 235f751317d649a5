#!/usr/bin/env python3
"""Independent numpy reference of the DeepSeek V4 forward pass.

It follows the semantics of the official DeepSeek-V4-Flash `inference/model.py`
and `inference/kernel.py` (MIT), re-implemented in plain numpy; no code is copied.
See README.md next to this file for the mapping to the official functions and for
every interpretation that had to be made.

Usage:
  /usr/bin/python3 tests/reference/dsv4_reference.py --model DIR --tokens 1,2,3 \
      --out logits.f32 [--dump-dir DIR] [--dump-all] [--mode prefill|decode]
      [--prefill-len N] [--mtp FILE] [--mtp-next ID]

Conventions: batch 1, arrays without the batch dimension. Every array that the
official code holds as BF16 is kept here as float32 holding a BF16-exact value
(rounded with round-to-nearest-even at the point where the official code rounds).
"""

import argparse
import json
import math
import os
import struct
import sys
import time

import numpy as np

F32 = np.float32
NEG_INF = F32(-np.inf)


# ----------------------------------------------------------------------------------
# Number formats
# ----------------------------------------------------------------------------------

def bf16(x):
    """Round float32 values to BF16 (round to nearest even); result stays float32."""
    a = np.ascontiguousarray(x, dtype=F32)
    b = a.view(np.uint32)
    r = ((b >> np.uint32(16)) & np.uint32(1)) + np.uint32(0x7FFF)
    out = ((b + r) & np.uint32(0xFFFF0000)).view(F32)
    # keep NaN as NaN (the add can carry a NaN payload into inf)
    nan = np.isnan(a)
    if nan.any():
        out = np.where(nan, a, out)
    return out


def _round_to_grid(a, min_exp, mant_bits):
    """Round non-negative float32 `a` to a float format with `mant_bits` explicit mantissa
    bits and minimum (subnormal) quantum 2**min_exp, round-to-nearest-even, no saturation."""
    _, e = np.frexp(a)                      # a = m * 2**e, m in [0.5, 1)
    qe = np.maximum(e - 1 - mant_bits, min_exp).astype(np.int32)
    return np.ldexp(np.rint(np.ldexp(a, -qe)), qe).astype(F32)


def e4m3_rne(v):
    """float32 -> FP8 e4m3fn (RNE, values already clamped to +-448) -> float32."""
    v = np.asarray(v, F32)
    r = _round_to_grid(np.abs(v), -9, 3)
    return np.copysign(r, v).astype(F32)


def e2m1_rne(v):
    """float32 -> FP4 e2m1 (RNE, values already clamped to +-6) -> float32."""
    v = np.asarray(v, F32)
    r = _round_to_grid(np.abs(v), -1, 1)
    return np.copysign(r, v).astype(F32)


def fast_round_scale(amax, max_inv):
    """kernel.py fast_round_scale: 2**ceil(log2(amax * max_inv)) with fp32 product,
    computed from the IEEE bits (exponent - 127 + (mantissa != 0))."""
    p = (np.asarray(amax, F32) * F32(max_inv)).astype(F32)
    bits = p.view(np.uint32)
    e = ((bits >> np.uint32(23)) & np.uint32(0xFF)).astype(np.int64)
    man = bits & np.uint32(0x7FFFFF)
    l2 = e - 127 + (man != 0).astype(np.int64)
    return ((l2 + 127).astype(np.uint32) << np.uint32(23)).view(F32)


def _blocks(x, block):
    """Reshape [..., N] into [..., nb, block], zero padding a partial last block."""
    n = x.shape[-1]
    nb = -(-n // block)
    if nb * block != n:
        pad = np.zeros(x.shape[:-1] + (nb * block - n,), F32)
        x = np.concatenate([x, pad], axis=-1)
    return x.reshape(x.shape[:-1] + (nb, block)), n


FP8_MAX = 448.0
FP4_MAX = 6.0


def act_quant_dq(x, block):
    """act_quant with scale_fmt='ue8m0' followed by dequantization (exact in fp32).
    Used both for the activation quantization in front of FP8/FP4 GEMMs and for the
    in-place QAT round trip (act_quant(..., inplace=True)), whose BF16 output equals
    this value exactly (an e4m3 value times a power of two fits BF16)."""
    x = np.asarray(x, F32)
    xb, n = _blocks(x, block)
    amax = np.max(np.abs(xb), axis=-1, keepdims=True)
    amax = np.maximum(amax, F32(1e-4))
    s = fast_round_scale(amax, 1.0 / FP8_MAX)
    y = e4m3_rne(np.clip(xb / s, -FP8_MAX, FP8_MAX)) * s
    y = y.reshape(y.shape[:-2] + (-1,))[..., :n]
    return y.astype(F32)


def fp4_act_quant_dq(x, block):
    """fp4_act_quant(x, block, inplace=True): FP4 e2m1 round trip with UE8M0 scales."""
    x = np.asarray(x, F32)
    xb, n = _blocks(x, block)
    amax = np.max(np.abs(xb), axis=-1, keepdims=True)
    amax = np.maximum(amax, F32(6.0 * 2.0 ** -126))
    s = fast_round_scale(amax, 1.0 / FP4_MAX)
    y = e2m1_rne(np.clip(xb / s, -FP4_MAX, FP4_MAX)) * s
    y = y.reshape(y.shape[:-2] + (-1,))[..., :n]
    return bf16(y)


def hadamard_bf16(x):
    """rotate_activation: fast_hadamard_transform(x, scale=dim**-0.5) on BF16 input.
    Sylvester order, fp32 butterflies, zero padding to the next power of two,
    output rounded to BF16."""
    x = np.asarray(x, F32)
    n = x.shape[-1]
    n2 = 1 << (n - 1).bit_length()
    if n2 != n:
        x = np.concatenate([x, np.zeros(x.shape[:-1] + (n2 - n,), F32)], axis=-1)
    lead = x.shape[:-1]
    y = x.reshape(-1, n2)
    h = 1
    while h < n2:
        y = y.reshape(-1, n2 // (2 * h), 2, h)
        a = y[:, :, 0, :]
        b = y[:, :, 1, :]
        y = np.stack([a + b, a - b], axis=2).reshape(-1, n2)
        h *= 2
    y = y * F32(n ** -0.5)
    return bf16(y.reshape(lead + (n2,))[..., :n])


E4M3_LUT = np.zeros(256, F32)
for _b in range(256):
    _s = -1.0 if _b & 0x80 else 1.0
    _e = (_b >> 3) & 0xF
    _m = _b & 7
    if _e == 15 and _m == 7:
        E4M3_LUT[_b] = np.nan
    elif _e == 0:
        E4M3_LUT[_b] = _s * _m * 2.0 ** -9
    else:
        E4M3_LUT[_b] = _s * (1.0 + _m / 8.0) * 2.0 ** (_e - 7)

E2M1_LUT = np.array([0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0,
                     -0.0, -0.5, -1.0, -1.5, -2.0, -3.0, -4.0, -6.0], F32)


def e8m0_to_f32(b):
    b = np.asarray(b, np.uint8).astype(np.int32)
    out = np.ldexp(F32(1.0), b - 127).astype(F32)
    return np.where(b == 255, F32(np.nan), out).astype(F32)


# ----------------------------------------------------------------------------------
# safetensors
# ----------------------------------------------------------------------------------

_ST_DTYPES = {
    "F32": (np.float32, 4), "F16": (np.float16, 2), "BF16": (np.uint16, 2),
    "F64": (np.float64, 8), "I64": (np.int64, 8), "I32": (np.int32, 4),
    "I16": (np.int16, 2), "I8": (np.uint8, 1), "U8": (np.uint8, 1),
    "F8_E4M3": (np.uint8, 1), "F8_E8M0": (np.uint8, 1),
}


class Checkpoint:
    def __init__(self, path):
        self.path = path
        self.entries = {}
        files = sorted(f for f in os.listdir(path) if f.endswith(".safetensors"))
        if not files:
            raise SystemExit(f"no .safetensors files in {path}")
        self.maps = {}
        for f in files:
            full = os.path.join(path, f)
            with open(full, "rb") as fh:
                n = struct.unpack("<Q", fh.read(8))[0]
                header = json.loads(fh.read(n))
            base = 8 + n
            for name, info in header.items():
                if name == "__metadata__":
                    continue
                if name in self.entries:
                    raise SystemExit(f"tensor {name} appears in two shards")
                b, e = info["data_offsets"]
                self.entries[name] = (full, info["dtype"], tuple(info["shape"]), base + b, e - b)

    def has(self, name):
        return name in self.entries

    def dtype(self, name):
        return self.entries[name][1]

    def raw(self, name):
        full, dt, shape, off, nbytes = self.entries[name]
        if dt not in _ST_DTYPES:
            raise SystemExit(f"unsupported dtype {dt} for {name}")
        npdt, size = _ST_DTYPES[dt]
        count = int(np.prod(shape)) if shape else 1
        assert count * size == nbytes, name
        mm = self.maps.get(full)
        if mm is None:
            mm = np.memmap(full, dtype=np.uint8, mode="r")
            self.maps[full] = mm
        arr = mm[off:off + nbytes].view(np.dtype(npdt).newbyteorder("<"))
        return arr.reshape(shape)

    def f32(self, name):
        """BF16/F16/F32 tensor as float32 (exact)."""
        dt = self.dtype(name)
        a = self.raw(name)
        if dt == "BF16":
            return (a.astype(np.uint32) << np.uint32(16)).view(F32)
        if dt in ("F32", "F16", "F64"):
            return np.asarray(a, F32)
        raise SystemExit(f"{name}: expected a float tensor, got {dt}")

    def rows_f32(self, name, idx):
        """Selected rows of a 2-D BF16/F32 tensor (embedding lookup)."""
        dt = self.dtype(name)
        a = self.raw(name)[np.asarray(idx)]
        if dt == "BF16":
            return (a.astype(np.uint32) << np.uint32(16)).view(F32)
        return np.asarray(a, F32)


# ----------------------------------------------------------------------------------
# Config
# ----------------------------------------------------------------------------------

class Config:
    def __init__(self, path):
        c = json.load(open(os.path.join(path, "config.json")))
        self.raw = c

        def req(k):
            if k not in c:
                raise SystemExit(f"config.json lacks required key {k}")
            return c[k]

        self.vocab_size = req("vocab_size")
        self.dim = req("hidden_size")
        self.moe_inter_dim = req("moe_intermediate_size")
        self.n_layers = req("num_hidden_layers")
        self.n_hash_layers = c.get("num_hash_layers", 0)
        self.n_mtp_layers = c.get("num_nextn_predict_layers", 1)
        self.n_heads = req("num_attention_heads")
        self.n_routed_experts = req("n_routed_experts")
        self.n_shared_experts = c.get("n_shared_experts", 1)
        assert self.n_shared_experts == 1, "official code asserts n_shared_experts == 1"
        self.n_activated_experts = req("num_experts_per_tok")
        self.score_func = c.get("scoring_func", "sqrtsoftplus")
        self.route_scale = float(c.get("routed_scaling_factor", 1.0))
        self.swiglu_limit = float(c.get("swiglu_limit", 0.0))
        self.q_lora_rank = req("q_lora_rank")
        self.head_dim = req("head_dim")
        self.rope_head_dim = req("qk_rope_head_dim")
        self.norm_eps = float(c.get("rms_norm_eps", 1e-6))
        self.o_groups = req("o_groups")
        self.o_lora_rank = req("o_lora_rank")
        self.window_size = req("sliding_window")
        self.compress_ratios = list(req("compress_ratios"))
        assert len(self.compress_ratios) >= self.n_layers
        self.rope_theta = float(c.get("rope_theta", 10000.0))
        self.compress_rope_theta = float(c.get("compress_rope_theta", 40000.0))
        rs = c.get("rope_scaling") or {}
        self.original_seq_len = int(rs.get("original_max_position_embeddings", 0) or 0)
        self.rope_factor = float(rs.get("factor", 40.0))
        self.beta_fast = rs.get("beta_fast", 32)
        self.beta_slow = rs.get("beta_slow", 1)
        self.index_n_heads = c.get("index_n_heads", 64)
        self.index_head_dim = c.get("index_head_dim", 128)
        self.index_topk = c.get("index_topk", 512)
        self.hc_mult = c.get("hc_mult", 4)
        self.hc_sinkhorn_iters = c.get("hc_sinkhorn_iters", 20)
        self.hc_eps = float(c.get("hc_eps", 1e-6))


# ----------------------------------------------------------------------------------
# RoPE
# ----------------------------------------------------------------------------------

def precompute_freqs(dim, seqlen, original_seq_len, base, factor, beta_fast, beta_slow):
    """model.py precompute_freqs_cis, fp32 like torch; returns (cos, sin) [seqlen, dim/2]."""
    def corr_dim(rot):
        return dim * math.log(original_seq_len / (rot * 2 * math.pi)) / (2 * math.log(base))

    expo = (np.arange(0, dim, 2, dtype=F32) / F32(dim)).astype(F32)
    powv = np.power(np.float64(F32(base)), expo.astype(np.float64)).astype(F32)
    freqs = (F32(1.0) / powv).astype(F32)
    if original_seq_len > 0:
        low = max(math.floor(corr_dim(beta_fast)), 0)
        high = min(math.ceil(corr_dim(beta_slow)), dim - 1)
        if low == high:
            high += 0.001
        ramp = ((np.arange(dim // 2, dtype=F32) - F32(low)) / F32(high - low)).astype(F32)
        ramp = np.clip(ramp, F32(0), F32(1))
        smooth = (F32(1) - ramp).astype(F32)
        freqs = ((freqs / F32(factor)) * (F32(1) - smooth) + freqs * smooth).astype(F32)
    t = np.arange(seqlen, dtype=F32)
    ang = (t[:, None] * freqs[None, :]).astype(F32)
    cos = np.cos(ang.astype(np.float64)).astype(F32)
    sin = np.sin(ang.astype(np.float64)).astype(F32)
    return cos, sin


def rope_bf16(x, cos, sin, inverse=False):
    """apply_rotary_emb on the (BF16) last dims x [S, ..., rd]: interleaved pairs,
    complex product in fp32, result rounded to BF16 (copy_ back into the BF16 tensor).
    cos/sin: [S, rd/2]."""
    shp = x.shape
    xr = x.reshape(shp[:-1] + (shp[-1] // 2, 2)).astype(np.float64)
    a = xr[..., 0]
    b = xr[..., 1]
    extra = x.ndim - 2
    c = cos.reshape((cos.shape[0],) + (1,) * extra + (cos.shape[1],)).astype(np.float64)
    s = sin.reshape((sin.shape[0],) + (1,) * extra + (sin.shape[1],)).astype(np.float64)
    if inverse:
        s = -s
    re = (a * c - b * s).astype(F32)
    im = (a * s + b * c).astype(F32)
    return bf16(np.stack([re, im], axis=-1).reshape(shp))


# ----------------------------------------------------------------------------------
# Basic layers
# ----------------------------------------------------------------------------------

def rms_norm(x, w, eps):
    """RMSNorm.forward: fp32 math, weight (fp32 from BF16) * x * rsqrt(var+eps), cast to
    the input dtype (always BF16 here)."""
    x = np.asarray(x, F32)
    var = np.mean(x * x, axis=-1, keepdims=True, dtype=F32)
    y = x * (F32(1.0) / np.sqrt(var + F32(eps)))
    return bf16(w * y)


class Linear:
    """model.py linear(): FP8 (128x128 UE8M0) and FP4 (MXFP4) weights quantize the
    activation with act_quant(block 128, ue8m0) and produce BF16; plain BF16 weights
    run F.linear in BF16 (fp32 accumulation, BF16 output)."""

    def __init__(self, ck, prefix):
        self.ck = ck
        self.name = prefix + ".weight"
        self.sname = prefix + ".scale"
        dt = ck.dtype(self.name)
        if dt == "F8_E4M3":
            self.kind = "fp8"
        elif dt in ("I8", "U8"):
            self.kind = "fp4"
        elif dt in ("BF16", "F16", "F32"):
            self.kind = "plain"
        else:
            raise SystemExit(f"{self.name}: unsupported weight dtype {dt}")
        self._w = None

    def weight(self):
        if self._w is None:
            ck = self.ck
            if self.kind == "fp8":
                w = E4M3_LUT[np.asarray(ck.raw(self.name))]
                s = e8m0_to_f32(ck.raw(self.sname))
                o, i = w.shape
                s_full = np.repeat(np.repeat(s, 128, axis=0), 128, axis=1)[:o, :i]
                self._w = (w * s_full).astype(F32)
            elif self.kind == "fp4":
                p = np.asarray(ck.raw(self.name)).view(np.uint8)
                o, ih = p.shape
                w = np.empty((o, ih * 2), F32)
                w[:, 0::2] = E2M1_LUT[p & 0x0F]
                w[:, 1::2] = E2M1_LUT[p >> 4]
                s = e8m0_to_f32(ck.raw(self.sname))
                assert s.shape[1] * 32 == ih * 2, f"{self.name}: FP4 scale shape"
                self._w = (w * np.repeat(s, 32, axis=1)).astype(F32)
            else:
                self._w = ck.f32(self.name)
        return self._w

    def __call__(self, x):
        w = self.weight()
        shp = x.shape
        x2 = np.asarray(x, F32).reshape(-1, shp[-1])
        if self.kind in ("fp8", "fp4"):
            x2 = act_quant_dq(x2, 128)
        y = mm_t(x2, w)
        return bf16(y).reshape(shp[:-1] + (w.shape[0],))


def mm_t(a, b):
    """a @ b.T in fp32. numpy's einsum loops are used instead of matmul because Debian's
    numpy links the netlib reference BLAS, which is several times slower."""
    return np.einsum("ik,jk->ij", np.asarray(a, F32), b, dtype=F32)


def softmax_f32(x, axis):
    m = np.max(x, axis=axis, keepdims=True)
    e = np.exp(x - m)
    return (e / np.sum(e, axis=axis, keepdims=True, dtype=F32)).astype(F32)


def sigmoid_f32(x):
    return (F32(1) / (F32(1) + np.exp(-x))).astype(F32)


# ----------------------------------------------------------------------------------
# Sparse attention (kernel.py sparse_attn_kernel)
# ----------------------------------------------------------------------------------

def sparse_attn(q, kv, sink, idx, scale, chunk=128):
    """q [S,H,D] bf16, kv [N,D] bf16, sink [H] fp32, idx [S,K] int (-1 = masked).
    Online softmax over blocks of 64 indices in list order; probabilities are cast to
    BF16 before the PV product; the sink only enters the denominator. Output BF16."""
    S, H, D = q.shape
    K = idx.shape[1]
    blk = 64
    nb = -(-K // blk)
    if nb * blk != K:
        idx = np.concatenate([idx, -np.ones((S, nb * blk - K), idx.dtype)], axis=1)
    scale = F32(scale)
    out = np.empty((S, H, D), F32)
    with np.errstate(invalid="ignore", over="ignore"):
        for c0 in range(0, S, chunk):
            c1 = min(S, c0 + chunk)
            qs = q[c0:c1]
            ids = idx[c0:c1]
            n = c1 - c0
            m = np.full((n, H), NEG_INF, F32)
            l = np.zeros((n, H), F32)
            acc = np.zeros((n, H, D), F32)
            for b in range(nb):
                ib = ids[:, b * blk:(b + 1) * blk]
                valid = ib >= 0
                if not valid.any():
                    continue  # exact no-op in the kernel once m is finite (alpha=1, p=0)
                kvb = kv[np.where(valid, ib, 0)]
                kvb[~valid] = 0
                s = np.matmul(qs, kvb.transpose(0, 2, 1))            # [n,H,64] fp32 acc
                s = np.where(valid[:, None, :], s, NEG_INF).astype(F32) * scale
                m_new = np.maximum(m, np.max(s, axis=-1))
                alpha = np.exp(m - m_new)
                p = np.exp(s - m_new[..., None])
                l = l * alpha + np.sum(p, axis=-1, dtype=F32)
                acc = acc * alpha[..., None] + np.matmul(bf16(p), kvb)
                m = m_new
            l = l + np.exp(sink[None, :] - m)
            out[c0:c1] = bf16(acc / l[..., None])
    return out


def window_topk_idxs(win, seqlen, start_pos):
    """model.py get_window_topk_idxs (one batch row)."""
    if start_pos >= win - 1:
        sp = start_pos % win
        return np.concatenate([np.arange(sp + 1, win), np.arange(0, sp + 1)])[None, :]
    if start_pos > 0:
        m = np.full(win, -1, np.int64)
        m[:start_pos + 1] = np.arange(start_pos + 1)
        return m[None, :]
    base = np.arange(seqlen)[:, None]
    m = np.clip(base - win + 1, 0, None) + np.arange(min(seqlen, win))[None, :]
    return np.where(m > base, -1, m)


def compress_topk_idxs(ratio, seqlen, start_pos, offset):
    """model.py get_compress_topk_idxs (one batch row)."""
    if start_pos > 0:
        return (np.arange(0, (start_pos + 1) // ratio) + offset)[None, :]
    m = np.tile(np.arange(seqlen // ratio), (seqlen, 1))
    mask = m >= (np.arange(1, seqlen + 1) // ratio)[:, None]
    return np.where(mask, -1, m + offset)


def topk_desc(scores, k):
    """torch.topk(k) (sorted, largest first) with ties broken towards the lower index."""
    order = np.argsort(-scores, axis=-1, kind="stable")
    return order[..., :k]


# ----------------------------------------------------------------------------------
# Compressor / Indexer / Attention
# ----------------------------------------------------------------------------------

class Compressor:
    def __init__(self, ck, cfg, prefix, ratio, head_dim, rotate, cos, sin, kv_cache):
        self.cfg = cfg
        self.ratio = ratio
        self.overlap = ratio == 4
        self.rotate = rotate
        self.d = head_dim
        self.rd = cfg.rope_head_dim
        coff = 2 if self.overlap else 1
        self.coff = coff
        self.wkv = ck.f32(prefix + ".wkv.weight")       # BF16 ckpt -> fp32 param
        self.wgate = ck.f32(prefix + ".wgate.weight")
        self.ape = ck.f32(prefix + ".ape")
        self.norm_w = ck.f32(prefix + ".norm.weight")
        assert self.wkv.shape[0] == coff * head_dim and self.ape.shape == (ratio, coff * head_dim)
        self.cos, self.sin = cos, sin
        self.kv_cache = kv_cache
        self.kv_state = np.zeros((coff * ratio, coff * head_dim), F32)
        self.score_state = np.full((coff * ratio, coff * head_dim), NEG_INF, F32)

    def _overlap_transform(self, t, value):
        nb, r, _ = t.shape
        d = self.d
        out = np.full((nb, 2 * r, d), value, F32)
        out[:, r:] = t[:, :, d:]
        out[:, :r][1:] = t[:-1, :, :d]
        return out

    def _finish(self, kv, positions):
        rd = self.rd
        kv = rms_norm(bf16(kv), self.norm_w, self.cfg.norm_eps)
        kv = kv.copy()
        kv[..., -rd:] = rope_bf16(kv[..., -rd:], self.cos[positions], self.sin[positions])
        if self.rotate:
            kv = hadamard_bf16(kv)
            kv = fp4_act_quant_dq(kv, 32)
        else:
            kv[..., :-rd] = act_quant_dq(kv[..., :-rd], 64)
        return kv

    def forward(self, x, start_pos):
        ratio, d = self.ratio, self.d
        S = x.shape[0]
        kv = mm_t(x, self.wkv)                   # fp32 linear
        score = mm_t(x, self.wgate)
        if start_pos == 0:
            should = S >= ratio
            rem = S % ratio
            cutoff = S - rem
            offset = ratio if self.overlap else 0
            if self.overlap and cutoff >= ratio:
                self.kv_state[:ratio] = kv[cutoff - ratio:cutoff]
                self.score_state[:ratio] = score[cutoff - ratio:cutoff] + self.ape
            if rem > 0:
                self.kv_state[offset:offset + rem] = kv[cutoff:]
                self.score_state[offset:offset + rem] = score[cutoff:] + self.ape[:rem]
                kv = kv[:cutoff]
                score = score[:cutoff]
            nb = cutoff // ratio
            kv = kv.reshape(nb, ratio, kv.shape[-1])
            score = (score.reshape(nb, ratio, score.shape[-1]) + self.ape[None]).astype(F32)
            if self.overlap:
                kv = self._overlap_transform(kv, 0.0)
                score = self._overlap_transform(score, NEG_INF)
            kv = np.sum(kv * softmax_f32(score, axis=1), axis=1, dtype=F32)
            if not should:
                return None
            kv = self._finish(kv, np.arange(0, cutoff, ratio))
            self.kv_cache[:S // ratio] = kv
            return kv
        should = (start_pos + 1) % ratio == 0
        score = (score + self.ape[start_pos % ratio]).astype(F32)
        if self.overlap:
            self.kv_state[ratio + start_pos % ratio] = kv[0]
            self.score_state[ratio + start_pos % ratio] = score[0]
            if should:
                kvs = np.concatenate([self.kv_state[:ratio, :d], self.kv_state[ratio:, d:]], axis=0)
                scs = np.concatenate([self.score_state[:ratio, :d], self.score_state[ratio:, d:]], axis=0)
                kv = np.sum(kvs * softmax_f32(scs, axis=0), axis=0, keepdims=True, dtype=F32)
                self.kv_state[:ratio] = self.kv_state[ratio:].copy()
                self.score_state[:ratio] = self.score_state[ratio:].copy()
        else:
            self.kv_state[start_pos % ratio] = kv[0]
            self.score_state[start_pos % ratio] = score[0]
            if should:
                kv = np.sum(self.kv_state * softmax_f32(self.score_state, axis=0), axis=0,
                            keepdims=True, dtype=F32)
        if not should:
            return None
        kv = self._finish(kv, np.array([start_pos + 1 - ratio]))
        self.kv_cache[start_pos // ratio] = kv[0]
        return kv


class Indexer:
    def __init__(self, ck, cfg, prefix, ratio, cos, sin, max_seq_len):
        self.cfg = cfg
        self.ratio = ratio
        self.n_heads = cfg.index_n_heads
        self.head_dim = cfg.index_head_dim
        self.rd = cfg.rope_head_dim
        self.topk = cfg.index_topk
        self.wq_b = Linear(ck, prefix + ".wq_b")
        self.weights_proj = Linear(ck, prefix + ".weights_proj")
        self.softmax_scale = self.head_dim ** -0.5
        self.cos, self.sin = cos, sin
        self.kv_cache = np.zeros((max_seq_len // ratio, self.head_dim), F32)
        self.compressor = Compressor(ck, cfg, prefix + ".compressor", ratio, self.head_dim, True,
                                     cos, sin, self.kv_cache)

    def forward(self, x, qr, start_pos, offset):
        S = x.shape[0]
        ratio, rd = self.ratio, self.rd
        cos, sin = self.cos[start_pos:start_pos + S], self.sin[start_pos:start_pos + S]
        end_pos = start_pos + S
        q = self.wq_b(qr).reshape(S, self.n_heads, self.head_dim).copy()
        q[..., -rd:] = rope_bf16(q[..., -rd:], cos, sin)
        q = hadamard_bf16(q)
        q = fp4_act_quant_dq(q, 32)
        self.compressor.forward(x, start_pos)
        w = self.weights_proj(x)                                       # BF16 linear
        w = bf16(w * F32(self.softmax_scale * self.n_heads ** -0.5))
        T = end_pos // ratio
        kvc = self.kv_cache[:T]
        sc = bf16(np.einsum("shd,td->sht", q, kvc, dtype=F32, optimize=True))
        sc = np.maximum(sc, F32(0))                                    # relu_ (bf16)
        sc = bf16(sc * w[:, :, None])
        sc = bf16(np.sum(sc, axis=1, dtype=F32))                      # [S, T] bf16
        if start_pos == 0:
            mask = np.arange(T)[None, :] >= (np.arange(1, S + 1) // ratio)[:, None]
            sc = np.where(mask, NEG_INF, sc)
        k = min(self.topk, T)
        top = topk_desc(sc, k)
        if start_pos == 0:
            m = top >= (np.arange(1, S + 1) // ratio)[:, None]
            return np.where(m, -1, top + offset), sc
        return top + offset, sc


class Attention:
    def __init__(self, ck, cfg, prefix, layer_id, max_seq_len, tables):
        self.cfg = cfg
        self.layer_id = layer_id
        self.n_heads = cfg.n_heads
        self.head_dim = cfg.head_dim
        self.rd = cfg.rope_head_dim
        self.n_groups = cfg.o_groups
        self.o_lora_rank = cfg.o_lora_rank
        self.win = cfg.window_size
        self.ratio = cfg.compress_ratios[layer_id]
        self.eps = cfg.norm_eps
        self.attn_sink = ck.f32(prefix + ".attn_sink")
        self.wq_a = Linear(ck, prefix + ".wq_a")
        self.q_norm = ck.f32(prefix + ".q_norm.weight")
        self.wq_b = Linear(ck, prefix + ".wq_b")
        self.wkv = Linear(ck, prefix + ".wkv")
        self.kv_norm = ck.f32(prefix + ".kv_norm.weight")
        self.wo_b = Linear(ck, prefix + ".wo_b")
        # wo_a: FP8 in the checkpoint, dequantized to BF16 (convert.py), used as BF16 einsum
        wo_a = Linear(ck, prefix + ".wo_a").weight()
        self.wo_a = bf16(wo_a).reshape(self.n_groups, self.o_lora_rank, -1)
        self.softmax_scale = self.head_dim ** -0.5
        if self.ratio:
            self.cos, self.sin = tables["compress"]
        else:
            self.cos, self.sin = tables["plain"]
        self.kv_cache = np.zeros((self.win + (max_seq_len // self.ratio if self.ratio else 0),
                                  self.head_dim), F32)
        self.compressor = None
        self.indexer = None
        if self.ratio:
            self.compressor = Compressor(ck, cfg, prefix + ".compressor", self.ratio, self.head_dim,
                                         False, self.cos, self.sin, self.kv_cache[self.win:])
            if self.ratio == 4:
                self.indexer = Indexer(ck, cfg, prefix + ".indexer", self.ratio, self.cos, self.sin,
                                       max_seq_len)

    def forward(self, x, start_pos, dump=None):
        S = x.shape[0]
        win, ratio, rd = self.win, self.ratio, self.rd
        H, C = self.n_heads, self.head_dim
        cos, sin = self.cos[start_pos:start_pos + S], self.sin[start_pos:start_pos + S]
        qr = rms_norm(self.wq_a(x), self.q_norm, self.eps)
        q = self.wq_b(qr).reshape(S, H, C)
        # q *= rsqrt(q.square().mean(-1) + eps) with q a BF16 tensor: every op rounds to BF16
        sq = bf16(q * q)
        ms = bf16(np.sum(sq, axis=-1, keepdims=True, dtype=F32) * F32(1.0 / C))
        r = bf16(F32(1.0) / np.sqrt(bf16(ms + F32(self.eps))))
        q = bf16(q * r)
        q[..., -rd:] = rope_bf16(q[..., -rd:], cos, sin)
        kv = rms_norm(self.wkv(x), self.kv_norm, self.eps).copy()
        kv[..., -rd:] = rope_bf16(kv[..., -rd:], cos, sin)
        kv[..., :-rd] = act_quant_dq(kv[..., :-rd], 64)
        idx = window_topk_idxs(win, S, start_pos)
        if ratio:
            offset = S if start_pos == 0 else win
            if self.indexer is not None:
                cidx, isc = self.indexer.forward(x, qr, start_pos, offset)
                if dump is not None:
                    dump("index_topk_layer%d" % self.layer_id, cidx.astype(np.int32))
            else:
                cidx = compress_topk_idxs(ratio, S, start_pos, offset)
            idx = np.concatenate([np.broadcast_to(idx, (S, idx.shape[1])), cidx], axis=1)
        idx = np.broadcast_to(idx, (S, idx.shape[1])).astype(np.int64)
        if start_pos == 0:
            if S <= win:
                self.kv_cache[:S] = kv
            else:
                cut = S % win
                last = kv[-win:]
                self.kv_cache[cut:win] = last[:win - cut]
                self.kv_cache[:cut] = last[win - cut:]
            kv_all = kv
            if ratio:
                kvc = self.compressor.forward(x, 0)
                if kvc is not None:
                    kv_all = np.concatenate([kv, kvc], axis=0)
            o = sparse_attn(q, kv_all, self.attn_sink, idx, self.softmax_scale)
        else:
            self.kv_cache[start_pos % win] = kv[0]
            if ratio:
                self.compressor.forward(x, start_pos)
            o = sparse_attn(q, self.kv_cache, self.attn_sink, idx, self.softmax_scale)
        o = o.copy()
        o[..., -rd:] = rope_bf16(o[..., -rd:], cos, sin, inverse=True)
        o = o.reshape(S, self.n_groups, -1)
        o = bf16(np.einsum("sgd,grd->sgr", o, self.wo_a, dtype=F32, optimize=True))
        return self.wo_b(o.reshape(S, -1))


# ----------------------------------------------------------------------------------
# MoE
# ----------------------------------------------------------------------------------

class Expert:
    def __init__(self, ck, prefix, limit):
        self.w1 = Linear(ck, prefix + ".w1")
        self.w2 = Linear(ck, prefix + ".w2")
        self.w3 = Linear(ck, prefix + ".w3")
        self.limit = limit

    def forward(self, x, weights=None):
        gate = self.w1(x)
        up = self.w3(x)
        if self.limit > 0:
            L = F32(self.limit)
            up = np.clip(up, -L, L)
            gate = np.minimum(gate, L)
        with np.errstate(over="ignore"):
            h = (gate / (F32(1) + np.exp(-gate))).astype(F32) * up      # F.silu(gate) * up
        if weights is not None:
            h = weights * h
        return self.w2(bf16(h))


class MoE:
    def __init__(self, ck, cfg, prefix, layer_id):
        self.cfg = cfg
        self.layer_id = layer_id
        self.hash = layer_id < cfg.n_hash_layers
        self.gate_w = ck.f32(prefix + ".gate.weight")
        self.ck = ck
        self.prefix = prefix
        if self.hash:
            self.tid2eid = prefix + ".gate.tid2eid"
            self.bias = None
        else:
            self.bias = ck.f32(prefix + ".gate.bias")
        self.experts = [Expert(ck, f"{prefix}.experts.{i}", cfg.swiglu_limit)
                        for i in range(cfg.n_routed_experts)]
        self.shared = Expert(ck, prefix + ".shared_experts", cfg.swiglu_limit)

    def gate(self, x, input_ids):
        cfg = self.cfg
        scores = mm_t(x, self.gate_w)
        if cfg.score_func == "softmax":
            scores = softmax_f32(scores, axis=-1)
        elif cfg.score_func == "sigmoid":
            scores = sigmoid_f32(scores)
        else:
            with np.errstate(over="ignore"):
                sp = np.where(scores > F32(20), scores, np.log1p(np.exp(scores))).astype(F32)
            scores = np.sqrt(sp).astype(F32)
        original = scores
        if self.bias is not None:
            scores = (scores + self.bias).astype(F32)
        if self.hash:
            indices = np.asarray(self.ck.raw(self.tid2eid)[np.asarray(input_ids)]).astype(np.int64)
        else:
            indices = topk_desc(scores, cfg.n_activated_experts)
        weights = np.take_along_axis(original, indices, axis=1).astype(F32)
        if cfg.score_func != "softmax":
            weights = (weights / np.sum(weights, axis=-1, keepdims=True, dtype=F32)).astype(F32)
        weights = (weights * F32(cfg.route_scale)).astype(F32)
        return weights, indices

    def forward(self, x, input_ids):
        weights, indices = self.gate(x, input_ids)
        y = np.zeros(x.shape, F32)
        for i in range(self.cfg.n_routed_experts):
            rows, slot = np.nonzero(indices == i)
            if rows.size == 0:
                continue
            y[rows] += self.experts[i].forward(x[rows], weights[rows, slot][:, None])
        y += self.shared.forward(x)
        return bf16(y)


# ----------------------------------------------------------------------------------
# Block with mHC
# ----------------------------------------------------------------------------------

def hc_split_sinkhorn(mixes, hc_scale, hc_base, hc, iters, eps):
    """kernel.py hc_split_sinkhorn_kernel, vectorized over tokens (fp32)."""
    eps = F32(eps)
    pre = sigmoid_f32(mixes[:, :hc] * hc_scale[0] + hc_base[:hc]) + eps
    post = F32(2) * sigmoid_f32(mixes[:, hc:2 * hc] * hc_scale[1] + hc_base[hc:2 * hc])
    comb = (mixes[:, 2 * hc:] * hc_scale[2] + hc_base[2 * hc:]).reshape(-1, hc, hc).astype(F32)
    rmax = np.max(comb, axis=2, keepdims=True)
    comb = np.exp(comb - rmax)
    comb = comb / np.sum(comb, axis=2, keepdims=True, dtype=F32) + eps
    comb = comb / (np.sum(comb, axis=1, keepdims=True, dtype=F32) + eps)
    for _ in range(iters - 1):
        comb = comb / (np.sum(comb, axis=2, keepdims=True, dtype=F32) + eps)
        comb = comb / (np.sum(comb, axis=1, keepdims=True, dtype=F32) + eps)
    return pre.astype(F32), post.astype(F32), comb.astype(F32)


def hc_mix_input(h, fn, eps):
    S = h.shape[0]
    xf = h.reshape(S, -1)
    rs = F32(1) / np.sqrt(np.mean(xf * xf, axis=-1, keepdims=True, dtype=F32) + F32(eps))
    return (mm_t(xf, fn) * rs).astype(F32)


def hc_weighted_sum(pre, h):
    y = pre[:, 0:1] * h[:, 0]
    for j in range(1, h.shape[1]):
        y = y + pre[:, j:j + 1] * h[:, j]
    return bf16(y)


class Block:
    def __init__(self, ck, cfg, prefix, layer_id, max_seq_len, tables):
        self.cfg = cfg
        self.layer_id = layer_id
        self.attn = Attention(ck, cfg, prefix + ".attn", layer_id, max_seq_len, tables)
        self.ffn = MoE(ck, cfg, prefix + ".ffn", layer_id)
        self.attn_norm = ck.f32(prefix + ".attn_norm.weight")
        self.ffn_norm = ck.f32(prefix + ".ffn_norm.weight")
        self.hc = {}
        for s in ("attn", "ffn"):
            self.hc[s] = (ck.f32(f"{prefix}.hc_{s}_fn"), ck.f32(f"{prefix}.hc_{s}_scale"),
                          ck.f32(f"{prefix}.hc_{s}_base"))

    def hc_pre(self, h, which):
        fn, scale, base = self.hc[which]
        cfg = self.cfg
        mixes = hc_mix_input(h, fn, cfg.norm_eps)
        pre, post, comb = hc_split_sinkhorn(mixes, scale, base, cfg.hc_mult,
                                            cfg.hc_sinkhorn_iters, cfg.hc_eps)
        return hc_weighted_sum(pre, h), post, comb

    @staticmethod
    def hc_post(x, res, post, comb):
        # y[k] = post[k] * x + sum_j comb[j, k] * res[j]   (fp32, then BF16)
        hc = res.shape[1]
        mix = comb[:, 0, :, None] * res[:, 0:1, :]
        for j in range(1, hc):
            mix = mix + comb[:, j, :, None] * res[:, j:j + 1, :]
        return bf16(post[:, :, None] * x[:, None, :] + mix)

    def forward(self, h, start_pos, input_ids, dump=None):
        L = self.layer_id
        res = h
        x, post, comb = self.hc_pre(h, "attn")
        x = rms_norm(x, self.attn_norm, self.cfg.norm_eps)
        if dump:
            dump("attn_in_layer%d" % L, x)
        x = self.attn.forward(x, start_pos, dump)
        if dump:
            dump("attn_out_layer%d" % L, x)
        h = self.hc_post(x, res, post, comb)
        if dump:
            dump("h_mid_layer%d" % L, h)
        res = h
        x, post, comb = self.hc_pre(h, "ffn")
        x = rms_norm(x, self.ffn_norm, self.cfg.norm_eps)
        x = self.ffn.forward(x, input_ids)
        if dump:
            dump("ffn_out_layer%d" % L, x)
        return self.hc_post(x, res, post, comb)


# ----------------------------------------------------------------------------------
# Model
# ----------------------------------------------------------------------------------

class Model:
    def __init__(self, path, max_seq_len):
        self.ck = ck = Checkpoint(path)
        self.cfg = cfg = Config(path)
        rd = cfg.rope_head_dim
        self.max_seq_len = max_seq_len
        self.tables = {
            "plain": precompute_freqs(rd, max_seq_len, 0, cfg.rope_theta, cfg.rope_factor,
                                      cfg.beta_fast, cfg.beta_slow),
            "compress": precompute_freqs(rd, max_seq_len, cfg.original_seq_len,
                                         cfg.compress_rope_theta, cfg.rope_factor,
                                         cfg.beta_fast, cfg.beta_slow),
        }
        self.layers = [Block(ck, cfg, f"layers.{i}", i, max_seq_len, self.tables)
                       for i in range(cfg.n_layers)]
        self.norm = ck.f32("norm.weight")
        self.hc_head_p = (ck.f32("hc_head_fn"), ck.f32("hc_head_scale"), ck.f32("hc_head_base"))
        self._head = None
        self.mtp = []

    def head_w(self):
        if self._head is None:
            self._head = np.ascontiguousarray(self.ck.f32("head.weight"))
        return self._head

    def embed(self, ids):
        return self.ck.rows_f32("embed.weight", ids)      # BF16 values

    def hc_head(self, h, params):
        fn, scale, base = params
        cfg = self.cfg
        mixes = hc_mix_input(h, fn, cfg.norm_eps)
        pre = sigmoid_f32(mixes * scale + base) + F32(cfg.hc_eps)
        return hc_weighted_sum(pre.astype(F32), h)

    def logits(self, h, params, norm_w, dump=None, tag="final"):
        """ParallelHead.forward applied to every position (get_logits takes only x[:, -1])."""
        x = self.hc_head(h, params)
        x = rms_norm(x, norm_w, self.cfg.norm_eps)
        if dump:
            dump(tag + "_norm", x)
        return mm_t(x, self.head_w())

    def forward_hidden(self, ids, start_pos, dump=None, forced=None):
        """Embedding + all main blocks for one call at start_pos. `forced` (teacher forcing):
        list of [n_total, hc, dim] arrays, forced[L] replaces the stream after block L as the
        input of block L+1 (rows start_pos .. start_pos+len(ids)-1 are used)."""
        h0 = self.embed(ids)
        if dump:
            dump("embed", h0)
        h = np.repeat(h0[:, None, :], self.cfg.hc_mult, axis=1)
        S = len(ids)
        for layer in self.layers:
            L = layer.layer_id
            if forced is not None and L > 0:
                h = bf16(forced[L - 1][start_pos:start_pos + S])
            h = layer.forward(h, start_pos, ids, dump)
            if dump:
                dump("h_after_layer%d" % L, h)
        if forced is not None:
            h = bf16(forced[-1][start_pos:start_pos + S])
        return h

    # --- MTP ------------------------------------------------------------------
    def mtp_block(self, m):
        while len(self.mtp) <= m:
            i = len(self.mtp)
            cfg, ck = self.cfg, self.ck
            lid = cfg.n_layers + i
            if lid >= len(cfg.compress_ratios):
                raise SystemExit("compress_ratios has no entry for the MTP block")
            p = f"mtp.{i}"
            blk = Block(ck, cfg, p, lid, self.max_seq_len, self.tables)
            blk.e_proj = Linear(ck, p + ".e_proj")
            blk.h_proj = Linear(ck, p + ".h_proj")
            blk.enorm = ck.f32(p + ".enorm.weight")
            blk.hnorm = ck.f32(p + ".hnorm.weight")
            blk.norm = ck.f32(p + ".norm.weight")
            blk.hc_head_p = (ck.f32(p + ".hc_head_fn"), ck.f32(p + ".hc_head_scale"),
                             ck.f32(p + ".hc_head_base"))
            self.mtp.append(blk)
        return self.mtp[m]

    def mtp_forward(self, h_main, next_ids, m=0, start_pos=0, dump=None):
        """MTPBlock.forward: h_main [S, hc, d] (BF16 streams after the last main block),
        next_ids [S] (the token following each position). Returns logits [S, vocab]."""
        blk = self.mtp_block(m)
        eps = self.cfg.norm_eps
        e = rms_norm(self.embed(next_ids), blk.enorm, eps)
        x = rms_norm(h_main, blk.hnorm, eps)
        x = bf16(blk.e_proj(e)[:, None, :] + blk.h_proj(x))
        x = blk.forward(x, start_pos, np.asarray(next_ids), dump)
        return self.logits(x, blk.hc_head_p, blk.norm, dump, tag="mtp%d" % m), x


# ----------------------------------------------------------------------------------
# CLI
# ----------------------------------------------------------------------------------

class Dumper:
    def __init__(self):
        self.data = {}
        self.enabled_all = False

    def __call__(self, name, arr):
        if not self.enabled_all and not name.startswith("h_after_layer"):
            return
        self.data.setdefault(name, []).append(np.array(arr))

    def __bool__(self):
        return True

    def write(self, d):
        os.makedirs(d, exist_ok=True)
        for name, parts in self.data.items():
            if name.startswith("index_topk"):
                # ragged across decode steps: pad with -1
                w = max(p.shape[1] for p in parts)
                parts = [np.pad(p, ((0, 0), (0, w - p.shape[1])), constant_values=-1) for p in parts]
                np.concatenate(parts, axis=0).astype("<i4").tofile(os.path.join(d, name + ".i32"))
            else:
                np.concatenate(parts, axis=0).astype("<f4").tofile(os.path.join(d, name + ".f32"))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--tokens", required=True, help="comma separated token ids")
    ap.add_argument("--out", required=True, help="float32 LE logits [n_tokens, vocab]")
    ap.add_argument("--dump-dir")
    ap.add_argument("--dump-all", action="store_true",
                    help="with --dump-dir: also embed, attn_in/attn_out/h_mid/ffn_out per layer, "
                         "final_norm, index_topk per CSA layer")
    ap.add_argument("--mode", choices=["prefill", "decode"], default="prefill",
                    help="prefill: one call at start_pos 0 over all tokens (default); decode: "
                         "prefill the first --prefill-len tokens, then one token per call")
    ap.add_argument("--prefill-len", type=int, default=1)
    ap.add_argument("--mtp", help="write MTP-block logits here (prefill mode only)")
    ap.add_argument("--mtp-next", type=int,
                    help="token following the prompt; with it the MTP block covers all n "
                         "positions, without it positions 0..n-2")
    ap.add_argument("--max-seq-len", type=int, default=0)
    ap.add_argument("--layer-inputs",
                    help="teacher forcing: directory with h_after_layer{L}.f32 [n_tokens, hc_mult, "
                         "hidden] (e.g. the engine's dumps); block L+1 reads the stream of block L "
                         "from there, and the head (and --mtp) reads the last one")
    args = ap.parse_args(argv)

    t0 = time.time()
    ids = np.array([int(t) for t in args.tokens.split(",") if t.strip() != ""], np.int64)
    n = len(ids)
    if n == 0:
        raise SystemExit("no tokens")
    max_seq_len = max(args.max_seq_len, n)
    model = Model(args.model, max_seq_len)
    cfg = model.cfg
    if ids.min() < 0 or ids.max() >= cfg.vocab_size:
        raise SystemExit("token id out of range")
    t_load = time.time() - t0

    dumper = Dumper()
    dumper.enabled_all = bool(args.dump_all)
    dump = dumper if args.dump_dir else None

    t1 = time.time()
    forced = None
    if args.layer_inputs:
        shape = (n, cfg.hc_mult, cfg.dim)
        forced = []
        for L in range(cfg.n_layers):
            f = os.path.join(args.layer_inputs, "h_after_layer%d.f32" % L)
            forced.append(np.fromfile(f, "<f4").reshape(shape))
    hs = []
    if args.mode == "prefill":
        hs.append(model.forward_hidden(ids, 0, dump, forced))
    else:
        p = max(1, min(args.prefill_len, n))
        hs.append(model.forward_hidden(ids[:p], 0, dump, forced))
        for i in range(p, n):
            hs.append(model.forward_hidden(ids[i:i + 1], i, dump, forced))
    t_fwd = time.time() - t1

    t2 = time.time()
    logits = np.concatenate([model.logits(h, model.hc_head_p, model.norm, dump) for h in hs], axis=0)
    logits.astype("<f4").tofile(args.out)
    t_head = time.time() - t2

    t_mtp = 0.0
    if args.mtp:
        if args.mode != "prefill":
            raise SystemExit("--mtp is supported in prefill mode only")
        t3 = time.time()
        h = hs[0]
        if args.mtp_next is not None:
            nxt = np.concatenate([ids[1:], [args.mtp_next]])
        else:
            h = h[:-1]
            nxt = ids[1:]
        if len(nxt) > 0:
            ml, _ = model.mtp_forward(h, nxt, 0, 0, dump)
        else:
            ml = np.zeros((0, cfg.vocab_size), F32)
        ml.astype("<f4").tofile(args.mtp)
        t_mtp = time.time() - t3

    if args.dump_dir:
        dumper.write(args.dump_dir)

    finite = bool(np.isfinite(logits).all())
    print(json.dumps({
        "tokens": n, "vocab": cfg.vocab_size, "layers": cfg.n_layers, "mode": args.mode,
        "load_s": round(t_load, 3), "forward_s": round(t_fwd, 3), "head_s": round(t_head, 3),
        "mtp_s": round(t_mtp, 3), "total_s": round(time.time() - t0, 3), "finite": finite,
    }))
    return 0 if finite else 1


if __name__ == "__main__":
    sys.exit(main())
