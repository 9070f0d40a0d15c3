from keras_disentangle.models.vaegan.vaegan import VAEGAN
from keras_disentangle.models.vaegan.vaegan import bernoulli_nll
from keras_disentangle.models.vaegan.vaegan import gan_balance
from keras_disentangle.models.vaegan.vaegan import gaussian_kl
from keras_disentangle.models.vaegan.vaegan import gaussian_nll
from keras_disentangle.models.vaegan.vaegan_networks import vaegan_decoder
from keras_disentangle.models.vaegan.vaegan_networks import vaegan_discriminator
from keras_disentangle.models.vaegan.vaegan_networks import vaegan_encoder
