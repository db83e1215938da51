#!/usr/bin/python3
"""Regenerate the calibrated device profiles platforms/devices/*.yaml from published whole-model latencies.

Every figure fitted here is a published measurement cited in /work/shared/reference/devices.md (sections named per
dataset below). The model is the profile format's own (docs/formats.md): per op class, time = fixed + work / rate,
charged per layer, with conv / depthwise_conv / fc classes. Unknowns x = (1/R_conv, fixed per conv/fc layer, and
where the data can identify them 1/R_dw and 1/R_fc) are fitted by non-negative least squares on *relative* residuals
(each row divided by its measured time), so a 2 ms and a 2 s figure weigh the same. Parameters the data cannot
identify are borrowed from the fit in devices.md section 9.1 and marked "borrowed" in the profile's citation.

One conv class: the format has no separate class for Winograd-eligible 3x3 stride-1 convs, so frameworks that use
Winograd for those (ncnn, TensorRT, NNPACK) fit with larger residuals than devices.md's 5-parameter form; the
residuals are written into each profile and its `tolerance` is max |residual| rounded up to the next 5 % plus 5 %
for the model-version differences (the zoo follows torchvision; ncnn / TF-slim nets differ by up to 6 % in MACs).

Usage: /usr/bin/python3 scripts/calibrate_profiles.py [--out platforms/devices] [--check]
  --check   recompute and fail (exit 1) when a committed profile differs from what this script writes.
"""
import argparse
import math
import os
import sys

import itertools

import numpy as np


def nnls(a, b):
    """Non-negative least squares by enumerating active sets (at most 4 unknowns here, so 16 subsets)."""
    n = a.shape[1]
    best, best_err = np.zeros(n), float(np.sum(b * b))
    for k in range(1, n + 1):
        for cols in itertools.combinations(range(n), k):
            x_sub, *_ = np.linalg.lstsq(a[:, cols], b, rcond=None)
            if np.any(x_sub < 0):
                continue
            x = np.zeros(n)
            x[list(cols)] = x_sub
            err = float(np.sum((a @ x - b) ** 2))
            if err < best_err - 1e-15:
                best, best_err = x, err
    return best, best_err

# Per-model work of the zoo models (sim/model/zoo.cpp; summed with layer_macs / layer_other_ops, so the fit and
# tests/kernels/calibrated_profiles_test.cpp predict the same time): dense conv GMAC, depthwise GMAC, FC MACs
# (millions; = FC parameters), number of conv + depthwise + FC layers, pool ops (millions), element-wise ops (millions).
MODELS = {
    "vgg16": (15.3466, 0.00000, 123.6337, 16, 6.1215, 0.0000),
    "resnet18": (1.8136, 0.00000, 0.5120, 21, 1.8314, 0.7526),
    "resnet34": (3.6632, 0.00000, 0.5120, 37, 1.8314, 1.3798),
    "resnet50": (4.0871, 0.00000, 2.0480, 54, 1.9067, 5.5194),
    "mobilenet_v1_1.0_224": (0.5503, 0.01739, 1.0240, 28, 0.0502, 0.0000),
    "mobilenet_v2": (0.2788, 0.02072, 1.2800, 53, 0.0627, 0.2164),
    "inception_v3": (5.7112, 0.00000, 2.0480, 95, 24.5304, 2.6696),
    "alexnet": (0.6556, 0.00000, 58.6220, 8, 0.7949, 0.0000),
    "squeezenet1_0": (0.8189, 0.00000, 0.0000, 26, 5.1468, 2.6993),
    "squeezenet1_1": (0.3492, 0.00000, 0.0000, 26, 3.1406, 1.4505),
    "yolov2_416": (14.7321, 0.00000, 0.0000, 23, 10.7295, 0.2596),
    "yolov2_448": (17.0857, 0.00000, 0.0000, 23, 12.4436, 0.3011),
    "yolov2_608": (31.4691, 0.00000, 0.0000, 23, 22.9192, 0.5545),
    # Partial-model figures: YOLOv2-608 layer ranges timed by the NoSDSE DeepThings profiles (devices.md 1.2).
    "yolov2_608[4-7]": (3.596, 0.0, 0.0, 4, 0.0, 0.0),
    "yolov2_608[8-11]": (3.596, 0.0, 0.0, 4, 0.0, 0.0),
    "yolov2_608[12-15]": (3.786, 0.0, 0.0, 4, 0.0, 0.0),
}
NOSDSE = "SLAM-Lab/NoSDSE examples/deepthings/src/profile/4_core/gateway_4_layers_*.prof"

