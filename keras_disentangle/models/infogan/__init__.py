from keras_disentangle.models.infogan.contrastive_regularizer import (
    contrastive_pairs,
)
from keras_disentangle.models.infogan.contrastive_regularizer import (
    contrastive_weight_at,
)
from keras_disentangle.models.infogan.infogan import InfoGAN
from keras_disentangle.models.infogan.infogan import (
    infogan_dsprites_latent_space,
)
from keras_disentangle.models.infogan.infogan import infogan_mnist_latent_space
from keras_disentangle.models.infogan.infogan_cr_networks import SpectralConv2D
from keras_disentangle.models.infogan.infogan_cr_networks import SpectralDense
from keras_disentangle.models.infogan.infogan_cr_networks import SpectralQHead
from keras_disentangle.models.infogan.infogan_cr_networks import (
    contrastive_discriminator,
)
from keras_disentangle.models.infogan.infogan_networks import infogan_d_head
from keras_disentangle.models.infogan.infogan_networks import infogan_generator
from keras_disentangle.models.infogan.infogan_networks import infogan_q_network
from keras_disentangle.models.infogan.infogan_networks import infogan_trunk
