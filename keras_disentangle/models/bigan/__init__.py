from keras_disentangle.models.bigan.bigan import BiGAN
from keras_disentangle.models.bigan.bigan import bigan_learning_rate
from keras_disentangle.models.bigan.bigan import bigan_losses
from keras_disentangle.models.bigan.bigan_networks import bigan_discriminator
from keras_disentangle.models.bigan.bigan_networks import bigan_encoder
from keras_disentangle.models.bigan.bigan_networks import bigan_generator
