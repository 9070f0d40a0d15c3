"""Disentanglement, clustering and sample-quality metrics.

Disentanglement metrics follow google-research/disentanglement_lib's
definitions; each `compute_*` takes a representation function (float32
images `(n, H, W, C)` to codes `(n, num_codes)`, numpy in and out) and a
`GroundTruthDataset`, and uses the study's sample counts unless
`setting="fast"` (for tests only). The `*_from_codes` functions score
precomputed codes and factor classes.
"""

from keras_disentangle.datasets.ground_truth import GroundTruthDataset
from keras_disentangle.metrics.beta_vae import compute_beta_vae
from keras_disentangle.metrics.classifier import FeatureClassifier
from keras_disentangle.metrics.clustering import cluster_to_class_map
from keras_disentangle.metrics.clustering import clustering_accuracy
from keras_disentangle.metrics.clustering import normalized_mutual_information
from keras_disentangle.metrics.code_measures import code_measure_correlations
from keras_disentangle.metrics.dci import compute_dci
from keras_disentangle.metrics.dci import dci_completeness
from keras_disentangle.metrics.dci import dci_disentanglement
from keras_disentangle.metrics.dci import dci_from_codes
from keras_disentangle.metrics.factor_vae import compute_factor_vae
from keras_disentangle.metrics.inception import InceptionFeatures
from keras_disentangle.metrics.mig import compute_mig
from keras_disentangle.metrics.mig import mig_from_codes
from keras_disentangle.metrics.modularity import compute_modularity_explicitness
from keras_disentangle.metrics.modularity import explicitness_from_codes
from keras_disentangle.metrics.modularity import (
    modularity_explicitness_from_codes,
)
from keras_disentangle.metrics.modularity import (
    modularity_from_mutual_information,
)
from keras_disentangle.metrics.quality import classifier_score
from keras_disentangle.metrics.quality import frechet_distance
from keras_disentangle.metrics.quality import frechet_distance_from_statistics
from keras_disentangle.metrics.quality import kernel_distance
from keras_disentangle.metrics.quality import precision_recall
from keras_disentangle.metrics.quality import quality_metrics
from keras_disentangle.metrics.quality import real_vs_real_floor
from keras_disentangle.metrics.representation import representation_function
from keras_disentangle.metrics.sap import compute_sap
from keras_disentangle.metrics.sap import sap_from_codes
from keras_disentangle.metrics.settings import FAST
from keras_disentangle.metrics.settings import STUDY
from keras_disentangle.metrics.settings import metric_settings
from keras_disentangle.metrics.utils import discrete_entropy
from keras_disentangle.metrics.utils import discrete_mutual_information
from keras_disentangle.metrics.utils import histogram_discretize
from keras_disentangle.metrics.utils import mutual_information_matrix

__all__ = [
    "FAST",
    "FeatureClassifier",
    "GroundTruthDataset",
    "InceptionFeatures",
    "STUDY",
    "classifier_score",
    "cluster_to_class_map",
    "clustering_accuracy",
    "code_measure_correlations",
    "compute_beta_vae",
    "compute_dci",
    "compute_factor_vae",
    "compute_mig",
    "compute_modularity_explicitness",
    "compute_sap",
    "dci_completeness",
    "dci_disentanglement",
    "dci_from_codes",
    "discrete_entropy",
    "discrete_mutual_information",
    "explicitness_from_codes",
    "frechet_distance",
    "frechet_distance_from_statistics",
    "histogram_discretize",
    "kernel_distance",
    "metric_settings",
    "mig_from_codes",
    "modularity_explicitness_from_codes",
    "modularity_from_mutual_information",
    "mutual_information_matrix",
    "normalized_mutual_information",
    "precision_recall",
    "quality_metrics",
    "real_vs_real_floor",
    "representation_function",
    "sap_from_codes",
]
