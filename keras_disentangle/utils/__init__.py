"""Small helpers shared by the command line, presets and examples."""

from keras_disentangle.utils.image_grid import image_grid
from keras_disentangle.utils.image_grid import save_image_grid