NCNN = "Tencent/ncnn benchmark/README.md (benchncnn fp32, avg ms)"
T2T_NANO = "NVIDIA-AI-IOT/torch2trt docs/benchmarks/jetson_nano.md (TensorRT FP16, batch 1, 224)"
T2T_XAVIER = "NVIDIA-AI-IOT/torch2trt docs/benchmarks/jetson_xavier.md (TensorRT FP16, batch 1, 224)"
TF2TRT = "NVIDIA-AI-IOT/tf_to_trt_image_classification README (Jetson TX2, TensorRT FP16, incl. H2D/D2H copies)"
FAQ = "raspberrypi/documentation faqs/README.md (board current at 5 V)"
RADIO_NOTE = ("radio power is an assumption [R]: no credible published Wi-Fi radio figure exists "
              "(devices.md section 10); tx 1.0 W / rx 0.6 W")

PI4_PSTATES_GHZ = [1.8, 1.5, 1.2, 1.0, 0.75, 0.6]

# Each profile: hardware, power, the dataset fitted, and which parameters are free.
PROFILES = [
    {
        "name": "rpi3b",
        "description": "Raspberry Pi 3 Model B (4x Cortex-A53 @1.2 GHz), Darknet + NNPACK fp32, 4 threads "
                       "(the DeepThings / AOFL setting)",
        "cores": 4, "ref_ghz": 1.2, "pstates_ghz": [1.2, 0.6],
        # FAQ: idle 0.30 A, stress avg 0.85 A at 5 V, WLAN associated. Lower pstate: Reconstruction, see pstate_power.
        "idle_W": 1.5, "busy_W": 4.3, "radio": (1.0, 0.6),
        "power_cite": FAQ + ": 3B idle 0.30 A / stress 0.85 A", 
        "data": [  # (zoo model, pstate GHz, measured ms, source)
            ("yolov2_608", 1.2, 8200.0, "shizukachan/darknet-nnpack README @02baf4e (8.2 s)"),
            ("yolov2_608", 1.2, 7700.0, "shizukachan/darknet-nnpack README, earlier version (7.7 s)"),
            ("yolov2_608[4-7]", 1.2, 1087.0, NOSDSE),
            ("yolov2_608[8-11]", 1.2, 824.0, NOSDSE),
            ("yolov2_608[12-15]", 1.2, 802.0, NOSDSE),
        ],
        "free": ["conv", "fixed"], "R_dw": 1.2, "BW_GBps": 1.1, "wbytes": 4,
        "borrowed": "R_dw 1.2 GMAC/s (assumed in devices.md 9.1), FC bandwidth 1.1 GB/s (sbc-bench memcpy). "
                    "Tiny-YOLO-VOC (1.2-1.3 s) is left out: its low-channel first layers run at about 0.75x the "
                    "deep-layer rate (devices.md 1.2), which a per-layer fixed cost would misattribute",
    },
    {
        "name": "rpi4b",
        "description": "Raspberry Pi 4 Model B (4x Cortex-A72), ncnn fp32, 4 threads (all cores)",
        "cores": 4, "ref_ghz": 1.5, "pstates_ghz": PI4_PSTATES_GHZ,
        "idle_W": 2.7, "busy_W": 6.0, "radio": (1.0, 0.6),
        "power_cite": FAQ + ": 4B idle 0.6 A / stress 1.2 A; chipwired.com meter idle 2.2-2.3 W (idle = mean 2.7 W)",
        "data": [
            ("vgg16", 1.8, 547.1, NCNN + " RPi 4B 4T @1.8 GHz, commit cc37c10"),
            ("resnet18", 1.8, 123.1, NCNN + " RPi 4B 4T"),
            ("resnet50", 1.8, 262.8, NCNN + " RPi 4B 4T (ncnn ResNet-50 v1)"),
            ("mobilenet_v1_1.0_224", 1.8, 61.2, NCNN + " RPi 4B 4T"),
            ("mobilenet_v2", 1.8, 61.9, NCNN + " RPi 4B 4T"),
        ],
        "free": ["conv", "fixed"], "R_dw": 1.81 / 1.2, "BW_GBps": 8.92 / 1.2, "wbytes": 4,
        "borrowed": "R_dw 1.81 GMAC/s and FC bandwidth 8.92 GB/s at 1.8 GHz from devices.md 9.1 pi4_ncnn_4t",
    },
    {
        "name": "rpi4b_1core",
        "description": "Raspberry Pi 4 Model B, one Cortex-A72 core, ncnn fp32, 1 thread",
        "cores": 1, "ref_ghz": 1.5, "pstates_ghz": PI4_PSTATES_GHZ,
        # Reconstruction: one busy core adds a quarter of the 4-core stress increment (FAQ 6.0 - 3.0 W).
        "idle_W": 2.7, "busy_W": 2.7 + (6.0 - 2.7) / 4, "radio": (1.0, 0.6),
        "power_cite": FAQ + "; Reconstruction: busy = idle + (4-core stress - idle) / 4",
        "data": [
            ("vgg16", 1.8, 1071.9, NCNN + " RPi 4B 1T @1.8 GHz, commit cc37c10"),
            ("resnet18", 1.8, 191.1, NCNN + " RPi 4B 1T"),
            ("resnet50", 1.8, 534.1, NCNN + " RPi 4B 1T (ncnn ResNet-50 v1)"),
            ("mobilenet_v1_1.0_224", 1.8, 124.3, NCNN + " RPi 4B 1T"),
            ("mobilenet_v2", 1.8, 93.5, NCNN + " RPi 4B 1T"),
        ],
        "free": ["conv", "fixed"], "R_dw": 1.25 / 1.2, "BW_GBps": 5.16 / 1.2, "wbytes": 4,
        "borrowed": "R_dw 1.25 GMAC/s and FC bandwidth 5.16 GB/s at 1.8 GHz from devices.md 9.1 pi4_ncnn_1t",
    },
    {
        "name": "rpi4b_pico",
        "description": "Raspberry Pi 4 Model B, one core, LibTorch + NNPACK fp32 (the PICO ICDCS'21 testbed)",
        "cores": 1, "ref_ghz": 1.5, "pstates_ghz": [1.5, 1.0, 0.75, 0.6, 0.5],
        "idle_W": 2.7, "busy_W": 2.7 + (6.0 - 2.7) / 4, "radio": (1.0, 0.6),
        "power_cite": FAQ + "; Reconstruction: busy = idle + (4-core stress - idle) / 4",
        "data": [
            ("vgg16", 1.0, 22600.0, "PICO ICDCS'21 single-device period, figure-read [F] (papers.md 1.7)"),
            ("vgg16", 0.75, 28800.0, "PICO ICDCS'21 [F]"),
            ("vgg16", 0.5, 43800.0, "PICO ICDCS'21 [F]"),
            ("yolov2_448", 1.0, 19800.0, "PICO ICDCS'21 [F]"),
            ("yolov2_448", 0.75, 27000.0, "PICO ICDCS'21 [F]"),
            ("yolov2_448", 0.5, 40000.0, "PICO ICDCS'21 [F]"),
        ],
        "free": ["conv", "fixed"], "R_dw": 0.2 * 1.5, "BW_GBps": 0.35 * 1.5, "wbytes": 4,
        "borrowed": "R_dw 0.2 GMAC/s/GHz (assumed) and FC bandwidth 0.35 GB/s at 1 GHz from devices.md 9.1 "
                    "pi4_libtorch_nnpack_1c; VGG-16 fitted at 224 px (PICO prints 244, devices.md 12.2)",
    },
    {
        "name": "jetson_nano",
        "description": "NVIDIA Jetson Nano (128-core Maxwell GPU @921.6 MHz, MaxN 10 W), TensorRT FP16",
        "cores": 4, "ref_ghz": 0.9216, "pstates_ghz": [0.9216, 0.64],
        # nvpmodel budgets (MaxN 10 W, 5 W mode: GPU 640 MHz); idle 25 % of the budget is an assumption [R].
        "idle_W": 2.5, "busy_W": 10.0, "pstate_busy_W": {0.64: 5.0}, "radio": (1.0, 0.6),
        "power_cite": "NVIDIA L4T power docs: nvpmodel budgets 10 W / 5 W [S]; idle = 25 % of budget [R]",
        "data": [
            ("vgg16", 0.9216, 85.1, T2T_NANO),
            ("resnet18", 0.9216, 11.4, T2T_NANO),
            ("resnet34", 0.9216, 20.2, T2T_NANO),
            ("resnet50", 0.9216, 29.8, T2T_NANO),
            ("alexnet", 0.9216, 14.7, T2T_NANO),
            ("squeezenet1_0", 0.9216, 7.6, T2T_NANO),
            ("squeezenet1_1", 0.9216, 4.34, T2T_NANO),
        ],
        "free": ["conv", "fixed", "fc"], "R_dw": 20.0, "BW_GBps": 12.8, "wbytes": 2,
        "borrowed": "R_dw 20 GMAC/s (prior, devices.md 9.1 nano_trt_fp16)",
    },
    {
        "name": "jetson_tx2",
        "description": "NVIDIA Jetson TX2 (256-core Pascal GPU @1.30 GHz, Max-N), TensorRT FP16",
        "cores": 6, "ref_ghz": 1.3, "pstates_ghz": [1.3, 0.85],
        "idle_W": 3.75, "busy_W": 15.0, "pstate_busy_W": {0.85: 7.5}, "radio": (1.0, 0.6),
        "power_cite": "nvpmodel Max-N / Max-Q budgets ~15 / 7.5 W (unverified [S], devices.md 4); idle 25 % [R]",
        "data": [
            ("vgg16", 1.3, 38.2, TF2TRT),
            ("resnet50", 1.3, 15.7, TF2TRT + " (TF-slim ResNet-v1-50)"),
            ("mobilenet_v1_1.0_224", 1.3, 12.9, TF2TRT),
            ("inception_v3", 1.3, 26.3, TF2TRT + " (299 px)"),
        ],
        "free": ["conv", "fixed", "dw"], "R_dw": 2.6, "BW_GBps": 18.2, "wbytes": 2,
        "borrowed": "FC bandwidth 18.2 GB/s from devices.md 9.1 tx2_trt_fp16",
    },
    {
        "name": "jetson_xavier",
        "description": "NVIDIA Jetson AGX Xavier (512-core Volta GPU @1.377 GHz, 30 W mode), TensorRT FP16",
        "cores": 8, "ref_ghz": 1.377, "pstates_ghz": [1.377],
        "idle_W": 7.5, "busy_W": 30.0, "radio": (1.0, 0.6),
        "power_cite": "ShreyasSkandanS/nvidia_xavier_utils: 10/15/30 W modes [S]; idle 25 % of budget [R]",
        "data": [
            ("vgg16", 1.377, 7.46, T2T_XAVIER),
            ("resnet18", 1.377, 1.64, T2T_XAVIER),
            ("resnet34", 1.377, 2.79, T2T_XAVIER),
            ("resnet50", 1.377, 3.37, T2T_XAVIER),
            ("mobilenet_v2", 1.377, 1.67, T2T_XAVIER),
            ("alexnet", 1.377, 2.02, T2T_XAVIER),
            ("squeezenet1_0", 1.377, 1.49, T2T_XAVIER),
            ("squeezenet1_1", 1.377, 1.02, T2T_XAVIER),
        ],
        "free": ["conv", "fixed", "fc"], "R_dw": 52.3, "BW_GBps": 84.9, "wbytes": 2,
        "borrowed": "R_dw 52.3 GMAC/s from devices.md 9.1 xavier_trt_fp16",
    },
    {
        "name": "cloud_gpu",
        "description": "Cloud server, NVIDIA V100-SXM2, TensorRT FP16, batch 1",
        "cores": 1, "ref_ghz": 1.53, "pstates_ghz": [1.53],
        "idle_W": 50.0, "busy_W": 250.0, "radio": None,
        "power_cite": "V100 TDP 250 W (spec sheet [S], not retrieved); idle 50 W is an assumption [R]",
        "data": [
            ("resnet50", 1.53, 1.09, "sandeepkumar-skb/pytorch_experiments torchvision_exp/README.md (TRT FP16)"),
        ],
        "free": ["conv"], "fixed_ms": 0.012, "R_dw": 200.0, "BW_GBps": 700.0, "wbytes": 2,
        "borrowed": "fixed 0.012 ms per layer, R_dw 200 GMAC/s, FC bandwidth 700 GB/s from devices.md 9.1 "
                    "v100_trt_fp16 (one published point cannot identify more than the conv rate)",
    },
]

