"""dSprites: 2-D shapes on the exact factor grid of the original dataset.

The original file `dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz` holds
737,280 binary 64x64 images of a square, an ellipse and a heart over the
grid shape (3) x scale (6, linspace(0.5, 1)) x orientation (40,
linspace(0, 2 pi)) x position x (32, linspace(0, 1)) x position y (32).
Its generator was never published, so `DSprites` renders the shapes
procedurally, image by image, on that grid: any subset or any
factor-conditioned batch costs only the images requested. Given the path of
the original npz, the same object serves the original images instead.

The flat index of a factor vector is the one of the npz (position y varies
fastest): `index = factors @ (245760, 40960, 1024, 32, 1)`.
"""

import numpy as np

from keras_disentangle.datasets.batches import BatchDataset
from keras_disentangle.datasets.ground_truth import sample_uniform_factors

DSPRITES_FACTOR_NAMES = (
    "shape",
    "scale",
    "orientation",
    "position_x",
    "position_y",
)
DSPRITES_FACTOR_SIZES = (3, 6, 40, 32, 32)
DSPRITES_NUM_IMAGES = 737_280
DSPRITES_SHAPE_NAMES = ("square", "ellipse", "heart")
# Strides of the flat index; the npz also has a colour factor of size 1,
# which does not change the index.
DSPRITES_INDEX_BASES = (245_760, 40_960, 1_024, 32, 1)

_SCALES = np.linspace(0.5, 1.0, 6)
_ORIENTATIONS = np.linspace(0.0, 2.0 * np.pi, 40)
_POSITIONS = np.linspace(0.0, 1.0, 32)

# Geometry of the procedural shapes, in pixels at scale 1. Every shape
# fits in a disc of radius 14.2 px about its centre, and centres lie in
# [16, 48] px, so no pixel ever leaves the 64x64 frame.
_SQUARE_HALF_SIDE = 10.0
_ELLIPSE_SEMI_AXES = (14.0, 7.0)
# The heart is the region (x^2 + y^2 - 1)^3 <= x^2 y^3 (y up), shifted so
# that its centroid (0, 0.2935) is the origin and scaled so that its
# farthest point (the tip, 1.2935 away) lies 14 px from the centre.
_HEART_CENTROID_Y = 0.2935
_HEART_UNITS_PER_PIXEL = 1.2935 / 14.0
_WINDOW = 32  # rendering window about the centre, in pixels


def dsprites_index(factors):
    """Flat index in the original npz of factor classes `(N, 5)`.

    Example:

    >>> dsprites_index([[2, 5, 39, 31, 31]]).tolist()
    [737279]
    """
    factors = np.asarray(factors, dtype=np.int64)
    _check_factors(factors)
    return factors @ np.asarray(DSPRITES_INDEX_BASES, dtype=np.int64)


def dsprites_factors(indices):
    """Factor classes `(N, 5)` of flat indices `(N,)`; inverse of the index.

    Example:

    >>> dsprites_factors([1025]).tolist()
    [[0, 0, 1, 0, 1]]
    """
    indices = np.asarray(indices, dtype=np.int64)
    if np.any(indices < 0) or np.any(indices >= DSPRITES_NUM_IMAGES):
        raise IndexError(
            f"dSprites indices must lie in [0, {DSPRITES_NUM_IMAGES})."
        )
    factors = np.empty(indices.shape + (5,), dtype=np.int64)
    rest = indices
    for j, base in enumerate(DSPRITES_INDEX_BASES):
        factors[..., j], rest = np.divmod(rest, base)
    return factors


def dsprites_factor_values(factors):
    """Latent values `(N, 5)` of factor classes, as in `latents_values`.

    Columns: shape (1 square, 2 ellipse, 3 heart), scale in [0.5, 1],
    orientation in [0, 2 pi] radians, position x and y in [0, 1].
    """
    factors = np.asarray(factors, dtype=np.int64)
    _check_factors(factors)
    return np.stack(
        [
            factors[:, 0] + 1.0,
            _SCALES[factors[:, 1]],
            _ORIENTATIONS[factors[:, 2]],
            _POSITIONS[factors[:, 3]],
            _POSITIONS[factors[:, 4]],
        ],
        axis=1,
    )


