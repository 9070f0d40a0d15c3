"""Small helpers shared by the command line, presets and examples."""

from keras_disentangle.utils.batch_norm_statistics import batch_norm_layers
from keras_disentangle.utils.batch_norm_statistics import (
    reestimate_batch_norm_statistics,
)
from keras_disentangle.utils.image_grid import image_grid
from keras_disentangle.utils.image_grid import save_image_grid
