"""keras_disentangle: disentangled generative models for Keras 3."""

from keras_disentangle import editing
from keras_disentangle import latent
from keras_disentangle import layers
from keras_disentangle import utils
from keras_disentangle.engine import AdversarialModel
from keras_disentangle.engine import GradientReversal
from keras_disentangle.engine import Player
from keras_disentangle.engine import gradient_penalty
from keras_disentangle.engine import input_gradient
from keras_disentangle.engine import value_and_input_gradient
from keras_disentangle.heads import QHead
from keras_disentangle.heads import mutual_information_loss
from keras_disentangle.latent import CategoricalCode
from keras_disentangle.latent import GaussianCode
from keras_disentangle.latent import LatentSpace
from keras_disentangle.latent import NoiseCode
from keras_disentangle.latent import UniformCode
from keras_disentangle.models.bigan import BiGAN
from keras_disentangle.models.generative_model import GenerativeModel
from keras_disentangle.models.infogan import InfoGAN
from keras_disentangle.models.ogan import OGAN
from keras_disentangle.models.vaegan import VAEGAN
from keras_disentangle.presets import upload_preset
from keras_disentangle.version import __version__
