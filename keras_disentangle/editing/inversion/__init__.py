"""GAN inversion: from images back to latents, and completion."""

from keras_disentangle.editing.inversion.encoder_inversion import (
    EncoderInversion,
)
from keras_disentangle.editing.inversion.encoder_inversion import (
    inversion_encoder,
)
from keras_disentangle.editing.inversion.hybrid_inversion import encode_latents
from keras_disentangle.editing.inversion.hybrid_inversion import (
    hybrid_inversion,
)
from keras_disentangle.editing.inversion.latent_activation import (
    LatentActivation,
)
from keras_disentangle.editing.inversion.masked_inversion import (
    masked_inversion,
)
from keras_disentangle.editing.inversion.optimization_inversion import (
    InversionResult,
)
from keras_disentangle.editing.inversion.optimization_inversion import (
    optimization_inversion,
)
