"""The rules classifier on real papers of the bundled corpus, on short SYNTHETIC sentences written for these tests
(not quoted from any paper), and its agreement with the gold reference labels."""

from __future__ import annotations

import pytest
from gold_corpus import corpus_document, gold_documents

from classifiers.document import PaperDocument, Section
from classifiers.rules import classify_paper
from classifiers.rules.catalogue import load_catalogue
from classifiers.rules.negation import Reading, mention_reading, reading
from classifiers.rules.phrases import Phrase, PhraseIndex
from classifiers.rules.text import fold, split_sentences
from classifiers.taxonomy import PaperLabels, ReusePattern, Stage

# Measured with bench/rules_baseline.py before issue 13 (codebook v1.1): uses_dl F1 0.98, uses_ptms F1 0.97 on all
# 112 papers. The floors sit a little below, so a regression fails and a small harmless change does not. They are
# checked on the reference tuning set only (72 papers; evaluation/split.py): nothing is tuned on the frozen set.
USES_DL_F1_FLOOR = 0.93
USES_PTMS_F1_FLOOR = 0.90


def _document(*sections: tuple[str, str], abstract: str | None = None, title: str = "A title") -> PaperDocument:
    rows = tuple(Section(i, None, kind, "section", text) for i, (kind, text) in enumerate(sections))
    return PaperDocument("10.1234/test", title, abstract, "hash", rows)


def _ptms(doc: PaperDocument) -> dict[str, tuple[ReusePattern, Stage]]:
    return {p.name: (p.reuse_pattern, p.stage) for p in classify_paper(doc).ptms.ptms}


def _in_paper(evidence: str, doc: PaperDocument) -> bool:
    return evidence in (doc.abstract or "") or any(evidence in s.text for s in doc.sections)


def _f1(pairs: list[tuple[bool, bool]]) -> float:
    tp = sum(gold and pred for gold, pred in pairs)
    fp = sum(pred and not gold for gold, pred in pairs)
    fn = sum(gold and not pred for gold, pred in pairs)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def test_a_structure_prediction_paper_reuses_alphafold_with_grounded_evidence() -> None:
    doc = corpus_document("pyeuropepmc-benchmark/PMC13240100.xml")  # "AlphaFold3 (AF3) was used to predict ..."
    labels = classify_paper(doc)
    assert isinstance(labels, PaperLabels)
    assert labels.uses_dl.answer and labels.uses_ptms.answer
    assert _in_paper(labels.uses_dl.evidence or "", doc)
    names = {load_catalogue().canonicalise(p.name) for p in labels.ptms.ptms}
    assert "AlphaFold 3" in names
    for mention in labels.ptms.ptms:
        assert _in_paper(mention.evidence, doc)  # every quote is a sentence of the paper, verbatim


def test_an_electron_microscopy_paper_without_deep_learning_is_negative() -> None:
    doc = corpus_document("pyeuropepmc-benchmark/PMC13243723.xml")  # manual annotation in FIJI, statistics
    labels = classify_paper(doc)
    assert not labels.uses_dl.answer and not labels.uses_ptms.answer
    assert labels.uses_dl.evidence is None and labels.ptms.ptms == []


def test_cited_negated_and_future_deep_learning_does_not_count() -> None:
    doc = _document(
        ("introduction", "Deep learning approaches such as convolutional neural networks have been widely used [3]."),
        ("methods", "Unlike deep learning approaches [12], we fitted a random forest to the measurements."),
        ("discussion", "Future work could use a convolutional neural network such as ResNet-50 to classify images."),
    )
    labels = classify_paper(doc)
    assert not labels.uses_dl.answer and labels.ptms.ptms == []


def test_the_same_model_used_in_the_methods_counts() -> None:
    doc = _document(
        ("methods", "We fine-tuned a ResNet50 pre-trained on ImageNet to classify the camera-trap images."),
        ("methods", "The network was trained for 30 epochs with the Adam optimizer in PyTorch."),
    )
    labels = classify_paper(doc)
    assert labels.uses_dl.answer and labels.uses_ptms.answer
    [mention] = labels.ptms.ptms
    assert load_catalogue().canonicalise(mention.name) == "ResNet-50"
    assert mention.reuse_pattern == ReusePattern.ADAPTATION


