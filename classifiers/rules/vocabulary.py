"""Deep-learning vocabulary: the words that show a deep network is involved, with how much each one tells.

Weights are per distinct term in a sentence. Strong terms (≥ 0.8) name a deep method outright; weak ones (training
hyper-parameters, "neural network" alone, which neuroscience uses for brains) only add up, and never decide on their
own. Terms of weight 0 are look-alikes that must not count ("spiking neural network", "gene regulatory network"):
the longer phrase wins where two overlap, so they hide the term inside them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .phrases import Phrase

STRONG = 0.8


@dataclass(frozen=True, slots=True)
class Term:
    name: str
    weight: float
    context: str = ""  # a catalogue family this word disambiguates (basecalling words for "Guppy", "Dorado")


def _phrases(name: str, weight: float, *texts: str, context: str = "", **flags: bool) -> list[Phrase[Term]]:
    term = Term(name, weight, context)
    return [Phrase(text, term, **flags) for text in texts]


_NOUN = {"plural": True}
_CASE = {"plural": True, "case_sensitive": True}

PHRASES: tuple[Phrase[Term], ...] = (
    *_phrases("deep learning", 1.0, "deep learning", "deep-learning-based", "DL-based", **_NOUN),
    *_phrases(
        "deep neural network",
        1.0,
        "deep neural network",
        "deep convolutional neural network",
        "deep artificial neural network",
        "deep residual network",
        "deep residual neural network",
        "deep recurrent neural network",
        "deep network",
        "deep generative model",
        "deep architecture",
        "deep model",
        "deep learning model",
        **_NOUN,
    ),
    *_phrases("neural network architecture", STRONG, "neural network architecture", **_NOUN),
    *_phrases("deep neural network", 1.0, "DNN", **_CASE),
    *_phrases(
        "convolutional network",
        1.0,
        "convolutional neural network",
        "convolutional network",
        "convnet",
        "convolutional layer",
        "convolution layer",
        "graph convolution",
        **_NOUN,
    ),
    *_phrases("CNN", 1.0, "CNN", case_sensitive=True, plural=True, left_bound=False),
    *_phrases("recurrent network", 1.0, "recurrent neural network", **_NOUN),
    *_phrases("recurrent network", 1.0, "RNN", **_CASE),
    *_phrases("LSTM", 1.0, "long short-term memory", "BiLSTM", "Bi-LSTM", **_NOUN),
    *_phrases("LSTM", 1.0, "LSTM", case_sensitive=True, plural=True, left_bound=False),
    *_phrases("GRU", STRONG, "gated recurrent unit", **_NOUN),
    *_phrases("GRU", STRONG, "GRU", "BiGRU", **_CASE),
    *_phrases(
        "transformer",
        1.0,
        "transformer model",
        "transformer architecture",
        "transformer network",
        "transformer encoder",
        "transformer decoder",
        "transformer-based",
        "vision transformer",
        "self-attention",
        "multi-head attention",
        "multi-headed attention",
        **_NOUN,
    ),
    *_phrases("attention", STRONG, "attention mechanism", "attention layer", "encoder-decoder", **_NOUN),
    *_phrases("autoencoder", 1.0, "autoencoder", "auto-encoder", **_NOUN),
    *_phrases("VAE", 1.0, "VAE", case_sensitive=True, plural=True, left_bound=False),
    *_phrases("GAN", 1.0, "generative adversarial network", "generative adversarial net", **_NOUN),
    *_phrases("GAN", 1.0, "GAN", **_CASE),
    *_phrases("diffusion model", 1.0, "denoising diffusion", "latent diffusion model", "score-based diffusion model"),
    *_phrases(
        "graph neural network",
        1.0,
        "graph neural network",
        "graph convolutional network",
        "graph attention network",
        "message passing neural network",
        "message-passing neural network",
        **_NOUN,
    ),
    *_phrases("graph neural network", 1.0, "GNN", **_CASE),
    *_phrases("capsule network", 1.0, "capsule network", "capsule neural network", **_NOUN),
    *_phrases("siamese network", STRONG, "siamese network", "siamese neural network", **_NOUN),
    *_phrases(
        "language model",
        1.0,
        "large language model",
        "protein language model",
        "pre-trained language model",
        "pretrained language model",
        "masked language model",
        "language model",
        **_NOUN,
    ),
    *_phrases("language model", 1.0, "LLM", "pLM", **_CASE),
    *_phrases("deep reinforcement learning", 1.0, "deep reinforcement learning", "deep Q-network", **_NOUN),
    *_phrases("artificial neural network", 0.6, "artificial neural network", **_NOUN),
    *_phrases("ANN", 0.6, "ANN", **_CASE),
    *_phrases("neural network", 0.5, "neural network", "neural net", "neural-network-based", **_NOUN),
    *_phrases("multilayer perceptron", 0.5, "multilayer perceptron", "multi-layer perceptron", **_NOUN),
    *_phrases("multilayer perceptron", 0.5, "MLP", **_CASE),
    *_phrases(
        "framework",
        STRONG,
        "PyTorch",
        "TensorFlow",
        "Keras",
        "Caffe",
        "Theano",
        "MXNet",
        "fastai",
        "PaddlePaddle",
        "Hugging Face",
        "HuggingFace",
        "ONNX",
        "TorchScript",
    ),
    *_phrases("pretrained", 0.5, "pre-train", "pretrain", prefix=True),
    *_phrases("fine-tuning", 0.5, "fine-tun", "finetun", prefix=True),
    *_phrases("transfer learning", STRONG, "transfer learning"),
    *_phrases("ImageNet", 0.6, "ImageNet", "MS COCO", "MSCOCO"),
    *_phrases(
        "training detail",
        0.3,
        "epoch",
        "backpropagation",
        "back-propagation",
        "batch normalization",
        "batch normalisation",
        "softmax",
        "Adam optimizer",
        "Adam optimiser",
        "learning rate",
        "mini-batch",
        "minibatch",
        "ReLU",
        "max-pooling",
        "max pooling",
        "dropout layer",
        "embedding layer",
        "hidden layer",
        "convolution filter",
        "convolutional filter",
        **_NOUN,
    ),
    # Look-alikes: brains, genes and ecosystems have networks too.
    *_phrases(
        "not deep learning",
        0.0,
        "spiking neural network",
        "biological neural network",
        "neuronal network",
        "neural network activity",
        "neural network dynamics",
        "deep learning-free",
        "deep sequencing",
        **_NOUN,
    ),
    # Not deep learning by themselves, but they say what an ambiguous model name means here.
    *_phrases(
        "basecalling",
        0.0,
        "basecall",
        "base-call",
        "base call",
        "basecalled",
        "basecaller",
        "basecalling",
        "base calling",
        "nanopore",
        "MinION",
        "PromethION",
        "GridION",
        "fast5",
        "pod5",
        context="basecaller",
        plural=True,
    ),
)