def _check_factors(factors):
    if factors.ndim != 2 or factors.shape[1] != 5:
        raise ValueError(
            f"dSprites factors must have shape (N, 5), got {factors.shape}."
        )
    sizes = np.asarray(DSPRITES_FACTOR_SIZES)
    if np.any(factors < 0) or np.any(factors >= sizes):
        raise ValueError(
            "dSprites factor classes out of range; sizes are "
            f"{DSPRITES_FACTOR_SIZES} for {DSPRITES_FACTOR_NAMES}."
        )


def render_dsprites(factors):
    """Renders factor classes `(N, 5)` as float32 images `(N, 64, 64, 1)`.

    Pixels are exactly 0 or 1: a pixel is on when its centre lies inside
    the shape. The centre of the shape is at `16 + 32 * position` pixels
    (x to the right, y downwards); orientation turns the shape
    counter-clockwise on screen.

    Example:

    >>> images = render_dsprites([[2, 5, 0, 16, 16]])
    >>> images.shape, float(images.max())
    ((1, 64, 64, 1), 1.0)
    """
    factors = np.asarray(factors, dtype=np.int64)
    _check_factors(factors)
    num = len(factors)
    out = np.zeros((num, 64, 64), dtype=np.float32)
    if num == 0:
        return out[..., None]
    scale = _SCALES[factors[:, 1]].astype(np.float32)
    angle = _ORIENTATIONS[factors[:, 2]]
    cos = np.cos(angle).astype(np.float32)[:, None, None]
    sin = np.sin(angle).astype(np.float32)[:, None, None]
    centre_x = (16.0 + 32.0 * _POSITIONS[factors[:, 3]]).astype(np.float32)
    centre_y = (16.0 + 32.0 * _POSITIONS[factors[:, 4]]).astype(np.float32)
    # A 32x32 window about each centre holds the whole shape.
    left = np.floor(centre_x).astype(np.int64) - _WINDOW // 2
    top = np.floor(centre_y).astype(np.int64) - _WINDOW // 2
    steps = np.arange(_WINDOW, dtype=np.int64)
    cols = left[:, None] + steps  # (N, W)
    rows = top[:, None] + steps
    dx = (cols + 0.5 - centre_x[:, None]).astype(np.float32)[:, None, :]
    dy = (centre_y[:, None] - rows - 0.5).astype(np.float32)[:, :, None]
    # Coordinates in the shape's own frame (y up), in pixels / scale.
    inv_scale = (1.0 / scale)[:, None, None]
    cos = cos * inv_scale
    sin = sin * inv_scale
    u = cos * dx + sin * dy
    v = cos * dy - sin * dx
    inside = np.empty(u.shape, dtype=bool)
    shape = factors[:, 0]
    square = shape == 0
    inside[square] = np.maximum(np.abs(u[square]), np.abs(v[square])) <= (
        _SQUARE_HALF_SIDE
    )
    ellipse = shape == 1
    a, b = _ELLIPSE_SEMI_AXES
    inside[ellipse] = (u[ellipse] / a) ** 2 + (v[ellipse] / b) ** 2 <= 1.0
    heart = shape == 2
    hx = u[heart] * _HEART_UNITS_PER_PIXEL
    hy = v[heart] * _HEART_UNITS_PER_PIXEL + _HEART_CENTROID_Y
    hx2 = hx * hx
    inside[heart] = (hx2 + hy * hy - 1.0) ** 3 <= hx2 * hy * hy * hy
    # Slice copies beat one fancy-indexed scatter by far.
    for i, (y0, x0) in enumerate(zip(top.tolist(), left.tolist())):
        out[i, y0 : y0 + _WINDOW, x0 : x0 + _WINDOW] = inside[i]
    return out[..., None]


class _FactorClasses:
    """Lazy `(737280, 5)` array of factor classes, indexed like numpy."""

    def __len__(self):
        return DSPRITES_NUM_IMAGES

    @property
    def shape(self):
        return (DSPRITES_NUM_IMAGES, 5)

    def __getitem__(self, index):
        return dsprites_factors(_as_indices(index))


def _as_indices(index):
    if isinstance(index, slice):
        return np.arange(DSPRITES_NUM_IMAGES, dtype=np.int64)[index]
    index = np.asarray(index, dtype=np.int64)
    return np.where(index < 0, index + DSPRITES_NUM_IMAGES, index)


