from keras_disentangle.layers.conv2d_transpose import Conv2DTranspose
from keras_disentangle.layers.self_modulated_batch_normalization import (
    SelfModulatedBatchNormalization,
)
