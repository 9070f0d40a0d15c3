"""Editing generative models: latent directions, arithmetic and inversion.

Every tool works on any `GenerativeModel` (its `latent_space` and
`generator`); inversion also takes a bare Keras generator.

- `sefa_directions`, `apply_direction`: closed-form directions (SeFa).
- `interpolate`, `lerp`, `slerp`: paths between latents, code by code.
- `attribute_vector`, `attribute_vector_from_images`,
  `apply_attribute_vector`: latent arithmetic.
- `EncoderInversion`, `optimization_inversion`, `hybrid_inversion`,
  `masked_inversion`: from images back to latents, and completion.
- `snap_to_prior`, `complete_latents`, `prior_center`: keeping latents on
  the prior's support.
"""

from keras_disentangle.editing.attribute_vectors import apply_attribute_vector
from keras_disentangle.editing.attribute_vectors import attribute_vector
from keras_disentangle.editing.attribute_vectors import (
    attribute_vector_from_images,
)
from keras_disentangle.editing.interpolation import interpolate
from keras_disentangle.editing.interpolation import lerp
from keras_disentangle.editing.interpolation import slerp
from keras_disentangle.editing.inversion import EncoderInversion
from keras_disentangle.editing.inversion import InversionResult
from keras_disentangle.editing.inversion import LatentActivation
from keras_disentangle.editing.inversion import encode_latents
from keras_disentangle.editing.inversion import hybrid_inversion
from keras_disentangle.editing.inversion import inversion_encoder
from keras_disentangle.editing.inversion import masked_inversion
from keras_disentangle.editing.inversion import optimization_inversion
from keras_disentangle.editing.prior import complete_latents
from keras_disentangle.editing.prior import prior_center
from keras_disentangle.editing.prior import snap_to_prior
from keras_disentangle.editing.sefa import apply_direction
from keras_disentangle.editing.sefa import direction_code_norms
from keras_disentangle.editing.sefa import latent_projection
from keras_disentangle.editing.sefa import sefa_directions

__all__ = [
    "EncoderInversion",
    "InversionResult",
    "LatentActivation",
    "apply_attribute_vector",
    "apply_direction",
    "attribute_vector",
    "attribute_vector_from_images",
    "complete_latents",
    "direction_code_norms",
    "encode_latents",
    "hybrid_inversion",
    "interpolate",
    "inversion_encoder",
    "latent_projection",
    "lerp",
    "masked_inversion",
    "optimization_inversion",
    "prior_center",
    "sefa_directions",
    "slerp",
    "snap_to_prior",
]
