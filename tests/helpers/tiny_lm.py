"""A tiny randomly initialised Llama with a BPE tokenizer trained on a few sentences, for
fast offline tests of the LM code (test_support_lm.py, test_support_slots.py)."""

from __future__ import annotations

import torch

CORPUS = [
    "The council approved the budget of 12 million dollars on Tuesday.",
    "Twelve people were hurt when the bridge collapsed in Oslo.",
    "The Oslo-based company bought its rival for a fifth of the price.",
    "Researchers could not prove that Coffee caused the disease.",
    "The mayor rejected the proposal; the committee approved it in March.",
    "Source: Summary: one two three four five six seven eight nine ten!",
]


def build_tokenizer(vocab_size: int = 120):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast
    tk = Tokenizer(models.BPE(unk_token="<unk>"))
    tk.pre_tokenizer = pre_tokenizers.Metaspace()
    tk.decoder = decoders.Metaspace()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=["<pad>", "<bos>", "<eos>", "<unk>"],
                                  show_progress=False)
    tk.train_from_iterator(CORPUS * 3, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tk, bos_token="<bos>", eos_token="<eos>", pad_token="<pad>",
                                   unk_token="<unk>")


def build_model(vocab: int, seed: int = 0):
    from transformers import LlamaConfig, LlamaForCausalLM
    torch.manual_seed(seed)
    cfg = LlamaConfig(vocab_size=vocab, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
                      tie_word_embeddings=False, bos_token_id=1, eos_token_id=2, pad_token_id=0)
    return LlamaForCausalLM(cfg).eval()
