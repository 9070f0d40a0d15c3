"""Morpho-MNIST shape measurements of digit images, with numpy and scipy.

Written from the definitions of Castro et al. (JMLR 2019): the digit is
upsampled 4x (cubic spline, then the Gaussian smoothing of a pyramid
expansion), binarised halfway between its minimum and maximum, and
skeletonised. Then, in original pixels:

- area: the number of foreground pixels / scale^2;
- length: the length of the skeleton (a diagonal step counts sqrt(2));
- thickness: twice the mean distance from the skeleton to the
  background (Euclidean distance transform);
- slant: `arctan(-mu11 / mu02)` of the central moments, in radians,
  positive when the top of the digit leans right;
- width and height: the extent of the de-slanted digit after discarding
  `bound_frac` of its mass on each side.

Strokes thinner than about 2 px measure about 2 px: the binarisation is
relative to the digit's own peak intensity. The skeleton here is Zhang-Suen
thinning rather than scikit-image's medial
axis, so values can differ slightly from the reference package's.
"""

import collections

import numpy as np

DigitMeasurements = collections.namedtuple(
    "DigitMeasurements",
    ["area", "length", "thickness", "slant", "width", "height"],
)
MEASUREMENT_NAMES = DigitMeasurements._fields


def upsample_and_binarise(image, scale=4, threshold=0.5):
    """The high-resolution binary digit that all measures use.

    Args:
        image: `(H, W)` or `(H, W, 1)` grey image (any range).
        scale: upsampling factor.
        threshold: binarisation level, as a fraction between the minimum
            and the maximum of the upsampled image.

    Returns:
        bool array `(scale * H, scale * W)`.
    """
    from scipy import ndimage

    image = np.asarray(image, dtype=np.float64)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim != 2:
        raise ValueError(
            f"Expected one grey image (H, W[, 1]), got shape {image.shape}."
        )
    high = ndimage.zoom(image, scale, order=3, mode="reflect")
    high = ndimage.gaussian_filter(high, sigma=2.0 * scale / 6.0)
    low, top = high.min(), high.max()
    if top <= low:
        raise ValueError("The image is constant: it holds no digit.")
    return high > low + threshold * (top - low)


def skeletonise(binary):
    """Zhang-Suen thinning of a bool image to a one-pixel-wide skeleton."""
    skeleton = np.pad(np.asarray(binary, dtype=bool), 1)
    while True:
        changed = False
        for step in (0, 1):
            p = skeleton.astype(np.uint8)
            # Neighbours P2..P9, clockwise from north.
            n = [
                p[:-2, 1:-1],
                p[:-2, 2:],
                p[1:-1, 2:],
                p[2:, 2:],
                p[2:, 1:-1],
                p[2:, :-2],
                p[1:-1, :-2],
                p[:-2, :-2],
            ]
            count = sum(n)
            transitions = sum(
                (n[k] == 0) & (n[(k + 1) % 8] == 1) for k in range(8)
            )
            if step == 0:
                first = n[0] * n[2] * n[4]
                second = n[2] * n[4] * n[6]
            else:
                first = n[0] * n[2] * n[6]
                second = n[0] * n[4] * n[6]
            remove = (
                skeleton[1:-1, 1:-1]
                & (count >= 2)
                & (count <= 6)
                & (transitions == 1)
                & (first == 0)
                & (second == 0)
            )
            if remove.any():
                skeleton[1:-1, 1:-1] &= ~remove
                changed = True
        if not changed:
            return skeleton[1:-1, 1:-1]


def _weighted_extent(coords, frac):
    coords = np.sort(coords)
    low = np.quantile(coords, frac, method="inverted_cdf")
    high = np.quantile(coords, 1.0 - frac, method="inverted_cdf")
    return high - low + 1.0


def measure_digit(image, threshold=0.5, scale=4, bound_frac=0.02):
    """Morpho-MNIST measurements of one digit image.

    Args:
        image: `(H, W)` or `(H, W, 1)` grey image, digit bright on dark.
        threshold: binarisation level (fraction of the intensity range).
        scale: upsampling factor.
        bound_frac: fraction of the mass discarded on each side for the
            width and height.

    Returns:
        `DigitMeasurements(area, length, thickness, slant, width, height)`
        in original pixels (slant in radians).

    Example:

    >>> image = np.zeros((28, 28), "float32")
    >>> image[6:22, 12:15] = 1.0  # an upright bar 3 px thick, 16 px tall
    >>> m = measure_digit(image)
    >>> round(m.thickness), round(m.height), abs(round(m.slant, 2))
    (3, 16, 0.0)
    """
    from scipy import ndimage

    binary = upsample_and_binarise(image, scale=scale, threshold=threshold)
    skeleton = skeletonise(binary)
    distance = ndimage.distance_transform_edt(binary)
    area = binary.sum() / scale**2
    links = np.array(
        [[0.0, 0.0, 0.0], [0.0, 0.0, 1.0], [np.sqrt(2), 1.0, np.sqrt(2)]]
    )
    steps = ndimage.correlate(
        skeleton.astype(np.float64), links, mode="constant"
    )
    length = steps[skeleton].sum() / scale
    thickness = (
        2.0 * distance[skeleton].mean() / scale if skeleton.any() else 0.0
    )
    ys, xs = np.nonzero(binary)
    xs = xs.astype(np.float64)
    ys = ys.astype(np.float64)
    dx = xs - xs.mean()
    dy = ys - ys.mean()
    mu11 = np.mean(dx * dy)
    mu02 = np.mean(dy * dy)
    slant = float(np.arctan(-mu11 / mu02)) if mu02 > 0 else 0.0
    upright = dx + dy * np.tan(slant)
    width = _weighted_extent(upright, bound_frac) / scale
    height = _weighted_extent(ys, bound_frac) / scale
    return DigitMeasurements(
        float(area),
        float(length),
        float(thickness),
        slant,
        float(width),
        float(height),
    )


def measure_digits(images, threshold=0.5, scale=4, bound_frac=0.02):
    """Morpho-MNIST measurements of a batch of digits.

    Args:
        images: `(N, H, W)` or `(N, H, W, 1)`.

    Returns:
        dict mapping each of `MEASUREMENT_NAMES` to a float64 array `(N,)`.

    Example:

    >>> images = np.zeros((2, 28, 28, 1), "float32")
    >>> images[:, 6:22, 12:15] = 1.0
    >>> sorted(measure_digits(images))
    ['area', 'height', 'length', 'slant', 'thickness', 'width']
    """
    rows = [
        measure_digit(
            image, threshold=threshold, scale=scale, bound_frac=bound_frac
        )
        for image in images
    ]
    return {
        name: np.array([row[k] for row in rows], dtype=np.float64)
        for k, name in enumerate(MEASUREMENT_NAMES)
    }
