"""A transposed convolution whose common GAN case runs as a matrix product."""

import keras

from keras_disentangle import backend


@keras.saving.register_keras_serializable(package="keras_disentangle")
class Conv2DTranspose(keras.layers.Conv2DTranspose):
    """`keras.layers.Conv2DTranspose` with a faster path for 4x4, stride 2.

    The layer, its weights and its outputs are those of Keras's
    `Conv2DTranspose`. For the upsampling block of DCGAN-style generators
    (kernel 4, stride 2, `"same"` padding, channels last) the backend may
    compute the same result another way: on JAX it is one matrix product
    of every 2x2 input neighbourhood with a weight that gives the four
    output phases at once (few filters: of every input pixel with the whole
    kernel, then an overlap-add), because XLA's CPU transposed convolution
    is several times slower than a matrix product (see
    `keras_disentangle/backend/transposed_convolution.py`). Other cases,
    and the other backends, call `keras.ops.conv_transpose` as Keras does.

    Example:

    >>> layer = Conv2DTranspose(8, 4, strides=2, padding="same")
    >>> tuple(layer(keras.ops.ones((2, 7, 7, 3))).shape)
    (2, 14, 14, 8)
    """

    def call(self, inputs):
        if not self._is_stride2_4x4():
            return super().call(inputs)
        outputs = backend.engine().conv_transpose_4x4_stride2(
            inputs, self.kernel
        )
        if self.use_bias:
            outputs = outputs + self.bias
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs

    def _is_stride2_4x4(self):
        return (
            tuple(self.kernel_size) == (4, 4)
            and tuple(self.strides) == (2, 2)
            and self.padding == "same"
            and self.data_format == "channels_last"
            and tuple(self.dilation_rate) == (1, 1)
            and self.output_padding is None
        )