def test_a_web_server_prediction_is_deployment() -> None:
    doc = _document(
        ("methods", "Signal peptides were predicted with the SignalP 6.0 web server using default parameters."),
        ("methods", "AlphaFold2 models of each protein were downloaded from the AlphaFold Protein Structure Database."),
    )
    labels = classify_paper(doc)
    patterns = {load_catalogue().canonicalise(p.name): p.reuse_pattern for p in labels.ptms.ptms}
    assert patterns == {"SignalP 6.0": ReusePattern.DEPLOYMENT, "AlphaFold": ReusePattern.DEPLOYMENT}


def test_a_shallow_tool_is_not_a_ptm() -> None:
    doc = _document(
        ("methods", "Homologues were searched with BLAST and HMMER, and epitopes predicted with NetMHCpan.")
    )
    assert classify_paper(doc).ptms.ptms == []


def test_negation_covers_only_what_follows_it() -> None:
    sentence = fold("We used Cellpose rather than StarDist to segment the nuclei.")
    assert reading(sentence, sentence.index("Cellpose")) == Reading.OWN_USE
    assert reading(sentence, sentence.index("StarDist")) == Reading.NEGATED


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("ResNet-50", "ResNet-50"),
        ("resnet50", "ResNet-50"),
        ("ResNet50 (ImageNet)", "ResNet-50"),
        ("ResNet\u201050 backbone", "ResNet-50"),
        ("AlphaFold2 (via ColabFold)", "AlphaFold"),
        ("Alphafold3 (AF3)", "AlphaFold 3"),
        ("ESM-2 (esm2_t36_3B_UR50D)", "ESM-2"),
        ("YOLOv5s", "YOLOv5"),
        ("U 2 -Net", "U2-Net"),
        ("SignalP 4.1", "SignalP 4.1"),
    ],
)
def test_aliases_canonicalise(written: str, canonical: str) -> None:
    assert load_catalogue().canonicalise(written) == canonical


def test_ambiguous_aliases_need_their_case_or_deep_learning_context() -> None:
    catalogue = load_catalogue()
    assert catalogue.find("Methylation used SAM as the methyl donor")[0].needs_dl_context
    assert catalogue.find("bert and ernie") == []  # case-sensitive: BERT only
    doc = _document(("methods", "Reactions were supplemented with SAM and incubated for 2 h at 37 °C."))
    assert classify_paper(doc).ptms.ptms == []


def test_rules_agree_with_the_gold_reference_above_the_floor() -> None:
    dl_pairs: list[tuple[bool, bool]] = []
    ptm_pairs: list[tuple[bool, bool]] = []
    for paper, doc in gold_documents():
        labels = classify_paper(doc)
        dl_pairs.append((paper.uses_dl, labels.uses_dl.answer))
        ptm_pairs.append((paper.uses_ptms, labels.uses_ptms.answer))
    assert _f1(dl_pairs) >= USES_DL_F1_FLOOR
    assert _f1(ptm_pairs) >= USES_PTMS_F1_FLOOR


# --- Models the catalogue does not know (SYNTHETIC sentences; the tool names are invented) ---------------------


def test_a_model_named_in_the_methods_with_a_citation_and_deep_learning_is_found_without_the_catalogue() -> None:
    doc = _document(
        ("methods", "Secondary structure was predicted with QuolixNet [12], a deep convolutional neural network."),
        ("methods", "We ran QuolixNet with default parameters on all 300 sequences."),
    )
    assert load_catalogue().canonicalise("QuolixNet") not in load_catalogue().entries
    assert _ptms(doc) == {"QuolixNet": (ReusePattern.DEPLOYMENT, Stage.TEST)}


def test_deep_tool_morphology_with_a_version_counts_in_a_deep_learning_sentence() -> None:
    doc = _document(
        ("methods", "Embeddings were extracted with the pre-trained transformer ZentoBERT v2.1 (ref. 8)."),
        ("methods", "ZentoBERT embeddings of every sequence were averaged."),  # one mention alone would not do
    )
    assert set(_ptms(doc)) == {"ZentoBERT"}


