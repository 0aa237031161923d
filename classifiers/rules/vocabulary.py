"""Deep-learning vocabulary: the words that show a deep network is involved, with how much each one tells.

Weights are per distinct term in a sentence. Strong terms name a deep method outright; weak ones (training
hyper-parameters, "neural network" alone, which neuroscience uses for brains) only add up.
Each term carries lower-case stems that every match contains: a substring test on them is far cheaper than the
regex, and most sentences of most papers contain none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Term:
    name: str
    pattern: re.Pattern[str]
    weight: float
    stems: tuple[str, ...]  # lower-case substrings every match contains

    def found_in(self, folded: str, lowered: str) -> bool:
        return any(stem in lowered for stem in self.stems) and self.pattern.search(folded) is not None


def _term(name: str, weight: float, stems: tuple[str, ...], pattern: str, *, case_sensitive: bool = False) -> Term:
    return Term(name, re.compile(pattern, 0 if case_sensitive else re.IGNORECASE), weight, stems)


TERMS: tuple[Term, ...] = (
    _term("deep learning", 1.0, ("deep",), r"\bdeep[- ]learning\b"),
    _term(
        "deep neural network", 1.0, ("deep",), r"\bdeep (?:convolutional |artificial |residual |recurrent )?neural net"
    ),
    _term("convolutional network", 1.0, ("convolutional", "convnet"), r"\bconvolutional (?:neural )?net|\bconvnets?\b"),
    _term("CNN", 1.0, ("cnn",), r"\b(?:[A-Z][\w-]*-)?D?CNNs?\b", case_sensitive=True),
    _term("recurrent network", 1.0, ("recurrent", "rnn"), r"\brecurrent neural net|\bRNNs?\b"),
    _term("LSTM", 1.0, ("lstm", "memory"), r"\b(?:bi-?)?LSTMs?\b|\blong short[- ]term memory\b"),
    _term("GRU", 0.8, ("gated recurrent", "gru"), r"\bgated recurrent unit|\bGRUs?\b"),
    _term(
        "transformer",
        1.0,
        ("transformer", "attention"),
        r"\b(?:vision )?transformer(?:-based)? (?:model|architecture|network|encoder)s?\b|"
        r"\bself-attention\b|\bmulti-head attention\b",
    ),
    _term("autoencoder", 1.0, ("encoder",), r"\b(?:variational |denoising |sparse )?auto-?encoders?\b"),
    _term("VAE", 1.0, ("vae",), r"\bVAEs?\b", case_sensitive=True),
    _term("GAN", 1.0, ("adversarial",), r"\bgenerative adversarial net"),
    _term("GANs", 1.0, ("gan",), r"\bGANs?\b", case_sensitive=True),
    _term("diffusion model", 1.0, ("diffusion",), r"\bdenoising diffusion\b|\b(?:latent|score-based) diffusion model"),
    _term(
        "graph neural network",
        1.0,
        ("graph", "gnn", "message"),
        r"\bgraph (?:neural|convolutional|attention) net|\bGNNs?\b|\bmessage[- ]passing neural",
    ),
    _term(
        "language model",
        1.0,
        ("language model", "llm"),
        r"\blarge language models?\b|\bLLMs?\b|\bprotein language models?\b|\bpre-?trained language models?\b",
    ),
    _term("deep reinforcement learning", 1.0, ("deep", "dqn"), r"\bdeep (?:reinforcement learning|Q-network)|\bDQN\b"),
    _term("deep model", 0.8, ("deep",), r"\bdeep (?:model|network|architecture|generative model)s?\b"),
    _term("artificial neural network", 0.6, ("artificial",), r"\bartificial neural net"),
    _term("ANN", 0.6, ("ann",), r"\bANNs?\b", case_sensitive=True),
    _term("neural network", 0.5, ("neural net",), r"\bneural net(?:work)?s?\b"),
    _term("multilayer perceptron", 0.5, ("perceptron", "mlp"), r"\bmulti-?layer perceptrons?\b|\bMLPs?\b"),
    _term(
        "framework",
        0.8,
        (
            "pytorch",
            "tensorflow",
            "keras",
            "caffe",
            "theano",
            "mxnet",
            "jax",
            "flax",
            "fastai",
            "paddle",
            "hugging",
            "onnx",
            "torchscript",
        ),
        r"\b(?:PyTorch|TensorFlow|Keras|Caffe|Theano|MXNet|JAX|Flax|fastai|PaddlePaddle|Hugging ?Face|ONNX|"
        r"TorchScript)\b",
    ),
    _term("pretrained", 0.5, ("trained",), r"\bpre-?trained\b"),
    _term("fine-tuning", 0.5, ("tun",), r"\bfine-?tun(?:e|ed|es|ing)\b"),
    _term("transfer learning", 0.8, ("transfer learning",), r"\btransfer learning\b"),
    _term("ImageNet", 0.6, ("imagenet", "coco"), r"\bImageNet\b|\bMS ?COCO\b"),
    _term(
        "training detail",
        0.3,
        (
            "epoch",
            "propagation",
            "dropout",
            "normali",
            "softmax",
            "adam",
            "learning rate",
            "batch",
            "relu",
            "pooling",
            "convolutional layer",
        ),
        r"\b(?:epochs?|back-?propagation|dropout|batch normali[sz]ation|softmax|Adam optimi[sz]er|learning rate|"
        r"mini-?batch|ReLU|max-?pooling|convolutional layers?)\b",
    ),
)


def matched_terms(folded: str) -> list[Term]:
    """The distinct deep-learning terms in one (folded) sentence."""
    lowered = folded.lower()
    return [term for term in TERMS if term.found_in(folded, lowered)]


def mentions_dl(folded: str) -> bool:
    """Any deep-learning word at all (the prefilter's question)."""
    lowered = folded.lower()
    return any(term.found_in(folded, lowered) for term in TERMS)