# Odroid XU4: no published batch-1 CNN latency exists (devices.md section 6). Derived [D] from a fit of the RPi 4B
# 2020 ncnn 4T figures at 1.5 GHz (the 32-bit era code path the XU4 also runs), scaled by peak FLOP/s (4x A15 @2.0 GHz
# x 8 flop/cycle = 64 vs 4x A72 @1.5 GHz = 48 GFLOP/s) and by memcpy bandwidth (2.25 vs 2.43 GB/s).
XU4_BASE = {
    "name": "pi4_ncnn_4t_2020", "ref_ghz": 1.5, "pstates_ghz": [1.5],
    "data": [
        ("vgg16", 1.5, 988.7, NCNN + " RPi 4B 4T @1.5 GHz, commit 97b4394 (2020)"),
        ("resnet18", 1.5, 233.9, NCNN + " 2020"),
        ("resnet50", 1.5, 487.0, NCNN + " 2020"),
        ("mobilenet_v1_1.0_224", 1.5, 86.0, NCNN + " 2020"),
        ("mobilenet_v2", 1.5, 75.8, NCNN + " 2020"),
    ],
    "free": ["conv", "fixed"], "R_dw": 1.73, "BW_GBps": 3.2, "wbytes": 4,
}


def fit(p):
    """Least squares on relative residuals. Returns parameters at the reference pstate and per-figure residuals."""
    cols = p["free"]
    rows, rhs = [], []
    for model, ghz, t_ms, _ in p["data"]:
        conv, dw, fc_m, n, pool_m, elt_m = MODELS[model]
        speed = ghz / p["ref_ghz"]
        fc_gmac = fc_m / 1e3
        r_fc = p["BW_GBps"] / p["wbytes"]  # GMAC/s: FC is weight-streaming, one weight per MAC
        known = 1e3 * (pool_m + elt_m) / 1e3 / stream_rate(p)  # ms
        row = []
        for c in ("conv", "fixed", "dw", "fc"):
            coef = {"conv": conv, "fixed": n, "dw": dw, "fc": fc_gmac}[c]
            if c in cols:
                row.append(coef / speed / t_ms)
            else:
                # ms per GMAC for borrowed rates given in GMAC/s
                val = {"conv": None, "fixed": p.get("fixed_ms", 0.0), "dw": 1e3 / p["R_dw"], "fc": 1e3 / r_fc}[c]
                known += coef * val
        rows.append(row)
        rhs.append(1.0 - known / speed / t_ms)
    x, _ = nnls(np.array(rows), np.array(rhs))
    sol = dict(zip(cols, x))
    # The unknowns are in ms per GMAC; rates are reported in GMAC/s.
    return {
        "R_conv": 1e3 / sol["conv"],
        "fixed_ms": sol.get("fixed", p.get("fixed_ms", 0.0)),
        "R_dw": 1e3 / sol["dw"] if "dw" in sol else p["R_dw"],
        "R_fc": 1e3 / sol["fc"] if "fc" in sol else p["BW_GBps"] / p["wbytes"],
        "R_stream": stream_rate(p),
    }


