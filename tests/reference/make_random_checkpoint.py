#!/usr/bin/env python3
"""Write a random-weight checkpoint in the official DeepSeek V4 layout for ANY config.json.

`seek model init` only knows its presets; this covers shapes the presets do not reach
(a ratio-128 first layer, a CSA MTP block, hc_mult != 4, head_dim != 512, a BF16 checkpoint
without quantization_config, FP8 routed experts, softmax scoring, ...). Tensor names,
dtypes and shapes follow the official model.py (see /tmp/inventory.md). Values are random
and only meant to keep activations in a sane range.

  /usr/bin/python3 tests/reference/make_random_checkpoint.py --config CFG.json --out DIR --seed 3
"""

import argparse
import json
import math
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dsv4_reference as R  # noqa: E402  (number formats)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    cfg = json.load(open(a.config))
    rng = np.random.default_rng(a.seed)
    os.makedirs(a.out, exist_ok=True)
    json.dump(cfg, open(os.path.join(a.out, "config.json"), "w"), indent=1)
    T = {}

    def bf(x):
        x = R.bf16(np.asarray(x, np.float32))
        return ("BF16", (x.view(np.uint32) >> 16).astype(np.uint16))

    def f32(x):
        return ("F32", np.asarray(x, np.float32))

    pos = sorted((float(R.E4M3_LUT[c]), c) for c in range(127))
    pv = np.array([p[0] for p in pos], np.float32)
    pc = np.array([p[1] for p in pos], np.uint8)

    def enc_e4m3(q):
        i = np.searchsorted(pv, np.abs(q))
        assert np.all(pv[i] == np.abs(q))
        return (pc[i] | np.where(np.signbit(q), 128, 0)).astype(np.uint8)

    quant = "quantization_config" in cfg
    fp4 = cfg.get("expert_dtype") == "fp4"
    e2m1 = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0]

    def lin(name, o, i, kind=None):
        W = (rng.standard_normal((o, i)) / math.sqrt(i)).astype(np.float32)
        kind = kind or ("fp8" if quant else "bf16")
        if kind == "bf16":
            T[name + ".weight"] = bf(W)
        elif kind == "fp8":
            bo, bi = -(-o // 128), -(-i // 128)
            S = np.zeros((bo, bi), np.float32)
            Q = np.zeros_like(W)
            for r in range(bo):
                for c in range(bi):
                    blk = W[r * 128:(r + 1) * 128, c * 128:(c + 1) * 128]
                    s = 2.0 ** np.ceil(np.log2(np.abs(blk).max() / 448))
                    S[r, c] = s
                    Q[r * 128:(r + 1) * 128, c * 128:(c + 1) * 128] = R.e4m3_rne(np.clip(blk / s, -448, 448))
            T[name + ".weight"] = ("F8_E4M3", enc_e4m3(Q))
            T[name + ".scale"] = ("F8_E8M0", (np.log2(S) + 127).astype(np.uint8))
        else:  # MXFP4
            Wb = W.reshape(o, i // 32, 32)
            s = 2.0 ** np.ceil(np.log2(np.abs(Wb).max(-1, keepdims=True) / 6))
            q = R.e2m1_rne(np.clip(Wb / s, -6, 6)).reshape(o, i)
            nib = np.searchsorted(np.array(e2m1, np.float32), np.abs(q)) | np.where(np.signbit(q), 8, 0)
            T[name + ".weight"] = ("I8", (nib[:, 0::2] | (nib[:, 1::2] << 4)).astype(np.uint8))
            T[name + ".scale"] = ("F8_E8M0", (np.log2(s[..., 0]) + 127).astype(np.uint8))

    D, V, HC = cfg["hidden_size"], cfg["vocab_size"], cfg.get("hc_mult", 4)
    mix = (2 + HC) * HC
    H, C, Qr = cfg["num_attention_heads"], cfg["head_dim"], cfg["q_lora_rank"]
    G, OR = cfg["o_groups"], cfg["o_lora_rank"]
    IH, IC = cfg.get("index_n_heads", 64), cfg.get("index_head_dim", 128)
    E, F, K = cfg["n_routed_experts"], cfg["moe_intermediate_size"], cfg["num_experts_per_tok"]
    NL, NH, NM = cfg["num_hidden_layers"], cfg.get("num_hash_layers", 0), cfg.get("num_nextn_predict_layers", 1)
    cr = cfg["compress_ratios"]

    def norm(name, n):
        T[name + ".weight"] = bf(1 + 0.1 * rng.standard_normal(n))

    def hc_params(p, names, n):
        fn, base, scale = names
        T[p + fn] = f32(rng.standard_normal((n, HC * D)) * 0.05)
        T[p + base] = f32(rng.standard_normal(n) * 0.5)
        T[p + scale] = f32(0.5 + 0.2 * rng.standard_normal(3 if n == mix else 1))

    def comp(p, r, hd):
        coff = 2 if r == 4 else 1
        T[p + ".wkv.weight"] = bf(rng.standard_normal((coff * hd, D)) / math.sqrt(D))
        T[p + ".wgate.weight"] = bf(rng.standard_normal((coff * hd, D)) / math.sqrt(D))
        T[p + ".ape"] = f32(0.3 * rng.standard_normal((r, coff * hd)))
        norm(p + ".norm", hd)

    def block(p, lid):
        for s in ("attn", "ffn"):
            hc_params(p, (f".hc_{s}_fn", f".hc_{s}_base", f".hc_{s}_scale"), mix)
        norm(p + ".attn_norm", D)
        norm(p + ".ffn_norm", D)
        at = p + ".attn"
        T[at + ".attn_sink"] = f32(rng.standard_normal(H))
        lin(at + ".wq_a", Qr, D)
        norm(at + ".q_norm", Qr)
        lin(at + ".wq_b", H * C, Qr)
        lin(at + ".wkv", C, D)
        norm(at + ".kv_norm", C)
        lin(at + ".wo_a", G * OR, H * C // G)
        lin(at + ".wo_b", D, G * OR)
        r = cr[lid]
        if r:
            comp(at + ".compressor", r, C)
            if r == 4:
                lin(at + ".indexer.wq_b", IH * IC, Qr)
                lin(at + ".indexer.weights_proj", IH, D, kind="bf16")
                comp(at + ".indexer.compressor", r, IC)
        f = p + ".ffn"
        T[f + ".gate.weight"] = bf(rng.standard_normal((E, D)) / math.sqrt(D))
        if lid < NH:
            T[f + ".gate.tid2eid"] = ("I64", np.stack([rng.permutation(E)[:K] for _ in range(V)]).astype(np.int64))
        else:
            T[f + ".gate.bias"] = f32(0.1 * rng.standard_normal(E))
        for w, o, i in (("w1", F, D), ("w2", D, F), ("w3", F, D)):
            lin(f"{f}.shared_experts.{w}", o, i)
            for e in range(E):
                lin(f"{f}.experts.{e}.{w}", o, i, kind=("fp4" if fp4 else None))

    T["embed.weight"] = bf(rng.standard_normal((V, D)))
    T["head.weight"] = bf(rng.standard_normal((V, D)) / math.sqrt(D))
    norm("norm", D)
    hc_params("", ("hc_head_fn", "hc_head_base", "hc_head_scale"), HC)
    for layer in range(NL):
        block(f"layers.{layer}", layer)
    for m in range(NM):
        p = f"mtp.{m}"
        block(p, NL + m)
        lin(p + ".e_proj", D, D)
        lin(p + ".h_proj", D, D)
        for n in ("enorm", "hnorm", "norm"):
            norm(f"{p}.{n}", D)
        hc_params(p, (".hc_head_fn", ".hc_head_base", ".hc_head_scale"), HC)

    hdr, off, blobs = {}, 0, []
    for k, (dt, arr) in T.items():
        b = np.ascontiguousarray(arr).tobytes()
        hdr[k] = {"dtype": dt, "shape": list(arr.shape), "data_offsets": [off, off + len(b)]}
        off += len(b)
        blobs.append(b)
    h = json.dumps(hdr).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(os.path.join(a.out, "model.safetensors"), "wb") as fh:
        fh.write(struct.pack("<Q", len(h)))
        fh.write(h)
        for b in blobs:
            fh.write(b)
    print(json.dumps({"tensors": len(T), "bytes": off, "out": a.out}))


if __name__ == "__main__":
    main()