def test_a_name_only_described_in_related_work_is_not_reused() -> None:
    doc = _document(
        ("introduction", "DeepQuolix [3] uses a convolutional neural network to predict splice sites."),
        ("introduction", "Smith et al. (2021) proposed PlexoNet, a graph neural network for interactions."),
        ("methods", "We fitted a random forest with 500 trees to the splice-site features."),
    )
    labels = classify_paper(doc)
    assert labels.ptms.ptms == [] and not labels.uses_ptms.answer


def test_numbers_reported_by_other_papers_and_table_only_mentions_are_not_use() -> None:
    doc = _document(
        ("methods", "We trained a convolutional neural network from scratch on our annotated sequences."),
        ("methods", "The network was trained for 40 epochs with the Adam optimizer in PyTorch."),
        ("results", "Our model exceeded the accuracy reported in the original DeepQuolix paper [7]."),
    )
    doc = PaperDocument(
        doc.doi,
        doc.title,
        None,
        "hash",
        (*doc.sections, Section(9, None, "results", "table_caption", "Table 2 Accuracy of PlexoNet [9], a deep CNN.")),
    )
    labels = classify_paper(doc)
    assert labels.uses_dl.answer and labels.ptms.ptms == []


def test_the_papers_own_new_model_is_not_reuse_but_the_architecture_it_is_built_on_is() -> None:
    doc = _document(
        ("methods", "Here we present QuolixNet, a deep learning model built on the U-Net architecture [4]."),
        ("methods", "The U-Net was trained from scratch on 2,000 annotated images."),
        title="QuolixNet: segmenting things",
    )
    assert _ptms(doc) == {"U-Net": (ReusePattern.CONCEPTUAL, Stage.TEST)}  # no detecting act named: test


def test_an_acronym_of_a_generic_network_is_not_a_model() -> None:
    doc = _document(
        ("methods", "We compared our model to a fully connected network (FCN) and to convolutional recurrent neural "
         "networks (CRNN) trained on the same data."),
        ("methods", "The CRNN was trained for 30 epochs in PyTorch."),
    )  # fmt: skip
    assert classify_paper(doc).ptms.ptms == []


def test_negation_is_carried_to_every_model_after_it() -> None:
    sentence = fold("We did not use AlphaFold2 or ESMFold, which need a GPU.")
    assert reading(sentence, sentence.index("ESMFold")) == Reading.NEGATED
    assert classify_paper(_document(("methods", sentence))).ptms.ptms == []


def test_a_model_described_as_inspiration_or_as_the_base_of_another_tool_is_not_used() -> None:
    doc = _document(
        ("methods", "Similar to AlphaFold [2], our network uses attention over the multiple sequence alignment."),
        ("methods", "Structures were generated using ColabFold [5], a faster implementation of AlphaFold2 [6]."),
    )
    assert set(_ptms(doc)) == {"ColabFold"}


# --- Stages from evidence, patterns (SYNTHETIC sentences) ----------------------------------------------------------


def test_a_vision_model_applied_to_the_study_samples_is_at_stage_test() -> None:
    doc = _document(
        ("methods", "We fine-tuned a ResNet-50 pre-trained on ImageNet to classify the tumour subtype of each slide.")
    )
    assert _ptms(doc) == {"ResNet-50": (ReusePattern.ADAPTATION, Stage.TEST)}


def test_detection_in_raw_recordings_and_basecalling_are_observation() -> None:
    doc = _document(
        ("methods", "Nuclei were segmented in the raw microscope images with Cellpose."),
        ("methods", "Raw nanopore signal was basecalled with Guppy (version 6.1.2) in high-accuracy mode."),
    )
    assert _ptms(doc) == {
        "Cellpose": (ReusePattern.DEPLOYMENT, Stage.OBSERVATION),
        "Guppy": (ReusePattern.DEPLOYMENT, Stage.OBSERVATION),
    }


