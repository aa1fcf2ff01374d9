"""Presets for the known fact-checkers of the ``nli`` backend.

A preset fixes what the checker's own code does: how a (chunk, claim) pair becomes
model input, how the source is cut into chunks, how long an input may be, and
which output is the probability that the claim is supported. Each choice names
its source. Chunks always respect sentences (a sentence longer than a chunk is cut
at word boundaries; nothing is dropped) and are contiguous slices of the source,
so evidence offsets slice back to their text (the published code joins sentences
with a space instead, which changes only whitespace).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# MiniCheck, github.com/Liyan06/MiniCheck, minicheck/inference.py (Inferencer) and
# minicheck/minicheck.py (chunk sizes); FactCG, github.com/derenlei/FactCG,
# factcg/inference.py and factcg/utils.py; HHEM-2.1-Open, huggingface.co/vectara/
# hallucination_evaluation_model, modeling_hhem_v2.py and configuration_hhem_v2.py.

FACTCG_TEMPLATE = ("{chunk}\n\nChoose your answer: based on the paragraph above can we conclude that "
                   "\"{claim}\"?\n\nOPTIONS:\n- Yes\n- No\nI think the answer is ")
HHEM_TEMPLATE = "<pad> Determine if the hypothesis is true given the premise?\n\nPremise: {chunk}\n\nHypothesis: {claim}"


@dataclass(frozen=True)
class Preset:
    name: str
    kind: Literal["classifier", "seq2seq", "hhem"]
    # "pair": tokenizer(chunk, claim); "eos": one text, chunk + tokenizer.eos_token + claim;
    # "template": one text, template.format(chunk=..., claim=...)
    input: Literal["pair", "eos", "template"]
    template: str = ""
    prefix: str = ""               # put before the input text (MiniCheck-Flan-T5: "predict: ")
    # how chunk size is counted: "fit" = the room the model leaves next to the claim (the
    # generic behaviour), "tokens" = model tokens, "words" = whitespace words,
    # "word-tokens" = words and punctuation (nltk word_tokenize), "whole" = no chunking
    unit: Literal["fit", "tokens", "words", "word-tokens", "whole"] = "fit"
    chunk: int | None = None
    overlap: float | None = None   # None: the configured window_overlap; published checkers use 0
    max_length: int | None = None  # tokens per input; None: the model's own limit
    labels: dict | None = None     # role -> class index; None: from the model config (or nli.labels)
    example: str = ""              # a hub id for the docs


PRESETS: dict[str, Preset] = {p.name: p for p in (
    # Generic NLI classifiers (MoritzLaurer/DeBERTa-v3-large-mnli-fever-anli-ling-wanli,
    # microsoft/deberta-large-mnli, ...): premise/hypothesis pair as their cards show,
    # labels from the model config, sentence windows sized to the model (SummaC-ZS style).
    Preset("mnli", "classifier", "pair", unit="fit",
           example="MoritzLaurer/DeBERTa-v3-large-mnli-fever-anli-ling-wanli"),
    # MiniCheck encoders: batch_tokenize joins doc and claim with tokenizer.eos_token into one
    # text; softmax over 2 classes, class 1 = supported (label_probs[:, 1]); chunks of about
    # 400 tokens counted with the model tokenizer (minicheck.py: "400 if not flan-t5");
    # max_model_len 512 for RoBERTa, 2048 for DeBERTa (Inferencer.__init__).
    Preset("minicheck-roberta-large", "classifier", "eos", unit="tokens", chunk=400, overlap=0.0,
           max_length=512, labels={"supported": 1, "unsupported": 0}, example="lytang/MiniCheck-RoBERTa-Large"),
    Preset("minicheck-deberta-v3-large", "classifier", "eos", unit="tokens", chunk=400, overlap=0.0,
           max_length=2048, labels={"supported": 1, "unsupported": 0},
           example="lytang/MiniCheck-DeBERTa-v3-Large"),
    # MiniCheck-Flan-T5: "predict: " + doc + eos_token + claim; one decoder step from the
    # decoder start token (decoder_input_ids = zeros); softmax over the logits of the first
    # pieces of "0" and "1" (ids 3 and 209 in the T5 vocabulary, "3 for no support and 209 for
    # support"), P("1") = supported; chunks of 500 whitespace words; max_model_len 2048.
    Preset("minicheck-flan-t5-large", "seq2seq", "eos", prefix="predict: ", unit="words", chunk=500,
           overlap=0.0, max_length=2048, example="lytang/MiniCheck-Flan-T5-Large"),
    # FactCG-DeBERTa-v3-Large: INSTRUCTION_TEMPLATE.format(text_a=doc, text_b=claim) as one
    # text; softmax, class 1 = supported; chunks of 550 nltk word tokens (chunking_src);
    # max_length 2048 (tokenize).
    Preset("factcg-deberta-v3-large", "classifier", "template", template=FACTCG_TEMPLATE, unit="word-tokens",
           chunk=550, overlap=0.0, max_length=2048, labels={"supported": 1, "unsupported": 0},
           example="yaxili96/FactCG-DeBERTa-v3-Large"),
    # HHEM-2.1-Open: config.prompt formatted with text1 = premise, text2 = hypothesis; a
    # T5ForTokenClassification whose logits at position 0 (the "<pad>" the prompt starts
    # with) are soft-maxed, class 1 = consistent (predict); the premise is not chunked
    # (T5's relative positions, "unlimited context" on the card), nor truncated.
    Preset("hhem-2.1-open", "hhem", "template", template=HHEM_TEMPLATE, unit="whole", overlap=0.0,
           labels={"supported": 1, "unsupported": 0}, example="vectara/hallucination_evaluation_model"),
)}
