"""Transposed convolution, 4x4 kernel, stride 2, "same", as matrix products.

Two equivalent forms, both equal to
`keras.ops.conv_transpose(x, kernel, 2, padding="same")` and written with
`keras.ops`. The JAX engine uses them because XLA's CPU transposed
convolution takes several times longer than a matrix product of the same
size, above all for the kernel gradient.

- Output phases (`filters >= PHASE_FORM_MIN_FILTERS`): each output pixel
  `(2i + ry, 2j + rx)` sums four kernel taps applied to the 2x2
  neighbourhood of input pixels at `(i + ry, j + rx)` of the input padded by
  one. One product of every 2x2 neighbourhood (`4 * c_in` values) with a
  `(4 * c_in, 4 * filters)` weight gives all four phases at once; each
  phase is then one slice. Its data movement (four slices in, four out)
  is what makes it fast.
- Taps (few filters, e.g. an image layer): every input pixel times the
  whole kernel in one product, then each output phase sums the four taps
  that reach it. With few output channels the phase form's product is too
  narrow to be efficient, and the taps to move are few.
"""

from keras import ops

# Below this many output channels the tap form is faster (XLA on CPU).
PHASE_FORM_MIN_FILTERS = 8

# For output parity r: (offset into the input padded by one, kernel tap).
_TAPS = {0: ((0, 3), (1, 1)), 1: ((1, 2), (2, 0))}


def conv_transpose_4x4_stride2(x, kernel):
    """`x`: `(batch, h, w, c_in)`; `kernel`: `(4, 4, c_out, c_in)`."""
    if kernel.shape[2] >= PHASE_FORM_MIN_FILTERS:
        return _by_output_phases(x, kernel)
    return _by_taps(x, kernel)


def _by_output_phases(x, kernel):
    batch = ops.shape(x)[0]
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    filters = kernel.shape[2]
    padded = ops.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]])
    neighbourhoods = ops.concatenate(
        [
            padded[:, a : a + height + 1, c : c + width + 1, :]
            for a in (0, 1)
            for c in (0, 1)
        ],
        axis=-1,
    )
    # Phase (ry, rx) takes kernel tap (3 - 2a - ry, 3 - 2c - rx) from the
    # neighbour at offset (a, c): in the flipped kernel, tap (2a + ry,
    # 2c + rx). Rows of the weight: (a, c, c_in); columns: (ry, rx, c_out).
    flipped = ops.reshape(
        ops.flip(kernel, axis=(0, 1)), (2, 2, 2, 2, filters, channels)
    )
    weights = ops.reshape(
        ops.transpose(flipped, (0, 2, 5, 1, 3, 4)),
        (4 * channels, 4 * filters),
    )
    phases = ops.matmul(
        ops.reshape(neighbourhoods, (-1, 4 * channels)), weights
    )
    phases = ops.reshape(phases, (batch, height + 1, width + 1, 2, 2, filters))
    return _interleave(
        lambda ry, rx: phases[:, ry : ry + height, rx : rx + width, ry, rx]
    )


def _by_taps(x, kernel):
    batch = ops.shape(x)[0]
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    filters = kernel.shape[2]
    weights = ops.reshape(
        ops.transpose(kernel, (3, 0, 1, 2)), (channels, 16 * filters)
    )
    taps = ops.matmul(ops.reshape(x, (-1, channels)), weights)
    taps = ops.reshape(taps, (batch, height, width, 4, 4, filters))
    taps = ops.pad(taps, [[0, 0], [1, 1], [1, 1], [0, 0], [0, 0], [0, 0]])

    def phase(row_parity, column_parity):
        total = None
        for dy, ky in _TAPS[row_parity]:
            for dx, kx in _TAPS[column_parity]:
                part = taps[:, dy : dy + height, dx : dx + width, ky, kx]
                total = part if total is None else total + part
        return total

    return _interleave(phase)


def _interleave(phase):
    """The `(b, 2h, 2w, c)` image whose pixel `(2i + ry, 2j + rx)` is
    `phase(ry, rx)[:, i, j]`, from the four `(b, h, w, c)` phases."""
    rows = [
        ops.stack([phase(ry, rx) for rx in (0, 1)], axis=3) for ry in (0, 1)
    ]
    outputs = ops.stack(rows, axis=2)  # (b, h, 2, w, 2, c)
    _, height, _, width, _, channels = outputs.shape
    return ops.reshape(outputs, (-1, 2 * height, 2 * width, channels))
