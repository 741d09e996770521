"""Build the OpenCV text graph (.pbtxt) for a TF Object Detection API SSD graph.

cv2.dnn cannot import the TF post-processing (anchor generator, NMS loops) of
an SSD frozen graph; it needs a companion text graph in which that part is
replaced by OpenCV's own PriorBox / DetectionOutput layers.  We derive it from
the frozen graph itself (via ``cv2.dnn.writeTextGraph``, weights stripped), so
no TensorFlow is needed and nothing is downloaded.  The anchor hyper-parameters
are those of the standard ``ssd_anchor_generator`` config used by
ssdlite_mobilenet_v2 (min 0.2, max 0.95, 6 layers, ratios 1, 2, 1/2, 3, 1/3).
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from dataclasses import dataclass, field

import cv2

KEEP_OPS = {
    "Conv2D", "BiasAdd", "Add", "AddV2", "Relu6", "Placeholder", "FusedBatchNorm",
    "FusedBatchNormV3", "DepthwiseConv2dNative", "ConcatV2", "Mul", "MaxPool", "AvgPool",
    "Identity",
}
DROP_ATTRS = {
    "T", "data_format", "Tshape", "N", "Tidx", "Tdim", "use_cudnn_on_gpu", "Index", "Tperm",
    "is_training", "Tpaddings", "_class", "U", "explicit_paddings", "dilations",
}
DROP_PREFIXES = ("MultipleGridAnchorGenerator/", "Postprocessor/", "Preprocessor/")


@dataclass
class _Node:
    name: str
    op: str
    inputs: list[str] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)  # key -> verbatim "value { ... }" text


def _parse(text: str) -> list[_Node]:
    """Parse the 2-space indented text graph written by cv2.dnn.writeTextGraph."""
    nodes: list[_Node] = []
    cur: _Node | None = None
    attr_key: str | None = None
    attr_lines: list[str] = []
    for line in text.splitlines():
        if line == "node {":
            cur = _Node("", "")
            continue
        if line == "}":
            if cur is not None:
                nodes.append(cur)
            cur = None
            continue
        if cur is None:
            continue
        if attr_key is not None or line == "  attr {":
            if line == "  attr {":
                attr_key, attr_lines = "", []
            elif line == "  }":
                cur.attrs[attr_key] = "\n".join(attr_lines)
                attr_key = None
            elif line.startswith("    key: ") and not attr_lines:
                attr_key = line.split('"')[1]
            else:
                attr_lines.append(line)
            continue
        m = re.match(r'  (name|op|input): "(.*)"$', line)
        if m:
            k, v = m.groups()
            if k == "name":
                cur.name = v
            elif k == "op":
                cur.op = v
            else:
                cur.inputs.append(v)
    return nodes


def _const(name: str, values: list[float] | list[int]) -> _Node:
    is_float = all(isinstance(v, float) for v in values)
    dtype, fld = ("DT_FLOAT", "float_val") if is_float else ("DT_INT32", "int_val")
    vals = " ".join(f"{fld}: {v}" for v in values)
    return _Node(name, "Const", attrs={"value": _tensor(values, dtype, vals)})


def _tensor(values: list, dtype: str, vals: str) -> str:
    return (
        f"    value {{\n      tensor {{ dtype: {dtype} tensor_shape {{ dim {{ size: {len(values)} }} }} "
        f"{vals} }}\n    }}"
    )


def _attr_scalar(kind: str, value: object) -> str:
    return f"    value {{\n      {kind}: {value}\n    }}"


def _attr_floats(values: list[float]) -> str:
    vals = " ".join(f"float_val: {v}" for v in values)
    return _tensor(values, "DT_FLOAT", vals)


def build_text_graph(
    pb_path: str,
    num_classes: int = 1,
    min_scale: float = 0.2,
    max_scale: float = 0.95,
    num_layers: int = 6,
    aspect_ratios: tuple[float, ...] = (1.0, 2.0, 0.5, 3.0, 1.0 / 3.0),
    image_size: tuple[int, int] = (300, 300),
) -> str:
    """Return the .pbtxt text for ``pb_path`` (an SSD frozen inference graph)."""
    with tempfile.TemporaryDirectory() as tmp:
        dump = os.path.join(tmp, "full.pbtxt")
        cv2.dnn.writeTextGraph(pb_path, dump)
        with open(dump) as fh:
            nodes = _parse(fh.read())

    # Short-circuit Identity nodes (e.g. "weights/read").
    ident = {n.name: n.inputs[0] for n in nodes if n.op == "Identity" and n.inputs}

    def resolve(name: str) -> str:
        seen = 0
        while name in ident and seen < 100:
            name, seen = ident[name], seen + 1
        return name

    kept: list[_Node] = []
    removed: set[str] = set()
    for n in nodes:
        if n.op == "Identity":
            continue
        if n.op not in KEEP_OPS or n.name.startswith(DROP_PREFIXES):
            if n.op != "Const":
                removed.add(n.name)
            continue
        n.inputs = [resolve(i) for i in n.inputs]
        n.attrs = {k: v for k, v in n.attrs.items() if k not in DROP_ATTRS}
        kept.append(n)
    for n in kept:
        n.inputs = [i for i in n.inputs if i.split(":")[0].lstrip("^") not in removed]

    placeholder = next(n for n in kept if n.op == "Placeholder")
    first_conv = next(n for n in kept if n.op == "Conv2D")
    weights = first_conv.inputs[-1]
    first_conv.inputs = [placeholder.name, weights]

    extra: list[_Node] = [_const("concat/axis_flatten", [-1]), _const("PriorBox/concat/axis", [-2])]
    for label in ("ClassPredictor", "BoxEncodingPredictor"):
        flats = []
        for i in range(num_layers):
            src = f"BoxPredictor_{i}/{label}/BiasAdd"
            flats.append(_Node(src + "/Flatten", "Flatten", [src]))
        extra += flats
        extra.append(_Node(f"{label}/concat", "ConcatV2", [f.name for f in flats] + ["concat/axis_flatten"]))

    scales = [min_scale + (max_scale - min_scale) * i / (num_layers - 1) for i in range(num_layers)]
    scales.append(1.0)
    extra.append(_const("reshape_prior_boxes_to_4d", [1, 2, -1, 1]))
    priors = []
    iw, ih = image_size
    for i in range(num_layers):
        if i == 0:
            ws = [0.1, min_scale * math.sqrt(2.0), min_scale * math.sqrt(0.5)]
            hs = [0.1, min_scale / math.sqrt(2.0), min_scale / math.sqrt(0.5)]
        else:
            ws = [scales[i] * math.sqrt(a) for a in aspect_ratios]
            hs = [scales[i] / math.sqrt(a) for a in aspect_ratios]
            mid = math.sqrt(scales[i] * scales[i + 1])
            ws.append(mid)
            hs.append(mid)
        pb = _Node(
            f"PriorBox_{i}",
            "PriorBox",
            [f"BoxPredictor_{i}/BoxEncodingPredictor/BiasAdd", placeholder.name],
            {
                "flip": _attr_scalar("b", "false"),
                "clip": _attr_scalar("b", "false"),
                "width": _attr_floats([w * iw for w in ws]),
                "height": _attr_floats([h * ih for h in hs]),
                "variance": _attr_floats([0.1, 0.1, 0.2, 0.2]),
            },
        )
        reshape = _Node(pb.name + "/4d", "Reshape", [pb.name, "reshape_prior_boxes_to_4d"])
        extra += [pb, reshape]
        priors.append(reshape.name)
    extra.append(_Node("PriorBox/concat", "ConcatV2", [*priors, "PriorBox/concat/axis"]))
    extra.append(_Node("ClassPredictor/concat/sigmoid", "Sigmoid", ["ClassPredictor/concat"]))
    extra.append(
        _Node(
            "detection_out",
            "DetectionOutput",
            ["BoxEncodingPredictor/concat", "ClassPredictor/concat/sigmoid", "PriorBox/concat"],
            {
                "num_classes": _attr_scalar("i", num_classes + 1),
                "share_location": _attr_scalar("b", "true"),
                "background_label_id": _attr_scalar("i", 0),
                "nms_threshold": _attr_scalar("f", 0.6),
                "top_k": _attr_scalar("i", 100),
                "code_type": _attr_scalar("s", '"CENTER_SIZE"'),
                "keep_top_k": _attr_scalar("i", 100),
                "confidence_threshold": _attr_scalar("f", 0.01),
                "loc_pred_transposed": _attr_scalar("b", "true"),
            },
        )
    )
    graph = _prune([placeholder] + [n for n in kept if n is not placeholder] + extra, "detection_out")
    return _emit(graph)


def _prune(nodes: list[_Node], output: str) -> list[_Node]:
    """Keep only nodes the output depends on, in dependency order."""
    by_name = {n.name: n for n in nodes}
    needed: set[str] = set()
    stack = [output]
    while stack:
        name = stack.pop()
        if name in needed or name not in by_name:
            continue
        needed.add(name)
        stack.extend(i.split(":")[0].lstrip("^") for i in by_name[name].inputs)
    order: list[_Node] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        # iterative DFS post-order to avoid deep recursion
        todo = [(name, False)]
        while todo:
            nm, expanded = todo.pop()
            if nm in done or nm not in needed:
                continue
            if expanded:
                done.add(nm)
                order.append(by_name[nm])
                continue
            todo.append((nm, True))
            for i in reversed(by_name[nm].inputs):
                todo.append((i.split(":")[0].lstrip("^"), False))

    for n in nodes:
        visit(n.name)
    return order


def _emit(nodes: list[_Node]) -> str:
    out = []
    for n in nodes:
        out.append("node {")
        out.append(f'  name: "{n.name}"')
        out.append(f'  op: "{n.op}"')
        out += [f'  input: "{i}"' for i in n.inputs]
        for k, v in n.attrs.items():
            out += ["  attr {", f'    key: "{k}"', v, "  }"]
        out.append("}")
    return "\n".join(out) + "\n"