def stream_rate(p):
    """Pool / element-wise rate in Gop/s: not identifiable from whole-model figures; charged as memory-bound streams
    at the FC weight bandwidth, one 4-byte read per op, no fixed cost."""
    return p["BW_GBps"] / 4


def predict_ms(params, model, speed):
    conv, dw, fc_m, n, pool_m, elt_m = MODELS[model]
    t_ms = 1e3 * (conv / params["R_conv"] + dw / params["R_dw"] + (fc_m / 1e3) / params["R_fc"] +
                  (pool_m + elt_m) / 1e3 / params["R_stream"])
    return (t_ms + n * params["fixed_ms"]) / speed


def fmt_rate(gmac_per_s, unit="MAC/s"):
    if gmac_per_s >= 1000:
        return f"{gmac_per_s / 1000:.4g} T{unit}"
    return f"{gmac_per_s:.4g} G{unit}"


def fmt_time_ms(ms):
    if ms == 0:
        return "0 ms"
    if ms < 0.1:
        return f"{ms * 1000:.4g} us"
    return f"{ms:.4g} ms"


def pstate_name(ghz):
    return f"{ghz:g}GHz" if ghz >= 1 else f"{ghz * 1000:g}MHz"


def pstate_power(p, ghz):
    # Reconstruction: only the published figure at the reference clock exists; at other pstates the dynamic part
    # (busy - idle) is scaled linearly with frequency (constant voltage; the Pi firmware also lowers V with f, so
    # this over-estimates low-clock power).
    if ghz in p.get("pstate_busy_W", {}):
        return p["idle_W"], p["pstate_busy_W"][ghz]
    return p["idle_W"], p["idle_W"] + (p["busy_W"] - p["idle_W"]) * ghz / p["ref_ghz"]


