from keras_disentangle.models.bigan import BiGAN
from keras_disentangle.models.ogan import OGAN
from keras_disentangle.models.vaegan import VAEGAN
