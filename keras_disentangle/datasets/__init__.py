"""Datasets with labels or ground-truth factors.

Every image this package returns is float32, channels-last
`(N, H, W, C)`, with values in `[0, 1]`.
"""

from keras_disentangle.datasets.batches import BatchDataset
from keras_disentangle.datasets.dsprites import DSPRITES_FACTOR_NAMES
from keras_disentangle.datasets.dsprites import DSPRITES_FACTOR_SIZES
from keras_disentangle.datasets.dsprites import DSPRITES_NUM_IMAGES
from keras_disentangle.datasets.dsprites import DSprites
from keras_disentangle.datasets.dsprites import dsprites_factor_values
from keras_disentangle.datasets.dsprites import dsprites_factors
from keras_disentangle.datasets.dsprites import dsprites_index
from keras_disentangle.datasets.dsprites import render_dsprites
from keras_disentangle.datasets.dsprites_variants import BackgroundDSprites
from keras_disentangle.datasets.dsprites_variants import ColorDSprites
from keras_disentangle.datasets.dsprites_variants import NoisyDSprites
from keras_disentangle.datasets.ground_truth import GroundTruthDataset
from keras_disentangle.datasets.ground_truth import IdentityGroundTruth
from keras_disentangle.datasets.ground_truth import LabelledImages
from keras_disentangle.datasets.ground_truth import check_ground_truth_dataset
from keras_disentangle.datasets.ground_truth import sample_uniform_factors
from keras_disentangle.datasets.hierarchical_scenes import HierarchicalScenes
from keras_disentangle.datasets.mnist import MNIST_DIR_ENV
from keras_disentangle.datasets.mnist import load_mnist
from keras_disentangle.datasets.mnist import load_mnist_uint8
from keras_disentangle.datasets.mnist import mnist_directory
from keras_disentangle.datasets.mnist_m import blend_with_patches
from keras_disentangle.datasets.mnist_m import load_mnist_m
from keras_disentangle.datasets.morpho_mnist import MEASUREMENT_NAMES
from keras_disentangle.datasets.morpho_mnist import DigitMeasurements
from keras_disentangle.datasets.morpho_mnist import measure_digit
from keras_disentangle.datasets.morpho_mnist import measure_digits
from keras_disentangle.datasets.natural_images import natural_images
from keras_disentangle.datasets.natural_images import random_patches

__all__ = [
    "BackgroundDSprites",
    "BatchDataset",
    "ColorDSprites",
    "DSPRITES_FACTOR_NAMES",
    "DSPRITES_FACTOR_SIZES",
    "DSPRITES_NUM_IMAGES",
    "DSprites",
    "DigitMeasurements",
    "GroundTruthDataset",
    "HierarchicalScenes",
    "IdentityGroundTruth",
    "LabelledImages",
    "MEASUREMENT_NAMES",
    "MNIST_DIR_ENV",
    "NoisyDSprites",
    "blend_with_patches",
    "check_ground_truth_dataset",
    "dsprites_factor_values",
    "dsprites_factors",
    "dsprites_index",
    "load_mnist",
    "load_mnist_m",
    "load_mnist_uint8",
    "measure_digit",
    "measure_digits",
    "mnist_directory",
    "natural_images",
    "random_patches",
    "render_dsprites",
    "sample_uniform_factors",
]
