"""Model names found in the text itself, for models the catalogue does not know (bespoke tools, baselines).

A word is a candidate when it is shaped like a name (DeepCNF, MHCnuggets, SPOT-1D-LM, CLEAR) and the sentence
presents it as one — a citation or version right after it, "X, a pre-trained …", "we used/ran/fine-tuned X" — or
when it has the morphology of a deep tool (Deep*, *Net, *BERT, *GPT*, *former, *Fold, *CNN, *VAE, …). It is kept
only when the sentence ties it to deep learning (a strong deep-learning term near it), which the caller checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A name: letters, digits and inner hyphens/underscores/dots, starting with a letter ("SPOT-1D-LM", "IDSL_MINT").
# A dot joins only before a small letter or digit ("idtracker.ai", "v2.1"): "objects.TasselNet" is a missing space.
# Every candidate has a capital or a digit somewhere, which the lookahead checks in C: most words have neither.
_NAME = re.compile(
    r"(?<![\w\-./])(?=[\w.+-]*[A-Z0-9])([A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+|\.[a-z0-9][A-Za-z0-9]*)*(?:\+\+)?)(?![\w])"
)
# The morphology of deep tools and architectures.
_MORPHOLOGY = re.compile(
    r"^(?:[Dd]eep|DEEP)[-_]?[A-Z0-9]|[a-z0-9][-]?(?:Net|NET)(?:\d+|\+\+|v\d)?$|^[A-Za-z]{1,2}-?net$|"
    r"BERT|GPT|[a-z]former$|Former$|[A-Za-z0-9](?:Fold|FOLD)\d*$|^[A-Z][A-Za-z]?fold\d*$|[a-z]fold\d+$|"
    r"[A-Za-z0-9]-?(?:CNN|VAE|GAN|LSTM|RNN|GNN|GCN)s?$|^(?:CNN|VAE|GAN|LSTM|RNN)-[A-Za-z0-9]|2[Vv]ec$|"
    r"(?:^|[a-z0-9-])(?:CNN|DNN|RNN|LSTM|GAN|VAE|GNN|ANN|BERT|GPT)(?:[A-Z][a-z]|[a-z])"
)
# A name written with a suffix that is not part of it ("DeepCNF-based", "CNN-like").
_SUFFIX = re.compile(
    r"-(?:based|like|derived|style|type|specific|driven|inspired|powered|predicted|generated|estimated|computed|"
    r"inferred|assisted|guided|aided|trained|encoded|"
    r"embedded|embeddings?|features?|layers?|blocks?|modules?|"
    r"only|alone|x)\d*$",  # ablations and placeholders: "CNN-only", "LSTM-X" (X hidden layers)
    re.IGNORECASE,
)
# A word joined to a name by a dash that is punctuation ("AlphaFold—and", folded to a hyphen), or a superscript
# citation run into a name ("Cellpose13", "DeepFlow23–25"): not part of the name.
JOINED_WORD = re.compile(r"-(?:and|or|but|the|with|which|that|from|for|to|in|of|is|are|was|were|as|its)(?:-.*)?$")
_SUPERSCRIPT = re.compile(r"(?<=[a-z])(?:\d{1,3}(?:[-,]\d{1,3})+|\d{2,3})$")
# Names of building blocks ("convBlocks") are not models; nor are methods that explain or draw a trained model
# ("GNNExplainer", "RNNVis", "3D-grad-CAM"): they read its weights, they are not a model reused.
_BLOCK = re.compile(r"(?:Blocks?|Layers?|Modules?|Cells?|Explainers?|Vis|CAM)$")
# A name followed by one of these is a data set or a library ("the KEGG RPAIR database"), not a model; one followed
# by "=" is a symbol.
_NOT_A_MODEL_AFTER = re.compile(
    r"^(?:\s[A-Z][\w-]*)?\s(?:database|dataset|data set|data|corpus|repository|library|package|toolkit|benchmark|"
    r"consortium|project|challenge|competition|format|file|experiment|assay|callback|function|class|object)s?"
    r"(?:\b|(?=\d))|"
    r"^\sas (?:the |a )?(?:[\w-]+\s)?(?:backend|framework|library)\b|^\s?=",
    re.IGNORECASE,
)
# After a catalogue name: a data set, a benchmark, a file format, a software library or hardware of that name
# ("the COCO dataset", "PyTorch, MMDetection and Detectron2 libraries", "MMDetection (Chen et al., 2019) or
# Detectron2 (Wu et al., 2019) libraries", "a 2 TB SSD disk", "VGG Image Annotator").
# Not "database" or "server": the AlphaFold database and the SignalP server are uses of their models (codebook).
_NOT_A_CATALOGUED_MODEL_AFTER = re.compile(
    r"^(?:\s\([^()]{1,60}\))?(?:,?\s(?:and\s|or\s)?[A-Z][\w.+-]*(?:\s\([^()]{1,60}\))?){0,3}\s"
    r"(?:datasets?|data sets?|corpus|corpora|benchmarks?|challenges?|"
    r"competitions?|formats?|files?|librar(?:y|ies)|frameworks?|backends?|toolbox(?:es)?|disks?|drives?|storage|projects?|"
    r"consortium|initiative|repositor(?:y|ies)|GitHub|experiments?|assays?|peaks?|reads|"
    r"[Ii]mage [Aa]nnotator)(?:\b|(?=\d))|^\sas (?:the |a )?(?:[\w-]+\s)?(?:backend|framework|library)\b"
)  # case-sensitive: the names listed before the noun are capitalised
# Before a name: it is one of the software libraries listed ("the medical imaging libraries NiBabel and SimpleITK").
_LIBRARY_BEFORE = re.compile(
    r"\b(?:librar(?:y|ies)|packages?|toolkits?|toolbox(?:es)?|frameworks?)\s(?:[A-Z][\w.+-]*(?:,\s|,?\sand\s|,?\sor\s))"
    r"{0,3}$|"
    r"\b(?:dependencies|requirements|packages|librar(?:y|ies)|modules)\s?\([^()]*$"  # "install all dependencies (…, X"
)
# Words a generic deep-learning term is made of: an acronym spelled out in these ("fully connected network (FCN)",
# "convolutional recurrent neural networks (CRNN)") names the kind of network, not a model.
_GENERIC = """
deep convolutional convolution recurrent neural network networks net nets fully connected graph attention long
    short term short-term memory auto encoder autoencoder autoencoders variational generative adversarial multi layer
    multilayer multi-layer perceptron perceptrons artificial residual dense densely bidirectional bi gated unit units
    feed forward feedforward feed-forward learning machine model models transformer transformers denoising stacked
    sparse spatial temporal hierarchical the a of and