def test_the_authors_own_pre_training_is_not_adaptation() -> None:
    doc = _document(
        ("methods", "We pre-trained a BERT model on our corpus of 2 million abstracts and then fine-tuned it to "
         "classify the sentences."),
    )  # fmt: skip
    assert _ptms(doc) == {"BERT": (ReusePattern.CONCEPTUAL, Stage.TEST)}


# --- Catalogue hygiene ---------------------------------------------------------------------------------------------


def test_graph_networks_stay_distinct() -> None:
    canonical = load_catalogue().canonicalise
    assert len({canonical("GCN"), canonical("GAT"), canonical("GraphSAGE")}) == 3
    doc = _document(("methods", "We compared graph convolutional networks (GCN), graph attention networks (GAT) and "
                                "GraphSAGE, each trained on our interaction graph."))  # fmt: skip
    found = {canonical(name) for name in _ptms(doc)}
    assert found == {"Graph Convolutional Network", "Graph Attention Network", "GraphSAGE"}


def test_ordinary_tool_names_do_not_collide_with_models() -> None:
    doc = _document(
        ("methods", "Multi-label annotation used CorNet, and coverage tracks were drawn with deepTools [3]."),
        ("methods", "We trained a convolutional neural network on the coverage tracks in PyTorch."),
    )
    assert classify_paper(doc).ptms.ptms == []


def test_no_rule_blocks_a_deep_basecaller_even_without_deep_learning_words() -> None:
    for name in ("Guppy", "Albacore", "Bonito", "Dorado"):
        doc = _document(("methods", f"Reads from the MinION were basecalled with {name} using the default model."))
        labels = classify_paper(doc)
        assert labels.uses_dl.answer and labels.uses_ptms.answer, name
        assert [p.name for p in labels.ptms.ptms] == [name]
    fish = _document(("methods", "Guppy and bonito were kept in 40 L tanks and fed twice a day."))
    assert classify_paper(fish).ptms.ptms == []


def test_a_phrase_matches_with_any_separator_and_its_own_case() -> None:
    index = PhraseIndex([Phrase("ResNet-50", "r"), Phrase("BERT", "b", case_sensitive=True)])
    text = "ResNet 50, resnet50 and ResNet-50 beat Bert but not BERT (or roBERTa)."
    found = [text[hit.start : hit.end] for hit in index.find(text, text.lower())]
    assert found == ["ResNet 50", "resnet50", "ResNet-50", "BERT"]


def test_a_version_or_reference_abbreviation_does_not_end_a_sentence() -> None:
    paragraph = (
        "To detect signal peptides, SignalP v. 4.1 [34], SignalP ver. 5.0 and Phobius (ref. 12) were run. "
        "Results follow. Smith et al. (2021) agree."
    )
    assert split_sentences(paragraph) == [
        "To detect signal peptides, SignalP v. 4.1 [34], SignalP ver. 5.0 and Phobius (ref. 12) were run.",
        "Results follow.",
        "Smith et al. (2021) agree.",
    ]


def test_a_catalogue_name_extended_with_a_hyphen_is_another_tool_unless_the_extension_is_a_variant() -> None:
    doc = _document(
        ("methods", "Angles were predicted with SPOT-1D-LM [5], a deep learning tool, and compared to SPOT-1D."),
        ("methods", "Sentences were embedded with BERT-base-uncased and classified by a deep neural network."),
    )
    assert set(_ptms(doc)) == {"SPOT-1D-LM", "SPOT-1D", "BERT-base-uncased"}
    assert {load_catalogue().canonicalise(name) for name in _ptms(doc)} >= {"SPOT-1D", "BERT"}


def test_a_paper_naming_more_models_than_the_taxonomy_allows_keeps_the_most_used() -> None:
    listed = ", ".join(f"Quolix{i}Net [{i}]" for i in range(60))  # SYNTHETIC names
    doc = _document(
        ("methods", f"We benchmarked these deep convolutional neural networks on our data: {listed}."),
        ("results", f"Accuracy of each deep network on the held-out set: {listed}."),
        ("methods", "We retrained Quolix7Net with the default parameters on our data."),
    )
    names = [p.name for p in classify_paper(doc).ptms.ptms]
    assert len(names) == 50 and "Quolix7Net" in names