def q(s):
    return '"' + s.replace('"', "'") + '"'


def render(p, params, residuals, tolerance_pct, extra_citation=""):
    lines = [
        "# Generated by scripts/calibrate_profiles.py from published figures; do not edit by hand.",
        f"profile: {p['name']}",
        f"description: {p['description']}",
        f"cores: {p['cores']}",
        "pstates:",
    ]
    for ghz in p["pstates_ghz"]:
        idle, busy = pstate_power(p, ghz)
        lines.append(f"  - {{name: {pstate_name(ghz)}, freq: {ghz * 1000:g} MHz, idle: {idle:.3g} W, "
                     f"busy: {busy:.3g} W}}")
    lines.append(f"reference: {pstate_name(p['ref_ghz'])}")
    if p["radio"]:
        lines.append(f"radio: {{tx: {p['radio'][0]:g} W, rx: {p['radio'][1]:g} W}}")
    fx = fmt_time_ms(params["fixed_ms"])
    stream_gops = params["R_stream"]
    lines += [
        "cost:",
        f"  conv:           {{fixed: {fx}, rate: {fmt_rate(params['R_conv'])}}}",
        f"  depthwise_conv: {{fixed: {fx}, rate: {fmt_rate(params['R_dw'])}}}",
        f"  fc:             {{fixed: {fx}, rate: {fmt_rate(params['R_fc'])}}}",
        f"  pool:           {{fixed: 0 ms, rate: {fmt_rate(stream_gops, 'op/s')}}}",
        f"  eltwise:        {{fixed: 0 ms, rate: {fmt_rate(stream_gops, 'op/s')}}}",
        "source:",
        "  kind: calibrated",
    ]
    how = (f"Fitted: {', '.join(sorted(p['free']))} by least squares on relative residuals "
           f"(scripts/calibrate_profiles.py)" if p["data"] else "Derived [D], not fitted (scripts/calibrate_profiles.py)")
    cite = (f"{p['description']}. {how}. Borrowed: {p.get('borrowed', '-')}. Power: {p['power_cite']}. "
            f"{RADIO_NOTE if p['radio'] else 'no radio (wired)'}. Pool/eltwise rates: FC bandwidth / 4 B, not fitted. "
            f"Lower pstates: Reconstruction, busy power scaled linearly with f. Data compiled in "
            f"/work/shared/reference/devices.md.{extra_citation}")
    lines.append(f"  citation: {q(cite)}")
    lines.append("  fitted: |" if p["data"] else '  fitted: ""')
    for (model, ghz, t_ms, src), (pred, r) in zip(p["data"], residuals):
        lines.append(f"    {model} @{pstate_name(ghz)} = {t_ms:g} ms; predicted {pred:.4g} ms ({r:+.1f} %); {src}")
    if residuals:
        mean = sum(abs(r) for _, r in residuals) / len(residuals)
        mx = max(abs(r) for _, r in residuals)
        lines.append(f"  residuals: {q(f'mean |r| {mean:.1f} %, max |r| {mx:.1f} % over {len(residuals)} figures')}")
    else:
        lines.append(f"  residuals: {q('none: derived profile, no published figure to fit')}")
    lines.append(f"  tolerance: {tolerance_pct:g} %")
    return "\n".join(lines) + "\n"


