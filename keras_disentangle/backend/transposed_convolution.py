"""Transposed convolution, 4x4 kernel, stride 2, "same", as a matrix product.

Every input pixel is multiplied by the whole kernel in one matrix product;
each output phase (row and column parity) then sums the four kernel taps
that reach it from neighbouring input pixels. The result equals
`keras.ops.conv_transpose(x, kernel, 2, padding="same")`. Written with
`keras.ops`; the JAX engine uses it because XLA's CPU transposed convolution
is several times slower than its matrix product.
"""

from keras import ops

# For output parity r: (offset into the input padded by one, kernel tap).
_TAPS = {0: ((0, 3), (1, 1)), 1: ((1, 2), (2, 0))}


def conv_transpose_4x4_stride2(x, kernel):
    """`x`: `(batch, h, w, c_in)`; `kernel`: `(4, 4, c_out, c_in)`."""
    batch = ops.shape(x)[0]
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    filters = kernel.shape[2]
    weights = ops.reshape(
        ops.transpose(kernel, (3, 0, 1, 2)), (channels, 16 * filters)
    )
    taps = ops.matmul(ops.reshape(x, (-1, channels)), weights)
    taps = ops.reshape(taps, (batch, height, width, 4, 4, filters))
    taps = ops.pad(taps, [[0, 0], [1, 1], [1, 1], [0, 0], [0, 0], [0, 0]])
    rows = []
    for row_parity in (0, 1):
        columns = []
        for column_parity in (0, 1):
            total = None
            for dy, ky in _TAPS[row_parity]:
                for dx, kx in _TAPS[column_parity]:
                    part = taps[:, dy : dy + height, dx : dx + width, ky, kx]
                    total = part if total is None else total + part
            columns.append(total)
        rows.append(ops.stack(columns, axis=3))
    outputs = ops.stack(rows, axis=2)
    return ops.reshape(outputs, (batch, 2 * height, 2 * width, filters))