# --- Precision: what is not a model used in this study (SYNTHETIC sentences; invented tool names) ------------------


@pytest.mark.parametrize(
    ("sentence", "name", "expected"),
    [
        ("Our counter adopts an AlexNet-like architecture trained on our images.", "AlexNet", Reading.CITED),
        ("YOLOv3 is fast and was compared to SSD (53.3% mAP) on the COCO benchmark.", "SSD", Reading.CITED),
        ("Compared with R-CNN, a previous detection algorithm, our detector is faster.", "R-CNN", Reading.CITED),
        ("Poses can be tracked with tools such as DeepLabCut, LEAP and SLEAP.", "SLEAP", Reading.CITED),
        ("A negative data set utilised by QuolixPro and PlexoNet-2.0 was used here.", "PlexoNet", Reading.CITED),
        ("We chose ProtT5 over other embedding models, such as ESM-1b [36].", "ESM-1b", Reading.NEGATED),
        ("We chose ProtT5 over other embedding models, such as ESM-1b [36].", "ProtT5", Reading.OWN_USE),
        ("An initial convolution was used before our ResNet blocks as proposed in [30].", "ResNet", Reading.PART),
        ("The BERT objective is trained jointly with the structure loss.", "BERT", Reading.PART),
        ("TMbed and DeepQuolix (based on ESM-1b [36]) were run on all proteins.", "ESM-1b", Reading.CITED),
        ("Pereira et al. (2019) implement a modified version of a model called SegNet.", "SegNet", Reading.CITED),
        ("However, our model differs from scVI in two notable aspects.", "scVI", Reading.CITED),
        ("The increment is consistent with the DeepTrio results [15].", "DeepTrio", Reading.CITED),
        ("RCNNs have been implemented to count stomata on leaves (Smith et al., 2021).", "RCNNs", Reading.CITED),
        ("We anticipate an increase in the use of RCNNs in biology.", "RCNNs", Reading.HYPOTHETICAL),
        ("In contrast with Eisen or MONAI, we do not implement network architectures.", "MONAI", Reading.NEGATED),
        ("The graph convolutional network (GCN) layer aggregates.", "convolutional network", Reading.PART),
        ("We recommend tools like Weka and HeuristicLab for this.", "HeuristicLab", Reading.HYPOTHETICAL),
        ("Our deep model outperforms QuolixCNN on every data set.", "QuolixCNN", Reading.PLAIN),
        ("We compared our deep model with QuolixCNN on every data set.", "QuolixCNN", Reading.OWN_USE),
        ("The GATMDA [41] using graph attention networks predicts associations.", "GATMDA", Reading.CITED),
        ("Gysi et al. [5] provide an exploration of graph convolutional networks.", "graph", Reading.CITED),
        ("NetSurfP 3.0 (Hoie et al. 2022) provided secondary structure predictions.", "NetSurfP", Reading.PLAIN),
        ("A similar idea was used in DeepQuolix [10].", "DeepQuolix", Reading.CITED),
        ("The LM is pre-trained using bidirectional transformers like BERT.", "BERT", Reading.CITED),
        # rules round 3 (SYNTHETIC sentences shaped like what tuning/dev papers say)
        (
            "Cells are segmented by tools such as QuolixSeg (Smith et al., 2021) and DeepQuolix.",
            "DeepQuolix",
            Reading.CITED,
        ),  # "et al." does not end the example list
        (
            "Motifs can be found by methods such as DeepQuolix (Lee et al., 2015), so we reasoned it works.",
            "DeepQuolix",
            Reading.CITED,
        ),  # first person after the example does not make it own use
        ("Results for other leading methods included 70% for QuolixFold.", "QuolixFold", Reading.CITED),
        ("Other deep learning methods such as QuolixNet were proposed.", "QuolixNet", Reading.CITED),
        # rules round 4 (SYNTHETIC, shaped like what the project's dev papers say)
        ("Datasets are downloaded from QuolixSeg (Lee et al. 2015) and DeepQuolix.", "DeepQuolix", Reading.CITED),
        ("It remains to explore whether QuolixNet helps.", "QuolixNet", Reading.HYPOTHETICAL),
        ("Scores were computed as employed in the QuolixCov method [4].", "QuolixCov", Reading.CITED),
        ("The encoder is identical to the first 13 layers of VGG-16 [53].", "VGG-16", Reading.PART),
        ("We compared with QuolixTM [44] using ESM-1b [36] embeddings.", "ESM-1b", Reading.CITED),
        ("In a recent benchmark, QuolixFold and ClusPro were used together.", "QuolixFold", Reading.CITED),
        ("The scores of QuolixNet were evaluated in our previous paper [26].", "QuolixNet", Reading.CITED),
        ("This excludes QuolixNet (with 0.9 accuracy) from the comparison.", "QuolixNet", Reading.NEGATED),
        ("We estimated that a QuolixNet training run would emit 700 g of CO2.", "QuolixNet", Reading.HYPOTHETICAL),
        ("Their scores were obtained from the published work of QuolixNet [18].", "QuolixNet", Reading.CITED),
    ],
)
def test_the_words_around_a_mention_say_whether_it_is_used(sentence: str, name: str, expected: Reading) -> None:
    start = sentence.index(name)
    assert mention_reading(sentence, start, start + len(name)) == expected