def calibrate(p):
    params = fit(p)
    residuals = []
    for model, ghz, t_ms, _ in p["data"]:
        pred = predict_ms(params, model, ghz / p["ref_ghz"])
        residuals.append((pred, 100.0 * (pred / t_ms - 1.0)))
    mx = max((abs(r) for _, r in residuals), default=0.0)
    tolerance = 5.0 * math.ceil(mx / 5.0 + 1e-9) + 5.0
    return params, residuals, tolerance


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "platforms", "devices"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    outputs = {}
    for p in PROFILES:
        params, residuals, tol = calibrate(p)
        outputs[p["name"]] = render(p, params, residuals, tol)
        print(f"{p['name']:14s} conv {params['R_conv']:9.4g} GMAC/s  fixed {params['fixed_ms']:.4g} ms  "
              f"dw {params['R_dw']:.4g}  fc {params['R_fc']:.4g} GMAC/s  max|r| {max(abs(r) for _, r in residuals):.1f} %"
              f"  tolerance {tol:g} %")
        for (model, ghz, t_ms, _), (pred, r) in zip(p["data"], residuals):
            print(f"    {model:16s} @{pstate_name(ghz):8s} measured {t_ms:9.4g} ms  calibrated {pred:9.4g} ms  {r:+6.1f} %")
    # Odroid XU4, derived.
    base, base_res, _ = calibrate(XU4_BASE)
    s_rate, s_bw = 64.0 / 48.0, 2.25 / 2.43
    xu4 = {
        "name": "odroid_xu4",
        "description": "Hardkernel Odroid XU4 (4x Cortex-A15 @2.0 GHz big cluster), ncnn fp32, 4 threads "
                       "[D] derived, no published latency",
        "cores": 4, "ref_ghz": 2.0, "pstates_ghz": [2.0, 1.4, 1.0, 0.6],
        # No XU4 power figure was found (devices.md 13); assumption [R] scaled from the RPi 4B FAQ figures.
        "idle_W": 2.7, "busy_W": 6.0, "radio": (1.0, 0.6),
        "power_cite": "no published XU4 power (devices.md section 10): RPi 4B FAQ figures used as an assumption [R]",
        "data": [], "free": ["conv", "fixed"], "BW_GBps": XU4_BASE["BW_GBps"] * s_bw,
        "borrowed": (f"every parameter: fit of RPi 4B ncnn 4T @1.5 GHz 2020 figures (VGG-16 988.7, ResNet-18 233.9, "
                     f"ResNet-50 487.0, MobileNet 86.0, MobileNet-V2 75.8 ms; max |r| "
                     f"{max(abs(r) for _, r in base_res):.0f} %) with rates x{s_rate:.3f} (peak 64 vs 48 GFLOP/s, "
                     f"flatlib vfpbench) and bandwidth x{s_bw:.3f} (sbc-bench memcpy 2.25 vs 2.43 GB/s)"),
    }
    xparams = {"R_conv": base["R_conv"] * s_rate, "fixed_ms": base["fixed_ms"] / s_rate,
               "R_dw": base["R_dw"] * s_rate, "R_fc": base["R_fc"] * s_bw, "R_stream": stream_rate(xu4)}
    outputs["odroid_xu4"] = render(xu4, xparams, [], 40.0, " Uncertain +-40 % (devices.md section 6).")
    print(f"odroid_xu4     derived: conv {xparams['R_conv']:.4g} GMAC/s fixed {xparams['fixed_ms']:.4g} ms, "
          f"tolerance 40 % (no published figure)")

    os.makedirs(args.out, exist_ok=True)
    stale = []
    for name, text in outputs.items():
        path = os.path.join(args.out, name + ".yaml")
        if args.check:
            old = open(path).read() if os.path.exists(path) else ""
            if old != text:
                stale.append(path)
        else:
            with open(path, "w") as f:
                f.write(text)
            print(f"wrote {os.path.relpath(path)}")
    if stale:
        print("stale (rerun scripts/calibrate_profiles.py):", " ".join(stale), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
