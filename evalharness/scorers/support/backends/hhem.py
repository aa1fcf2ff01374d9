"""HHEM-2.1-Open (Vectara, Apache-2.0) without its custom code.

The published model is ``HHEMv2ForSequenceClassification``: a ``T5ForTokenClassification``
(a T5 encoder and a linear head) kept as ``self.t5``, whose logits at position 0 are
soft-maxed; class 1 is "consistent". Its code needs ``trust_remote_code`` and fails on
transformers 5 (``all_tied_weights_keys``). Here the same network is built from the
checkpoint's own tensors: the T5 configuration is read off their shapes (the
checkpoint ships no T5 config; its ``foundation`` names google/flan-t5-base), and both
key generations load: ``t5.transformer.shared.weight`` (transformers 4, as published)
and the current names (``transformer.shared.weight`` / ``transformer.encoder.embed_tokens.weight``,
with or without the ``t5.`` prefix). Nothing is downloaded; the tokenizer is the
foundation's (``nli.tokenizer``, default the ``foundation`` the checkpoint names).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ....errors import ScorerError

HHEM_MODEL_TYPE = "HHEMv2"


def is_hhem_folder(path: str) -> bool:
    try:
        return json.loads((Path(path) / "config.json").read_text("utf-8")).get("model_type") == HHEM_MODEL_TYPE
    except (OSError, ValueError, AttributeError):
        return False


def read_state(folder: Path) -> dict:
    import torch
    st = folder / "model.safetensors"
    if st.is_file():
        from safetensors.torch import load_file
        return load_file(str(st))
    pt = folder / "pytorch_model.bin"
    if pt.is_file():
        return torch.load(str(pt), map_location="cpu", weights_only=True)
    raise ScorerError(f"backend 'nli': no model.safetensors or pytorch_model.bin in '{folder}'")


def normalise_keys(state: dict) -> dict:
    """Keys as ``T5ForTokenClassification`` names them now, from either generation."""
    out = {}
    for k, v in state.items():
        k = k.removeprefix("t5.")
        out[k] = v
    if "transformer.shared.weight" not in out and "transformer.encoder.embed_tokens.weight" in out:
        out["transformer.shared.weight"] = out["transformer.encoder.embed_tokens.weight"]
    out.setdefault("transformer.encoder.embed_tokens.weight", out.get("transformer.shared.weight"))
    return out


def t5_config_from(state: dict, num_labels: int):
    """The T5 configuration the tensors imply (sizes, layers, heads, feed-forward kind)."""
    from transformers import T5Config
    emb = state["transformer.shared.weight"]
    layers = {int(m.group(1)) for k in state for m in [re.match(r"transformer\.encoder\.block\.(\d+)\.", k)] if m}
    bias = state["transformer.encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight"]
    heads = bias.shape[1]
    q = state["transformer.encoder.block.0.layer.0.SelfAttention.q.weight"]
    gated = "transformer.encoder.block.0.layer.1.DenseReluDense.wi_0.weight" in state
    wi = state["transformer.encoder.block.0.layer.1.DenseReluDense." + ("wi_0" if gated else "wi") + ".weight"]
    return T5Config(vocab_size=emb.shape[0], d_model=emb.shape[1], d_kv=q.shape[0] // heads, d_ff=wi.shape[0],
                    num_layers=len(layers), num_heads=heads, relative_attention_num_buckets=bias.shape[0],
                    feed_forward_proj="gated-gelu" if gated else "relu", num_labels=num_labels,
                    is_encoder_decoder=False, use_cache=False)


def load_hhem(path: str):
    """(model, prompt, foundation) from an HHEM-2.1-Open folder."""
    import torch
    from transformers import T5ForTokenClassification

    folder = Path(path)
    try:
        cfg = json.loads((folder / "config.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ScorerError(f"backend 'nli': cannot read the HHEM config in '{path}': {exc}") from None
    state = normalise_keys(read_state(folder))
    if "classifier.weight" not in state:
        raise ScorerError(f"backend 'nli': '{path}' has no HHEM classification head (classifier.weight)")
    try:
        config = t5_config_from(state, state["classifier.weight"].shape[0])
    except KeyError as exc:
        raise ScorerError(f"backend 'nli': '{path}' is not an HHEM checkpoint (no tensor {exc})") from None
    model = T5ForTokenClassification(config)
    want = set(model.state_dict())
    missing = sorted(want - set(state))
    unexpected = sorted(set(state) - want)
    if missing or unexpected:
        raise ScorerError(f"backend 'nli': the HHEM checkpoint in '{path}' does not match its T5 head (missing: "
                          f"{', '.join(missing[:3]) or 'none'}; unexpected: {', '.join(unexpected[:3]) or 'none'})")
    with torch.no_grad():
        model.load_state_dict({k: state[k] for k in want}, strict=True)
    from .presets import HHEM_TEMPLATE
    prompt = cfg.get("prompt") or HHEM_TEMPLATE.replace("{chunk}", "{text1}").replace("{claim}", "{text2}")
    return model.eval(), prompt, cfg.get("foundation") or "google/flan-t5-base"
