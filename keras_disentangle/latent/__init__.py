from keras_disentangle.latent.codes import CategoricalCode
from keras_disentangle.latent.codes import GaussianCode
from keras_disentangle.latent.codes import LatentCode
from keras_disentangle.latent.codes import NoiseCode
from keras_disentangle.latent.codes import UniformCode
from keras_disentangle.latent.latent_space import LatentSpace
from keras_disentangle.latent.traversal import traversal_codes
from keras_disentangle.latent.traversal import traversal_grid_codes