def test_likenesses_building_blocks_and_quoted_numbers_are_not_entries() -> None:
    doc = _document(
        ("methods", "Our counter adopts an AlexNet-like architecture and is trained from scratch in PyTorch."),
        ("methods", "Its deep convolutional neural network stacks four ResNet blocks."),
        ("results", "Our detector reached 61% mAP, compared to SSD (53.3% mAP) on the same images."),
    )
    labels = classify_paper(doc)
    assert labels.uses_dl.answer and labels.ptms.ptms == []


def test_names_that_are_libraries_data_sets_benchmarks_links_or_blocks_are_not_models() -> None:
    doc = _document(
        ("methods", "The deep learning toolkit is built upon the popular PyTorch, MMDetection, and Detectron2 "
                    "libraries, and the user can choose MMDetection or Detectron2 as the backend."),
        ("methods", "We benchmarked deep neural networks on MoleculeNet and on CASP14 targets."),
        ("methods", "Our convolutional neural network is built from convBlocks (a convolutional layer and a ReLU)."),
        ("methods", "Code for the deep learning model: https://github.com/example/mask-r-cnn-quolix-demo."),
        ("methods", "Training ran on a node with a GPU, 512 GB of RAM and a 2 TB SSD disk."),
        ("methods", "The deep learning pipeline reads images with the imaging libraries ZentoIO and QuolixITK."),
        ("methods", "The deep generative model is linear in its kernels, that is KVAE = EVAE and KC = EC."),
        ("methods", "For the deep learning model we curated the KEGG RPAIR database and all CLIP experiments."),
        ("methods", "In this paper, plant lncRNAs are predicted by deep learning (PlncRNA-HDeep)."),
        ("methods", "We trained the deep model for six epochs and used the ModelCheckpoint callback of Keras."),
        ("methods", "The deep generative model is scored with FID on the MINER DTI dataset."),
        ("methods", "We collected training data for our deep neural network from the QuolixDB database."),
        ("results", "Our deep neural network was compared to QuolixDB [28] on every benchmark."),
    )  # fmt: skip
    assert classify_paper(doc).ptms.ptms == []


def test_punctuation_and_citations_run_into_a_name_are_not_part_of_it() -> None:
    doc = _document(
        ("methods", "Nuclei were segmented with QuolixNet12, a deep convolutional neural network, with default "
                    "parameters."),
        ("methods", "We used the data of QuolixNet—a deep convolutional neural network (Smith et al., 2021)."),
        ("methods", "We hope that QuolixNet—and deep learning tools like it—will become routine."),
        ("methods", "This holds for other objects.PlexoNet outperforms both on the deep learning benchmark."),
    )  # fmt: skip
    assert set(_ptms(doc)) == {"QuolixNet"}