class DSprites:
    """dSprites as a lazy image array and a ground-truth dataset.

    Images are float32 `(N, 64, 64, 1)` with values exactly 0 or 1. The five
    factors (`DSPRITES_FACTOR_NAMES`) follow disentanglement_lib's
    `dsprites_full`; the colour factor of the npz has a single value and is
    left out.

    Without `npz_path` the images are rendered procedurally (an
    approximation of the original sprites: the original generator is not
    public). With `npz_path`, the original images are read from the file
    (about 3 GB once loaded, on first access).

    Args:
        npz_path: optional path of
            `dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz`.

    Example:

    >>> data = DSprites()
    >>> data[[0, 737279]].shape
    (2, 64, 64, 1)
    >>> rng = np.random.default_rng(0)
    >>> hearts = data.sample_factors(8, rng, fixed={"shape": 2})
    >>> data.sample_observations_from_factors(hearts, rng).shape
    (8, 64, 64, 1)
    """

    factor_names = DSPRITES_FACTOR_NAMES
    factor_sizes = DSPRITES_FACTOR_SIZES
    image_shape = (64, 64, 1)

    def __init__(self, npz_path=None):
        self.npz_path = npz_path
        self._npz_images = None

    def __len__(self):
        return DSPRITES_NUM_IMAGES

    @property
    def shape(self):
        return (DSPRITES_NUM_IMAGES,) + self.image_shape

    def __getitem__(self, index):
        if isinstance(index, (int, np.integer)):
            return self.images(_as_indices([index]))[0]
        return self.images(_as_indices(index))

    @property
    def factor_classes(self):
        """Lazy `(737280, 5)` int64 factor classes (`latents_classes`)."""
        return _FactorClasses()

    def images(self, indices):
        """Images at flat indices, float32 `(len(indices), 64, 64, 1)`."""
        indices = np.asarray(indices, dtype=np.int64)
        if self.npz_path is None:
            return render_dsprites(dsprites_factors(indices))
        images = self._load_npz()
        return images[indices].astype(np.float32)[..., None]

    def _load_npz(self):
        if self._npz_images is None:
            with np.load(self.npz_path) as archive:
                images = archive["imgs"]
            if images.shape != (DSPRITES_NUM_IMAGES, 64, 64):
                raise ValueError(
                    f"{self.npz_path} holds images of shape {images.shape}; "
                    f"expected ({DSPRITES_NUM_IMAGES}, 64, 64)."
                )
            self._npz_images = images
        return self._npz_images

    def sample_factors(self, num, rng, fixed=None):
        """Uniform factor classes `(num, 5)`, optionally with some fixed.

        Args:
            num: number of factor vectors.
            rng: a `numpy.random.Generator`.
            fixed: optional dict mapping factor names (or column indices)
                to the class every sample takes.
        """
        factors = sample_uniform_factors(self.factor_sizes, num, rng)
        for key, value in (fixed or {}).items():
            column = (
                self.factor_names.index(key) if isinstance(key, str) else key
            )
            if not 0 <= value < self.factor_sizes[column]:
                raise ValueError(
                    f"{self.factor_names[column]} has "
                    f"{self.factor_sizes[column]} classes; got {value}."
                )
            factors[:, column] = value
        return factors

    def sample_observations_from_factors(self, factors, rng=None):
        """Images of factor classes `(N, 5)`; `rng` is unused."""
        factors = np.asarray(factors, dtype=np.int64)
        if self.npz_path is None:
            return render_dsprites(factors)
        return self.images(dsprites_index(factors))

    def batches(self, batch_size=64, shuffle=True, seed=None, **kwargs):
        """A `BatchDataset` of `(images, factor_classes)` for `model.fit`."""
        return BatchDataset(
            self,
            self.factor_classes,
            batch_size=batch_size,
            shuffle=shuffle,
            seed=seed,
            **kwargs,
        )

    def iterate(self, batch_size=4096, start=0, stop=None):
        """Streams `(indices, images)` in index order, one batch at a time.

        Memory stays at one batch whatever the number of images.
        """
        stop = DSPRITES_NUM_IMAGES if stop is None else stop
        for first in range(start, stop, batch_size):
            indices = np.arange(
                first, min(first + batch_size, stop), dtype=np.int64
            )
            yield indices, self.images(indices)
