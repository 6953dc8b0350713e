#!/usr/bin/python3
"""Exports torchvision classification networks to ONNX, untrained (weights=None: nothing is downloaded),
for scripts/onnx2trace.py.

    export_torchvision_onnx.py OUT_DIR [--batch B] [--opset N] [--img N] MODEL [MODEL ...]

MODEL is a torchvision.models builder name (vit_b_16, swin_t, convnext_tiny, efficientnet_b0,
regnet_y_400mf, mobilenet_v3_large, resnet50, ...); each becomes OUT_DIR/MODEL_bB.onnx. Needs torch and
torchvision (Debian's python3-torch and python3-torchvision), hence /usr/bin/python3; the tests do not.
"""

import argparse
import os
import sys


def main(argv=None):
    ap = argparse.ArgumentParser(description="Export torchvision networks (untrained) to ONNX.")
    ap.add_argument("out_dir")
    ap.add_argument("models", nargs="+")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--opset", type=int, default=17)
    ap.add_argument("--img", type=int, default=224)
    args = ap.parse_args(argv)
    try:
        import torch
        import torchvision
    except ImportError as e:
        print("export_torchvision_onnx: error: %s (needs torch and torchvision)" % e, file=sys.stderr)
        return 2
    os.makedirs(args.out_dir, exist_ok=True)
    for name in args.models:
        builder = getattr(torchvision.models, name, None)
        if builder is None:
            print("export_torchvision_onnx: error: torchvision.models has no %r" % name, file=sys.stderr)
            return 2
        torch.manual_seed(0)
        model = builder(weights=None).eval()
        x = torch.zeros(args.batch, 3, args.img, args.img)
        path = os.path.join(args.out_dir, "%s_b%d.onnx" % (name, args.batch))
        # Gradients stay enabled: otherwise nn.MultiheadAttention (ViT) takes its fused fast path,
        # aten::_native_multi_head_attention, which torch.onnx cannot export.
        torch.onnx.export(model, x, path, opset_version=args.opset, input_names=["images"],
                          output_names=["logits"], do_constant_folding=True)
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