def test_a_detector_written_with_its_backbone_is_one_entry_named_in_full() -> None:
    doc = _document(
        ("methods", "Transfer learning was employed to train a Faster R-CNN (region-based convolutional neural "
                    "network) ResNet-50 FPN pre-trained model on our images."),
        ("methods", "The Faster R-CNN was fine-tuned for 20 epochs."),
    )  # fmt: skip
    assert [p.name for p in classify_paper(doc).ptms.ptms] == [
        "Faster R-CNN (region-based convolutional neural network) ResNet-50 FPN"
    ]


def test_a_loose_name_beside_the_specific_one_and_catalogue_spellings_give_one_plain_name() -> None:
    doc = _document(
        ("methods", "We trained a Mask R-CNN pre-trained on COCO to segment the leaves; the R-CNN was fine-tuned "
                    "for 30 epochs."),
        ("methods", "Image styles were normalised using cycle-consistent adversarial networks (CycleGANs)."),
        ("methods", "Structures of all antigens were downloaded from AlphaFoldDB and compared by deep learning."),
    )  # fmt: skip
    assert set(_ptms(doc)) == {"Mask R-CNN", "CycleGAN", "AlphaFold"}


def test_the_tool_a_title_presents_is_the_papers_own_with_its_settings() -> None:
    doc = _document(
        ("methods", "We ran ZentoFold with default settings and ZentoFold-AlphaFold2 with templates; both are deep "
                    "learning pipelines, and AlphaFold2 was run for comparison."),
        title="ZentoFold: protein folding for everyone",
    )  # fmt: skip
    assert set(_ptms(doc)) == {"AlphaFold2"}


def test_a_capitalised_variant_before_a_catalogue_name_is_its_own_model() -> None:
    doc = _document(
        ("methods", "The initial segmentation was performed using the Dense V-net proposed by Gibson et al. [10]."),
        ("methods", "We developed a new deep learning architecture that we call Stacked DenseNet."),
        ("results", "Our Stacked DenseNet model runs inference at 30 frames per second."),
    )
    assert set(_ptms(doc)) == {"Dense V-net"}


# --- Reuse patterns read near each mention (SYNTHETIC sentences) ---------------------------------------------------


def test_weights_used_without_fine_tuning_are_deployment_and_a_checkpoint_to_start_from_is_adaptation() -> None:
    doc = _document(
        ("methods", "We took the pre-trained ProtT5 model as is, without any further task-specific fine-tuning."),
        ("methods", "A pre-trained protein language model (ProtBERT) is used as initialization for the training."),
    )
    assert _ptms(doc) == {
        "ProtT5": (ReusePattern.DEPLOYMENT, Stage.TEST),
        "ProtBERT": (ReusePattern.ADAPTATION, Stage.TEST),
    }


def test_a_cue_about_one_model_in_a_long_sentence_does_not_decide_the_others() -> None:
    doc = _document(
        ("methods", "We fine-tuned BERT on our abstracts, and the pre-trained deep networks we used as feature "
                    "extractors for the images include ResNet-50 [25], Xception [27], VGG16 [28] and DenseNet-121."),
    )  # fmt: skip
    patterns = {name: pattern for name, (pattern, _) in _ptms(doc).items()}
    assert patterns == {
        "BERT": ReusePattern.ADAPTATION,
        **dict.fromkeys(("ResNet-50", "Xception", "VGG16", "DenseNet-121"), ReusePattern.DEPLOYMENT),
    }


def test_an_unknown_model_only_named_as_what_the_study_beats_is_a_conceptual_baseline() -> None:
    doc = _document(
        ("methods", "We trained our convolutional neural network from scratch on the annotated sequences."),
        ("results", "We compared our deep learning model with QuolixCNN [12] and ZentoPred [13], two convolutional "
                    "neural networks, and it outperformed both."),
        ("results", "QuolixCNN and ZentoPred were outperformed by our model on every fold."),
    )  # fmt: skip
    assert _ptms(doc) == {
        "QuolixCNN": (ReusePattern.CONCEPTUAL, Stage.TEST),
        "ZentoPred": (ReusePattern.CONCEPTUAL, Stage.TEST),
    }


