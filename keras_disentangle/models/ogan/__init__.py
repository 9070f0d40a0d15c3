from keras_disentangle.models.ogan.ogan import OGAN
from keras_disentangle.models.ogan.ogan import o_gan_loss
from keras_disentangle.models.ogan.ogan import pearson_correlation
from keras_disentangle.models.ogan.ogan_networks import ogan_encoder
from keras_disentangle.models.ogan.ogan_networks import ogan_generator