"""
_GENERIC_WORDS = frozenset(_GENERIC.split())
# Shaped like a name: a capital after the first letter (scArches, DeepCNF), letters with digits (MAT2), or an
# acronym of three or more capitals.
_SHAPE = re.compile(r"^[A-Za-z][a-z0-9]*[A-Z]|[A-Za-z][0-9]|[0-9][A-Za-z]|^[A-Z]{3,}")
_CITATION = re.compile(
    r"\s?(?:\[\s?\d[\d,\s\u2013-]*\]|\((?:[A-Z][\w\u00c0-\u024f'-]+(?: et al\.?| and [A-Z][\w'-]+)?,? )?\d{4}[a-z]?"
    r"(?:[;,] [^)]{0,60})?\)|\(\s?\d{1,3}(?:\s?[,\u2013-]\s?\d{1,3})*\s?\))"
)
_VERSION = re.compile(r"\s?(?:\(?\s?(?:v|ver\.?|version:?)\s?\d+(?:\.\d+)*\)?|\d+\.\d+(?:\.\d+)*)(?![\w.])", re.I)
_APPOSITION = re.compile(
    r"(?:,|\s\(|\s-)\s?(?:a|an|the|which is a|which is an)\s(?:[\w-]+\s){0,5}?(?:deep|neural|convolutional|"
    r"transformer|pre-?trained|language model|CNN|LSTM|RNN|autoencoder|GAN|VAE|graph neural|attention)",
)
_USED = re.compile(
    r"(?:\b(?:we|was|were|is|are)\s+)?\b(?:use[ds]?|ran|run|appl(?:y|ied)|employ(?:ed)?|fine-?tuned?|retrain(?:ed)?|"
    r"adopt(?:ed)?|utili[sz]e[ds]?|implement(?:ed)?|re-?implement(?:ed)?|download(?:ed)?|compared? (?:it |them )?"
    r"(?:with|to|against)|built on|adapted from)\s+(?:the\s+|a\s+)?"
    r"(?:pre-?trained\s+|original\s+|publicly available\s+)?$",
    re.IGNORECASE,
)
_PRESENTED_AFTER = re.compile(
    r"(?:deep[- ]learning|neural[- ]network|DL|CNN|transformer|pre-?trained|fine-?tuned|language)"
    r"(?:-based)?\s(?:[\w-]+\s){0,2}?(?:model|tool|method|predictor|classifier|framework|network|approach|"
    r"architecture|algorithm|software)s?,?\s(?:called\s|named\s|termed\s)?$",
    re.IGNORECASE,
)
# Words shaped like names that are never a reused model: generic deep-learning words, hardware, metrics, file
# formats and data sets. Morphology alone makes "ImageNet" or "ResNets" look like tools.
_NOT_MODELS = """
CNN CNNs DCNN DNN DNNs RNN RNNs LSTM LSTMs BiLSTM Bi-LSTM GRU BiGRU GAN GANs VAE VAEs GNN GNNs MLP MLPs ANN ANNs LLM
LLMs DL ML AI NLP CPU GPU GPUs TPU RAM API URL HTML JSON CSV XML PDF PNG TIFF ReLU LeakyReLU SGD AdamW RMSprop AUC
ROC AUROC AUPRC PRC MSE RMSE MAE MCC ACC TPR FPR SVM SVMs RF KNN XGBoost PCA UMAP tSNE t-SNE ImageNet WordNet
ConceptNet ProteinNet PhysioNet GeneNet HumanNet CellNet BioNet CIFAR-10 CIFAR-100 MNIST COCO PyTorch TensorFlow Keras
CUDA cuDNN NVIDIA DeepMind OpenAI Google Microsoft Facebook GitHub Python MATLAB Linux Ubuntu Windows DNA RNA mRNA PCR
SNP SNPs GWAS Transformer Transformers NumPy SciPy scikit-learn Pandas SHAP LIME DeepLIFT DeepExplain DeepChem Captum
Grad-CAM GradCAM DGL PyG CVAE cGAN CGAN BLSTM BLSTMs ConvNet ConvNets FCN FCNs FCNN F-CNN pLM pLMs
HuggingFace PaddlePaddle MMDetection MatConvNet OpenCV JAX Flax spaCy NLTK Scikit-Learn Lightning MoleculeNet SMILES
ChEMBL UniProt PDB TCGA GDSC CASP CAFA CAMEO SimpleITK ITK NiBabel MONAI NiftyNet DLTK CatBoost LightGBM ElasticNet
ARI NMI AUPR DQN DDQN deep-Q FID SSIM PSNR LPIPS QTL eQTL DTI PPI SNV CNV KEGG NER OCR
"""
# Rounds of community benchmarks ("CASP13", "CAFA3"): experiments, not models. Nucleic acids ("lncRNAs", "cfDNA").
_BENCHMARK_ROUND = re.compile(r"^(?:CASP|CAFA|CAPRI|CAMEO|DREAM)\d*$|^[a-z]{1,5}(?:RNA|DNA)s?$")
_TRAILING_VERSION = re.compile(r"[-_]?v?\d+(?:\.\d+)+$|[-_]v?\d+$")
_PLURAL_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]+s$")
NOT_MODELS = frozenset(word.lower() for word in _NOT_MODELS.split())


@dataclass(frozen=True, slots=True)
class NameCandidate:
    name: str
    start: int
    end: int
    morphology: bool  # looks like a deep tool by its shape alone
    architecture: bool  # shaped like an architecture (*Net, *former, *CNN): usually re-created, not run


def is_model_shaped(name: str) -> bool:
    return bool(_MORPHOLOGY.search(name))


def candidates(folded: str, text: str | None = None) -> list[NameCandidate]:
    """Names in one sentence that the sentence presents as a model or tool (not yet checked for deep learning).
    `text` is the sentence before folding: an em dash there ends a name ("DeepFRI—a graph network")."""
    found: list[NameCandidate] = []
    for match in _NAME.finditer(folded):
        name = match.group(1)
        if text is not None and "\u2014" in text[match.start() : match.end()]:
            name = name[: text.index("\u2014", match.start()) - match.start()]
        if name.isalpha() and len(name) > 5 and name[1:].islower():
            continue  # a capitalised word ("Moreover", "Twofold")
        name = _SUFFIX.sub("", JOINED_WORD.sub("", name)) if "-" in name else name
        name = _SUPERSCRIPT.sub("", name)
        if len(name) < 3 or _generic(name) or _spelled_out_generic(name, folded[: match.start()]):
            continue
        if _BENCHMARK_ROUND.match(name) or _BLOCK.search(name) or in_url(folded, match.start()):
            continue
        if _PLURAL_ACRONYM.match(name):
            continue  # "PREs", "KGCNs": a kind of thing, counted; a model is one
        morphology = is_model_shaped(name) and not name.islower()
        if not morphology and not _SHAPE.search(name):
            continue
        after = folded[match.end() : match.end() + 90]
        preceding = folded[max(0, match.start() - 80) : match.start()]
        if _NOT_A_MODEL_AFTER.match(after) or _LIBRARY_BEFORE.search(preceding) or preceding.rstrip().endswith("="):
            continue  # "… as the RL framework", "the libraries NiBabel and SimpleITK", "K = EVAE"
        before = folded[max(0, match.start() - 70) : match.start()].rstrip("\"'\u201c\u2018")  # ‘ItClust’
        presented = bool(
            _CITATION.match(after) or _VERSION.match(after) or _APPOSITION.match(after) or _USED.search(before)
            or _PRESENTED_AFTER.search(before)
        )  # fmt: skip
        if morphology or presented:
            end = match.start() + len(name)
            found.append(NameCandidate(name, match.start(), end, morphology, _is_architecture(name)))
    return found


# Anywhere in the paper: a name followed by "database" or "dataset" ("the IEDB database") names a resource there.
# Found from the resource word back (the word is rare; a pattern starting at every name would read every word).
_RESOURCE_WORD = re.compile(
    r"\s(?:database|dataset|data set|corpus|repository|knowledgebase|atlas|file format)(?:es|s)?(?:\b|(?=\d))"
)
_NAME_SHAPED = re.compile(r"[A-Za-z][\w.+-]*[A-Z][\w.+-]*$")


def resource_names(folded: str) -> set[str]:
    """Keys of the names a text uses for databases and data sets: not models anywhere in it."""
    keys = set()
    for match in _RESOURCE_WORD.finditer(folded):
        words = folded[max(0, match.start() - 60) : match.start()].split()[-2:]
        for word in reversed(words):  # "the IEDB database", "the KEGG RPAIR database"
            if _NAME_SHAPED.match(word):
                keys.add(name_key(word))
                break
            if not word[:1].isupper():
                break
    return keys


def not_a_model_after(after: str) -> bool:
    """Do the words after a catalogue name say it names a data set, a library or hardware here?"""
    return bool(_NOT_A_CATALOGUED_MODEL_AFTER.match(after))


def in_url(text: str, position: int) -> bool:
    """Is this position inside a web address or a file path ("github.com/x/mask-r-cnn-demo")?"""
    start = text.rfind(" ", 0, position) + 1
    end = text.find(" ", position)
    token = text[start : end if end >= 0 else len(text)]
    return "://" in token or "www." in token or "/" in token


def generic_abbreviations(folded: str) -> set[str]:
    """Keys of the acronyms a sentence spells out as generic terms: not models anywhere in the paper."""
    return {
        name_key(match.group(1))
        for match in re.finditer(r"\(([A-Z][A-Za-z]*?s?)\)", folded)
        if _spelled_out_generic(match.group(1), folded[: match.start() + 1])
    }


def _generic(name: str) -> bool:
    """A generic word, or generic words joined ("CNN-LSTM", "DCNNs")."""
    parts = [part.lower() for part in re.split(r"[-_]", name) if part]
    if name.lower() in NOT_MODELS or name.lower().rstrip("s") in NOT_MODELS:
        return True
    unversioned = _TRAILING_VERSION.sub("", name).lower()  # "PyTorch1.4", "Keras-2"
    if unversioned != name.lower() and unversioned in NOT_MODELS:
        return True
    return all(part in NOT_MODELS or part.rstrip("s") in NOT_MODELS for part in parts)


def _spelled_out_generic(name: str, before: str) -> bool:
    """ "(CRNN)" right after "convolutional recurrent neural networks": an abbreviation of a generic term."""
    if not before.endswith("(") or not re.fullmatch(r"[A-Z][A-Za-z]*?s?", name):
        return False
    letters = [c.lower() for c in name.rstrip("s") if c.isupper()]
    words = re.findall(r"[A-Za-z]+", before[-120:])
    initials = [w[0].lower() for w in words if w.lower() not in ("the", "a", "of", "and")]
    if len(initials) < len(letters) or initials[-len(letters) :] != letters:
        return False
    spelled = [w.lower() for w in words if w.lower() not in ("the", "a", "of", "and")][-len(letters) :]
    return all(word in _GENERIC_WORDS for word in spelled)


def _is_architecture(name: str) -> bool:
    return bool(re.search(r"(?:Net|net|NET)(?:\d+|\+\+)?$|former$", name))


def name_key(name: str) -> str:
    """One key for the spellings of one name ("SPOT-1D-LM", "Spot1d-LM")."""
    return re.sub(r"[\W_]", "", name).lower()