def test_a_model_and_its_abbreviation_are_one_entry_under_its_name() -> None:
    doc = _document(
        ("methods", "We compared our model against QuolixFinder (18) (QVF), a deep convolutional neural network."),
        ("results", "The deep learning tool QVF v2.1 was run with default parameters on all 300 genomes."),
    )
    assert set(_ptms(doc)) == {"QuolixFinder"}


def test_a_superscript_citation_run_into_a_known_name_and_a_tools_package_are_the_same_model() -> None:
    doc = _document(
        ("methods", "We ran QuolixGO [12], a deep convolutional neural network, with default parameters."),
        ("results", "We compared our deep model with the CNN-based method QuolixGO38 on every ontology."),
        ("methods", "Cells were embedded with scVI, a deep generative model; the Python package scvi-tools (v0.17.1) "
                    "was used for it."),
    )  # fmt: skip
    assert set(_ptms(doc)) == {"QuolixGO", "scVI"}


def test_kinds_libraries_plural_acronyms_and_introduction_typed_subsections() -> None:
    # SYNTHETIC paper (invented names). A section typed "introduction" under another heading is read as the
    # authors' own section; under an introduction heading a passive use is related work.
    def section(ordinal: int, heading: str, text: str) -> Section:
        return Section(ordinal, heading, "introduction", "section", text)

    doc = PaperDocument(
        "10.1234/test",
        "A title",
        None,
        "hash",
        (
            section(0, "Background", "QuolixFold was used to predict the structures of many proteins [4]."),
            section(1, "Implementation", "The detector YOLOv5 was trained on our images with a deep network."),
            section(2, "Training", "We trained a convolutional neural network on PREs and dummy PREs."),
            section(
                3,
                "Training",
                "Contacts were predicted using a deep residual neural network, built on the MMDetection (Chen et al., "
                "2019) or Detectron2 (Wu et al., 2019) libraries.",
            ),
        ),
    )
    assert set(_ptms(doc)) == {"YOLOv5"}


def test_ablations_placeholders_and_explainers_are_not_models_and_a_plural_name_is_one_model() -> None:
    # SYNTHETIC sentences, in the phrasings met on the project's dev papers (batch 2).
    doc = _document(
        ("methods", "We trained a convolutional neural network with a bidirectional LSTM on the sequences."),
        ("methods", "The networks were designated as GRU-X or LSTM-X where X is the number of hidden layers."),
        ("results", "We compared QuolixNet with two simplified deep learning models: CNN-only and RNN-only."),
        ("results", "We apply GNNExplainer [12] and RNNVis [13] to the trained deep network to explain it."),
        ("methods", "We retrained the PLX-GNNs [5], graph neural networks, on our interaction graphs."),
        ("methods", "Each of the PLX-GNNs was trained for 50 epochs."),
        title="QuolixNet: predicting things",
    )
    names = set(_ptms(doc))
    assert not names & {"GRU-X", "LSTM-X", "CNN-only", "RNN-only", "GNNExplainer", "RNNVis"}
    assert names == {"PLX-GNN"}


def test_a_model_a_result_could_be_given_to_is_not_used() -> None:
    # SYNTHETIC sentences: a possibility in the discussion is not a use; a use in the methods is.
    doc = _document(
        ("methods", "We trained a convolutional neural network on the peptide spectra for 30 epochs."),
        ("discussion", "The structures of the new peptides can be predicted via the deep network QuolixFold [9]."),
        ("discussion", "Their interactions can also be modelled using PlexoNet [10], a graph neural network."),
    )
    assert _ptms(doc) == {}


def test_a_name_the_catalogue_does_not_know_needs_more_than_one_mention() -> None:
    # SYNTHETIC sentences: QuolixNet is named once (an aside), PlexoNet in two methods sentences.
    doc = _document(
        ("methods", "We fine-tuned the pre-trained PlexoNet [4], a deep convolutional network, on our images."),
        ("methods", "PlexoNet was trained for 20 epochs with a learning rate of 0.001."),
        ("results", "The deep network QuolixNet [7] was run on the same images for comparison."),
    )
    assert set(_ptms(doc)) == {"PlexoNet"}
