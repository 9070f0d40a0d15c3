"""Procedural scenes with a background, a parent shape and a child look.

For FineGAN-style hierarchical models (background code b, parent code p,
child code c with every child nested under one parent): each image has a
textured background, one object whose outline is the parent (disc,
square, triangle, diamond, cross) and whose appearance (colour and
pattern) is the child. Children are nested: child `k` of parent `p` is the
global class `p * children_per_parent + k`, and no two global classes
share an appearance. Every image comes with its object mask and box.
"""

import colorsys

import numpy as np

from keras_disentangle.datasets.batches import BatchDataset
from keras_disentangle.datasets.ground_truth import sample_uniform_factors

PARENT_SHAPES = ("disc", "square", "triangle", "diamond", "cross")
_PATTERNS = ("solid", "stripes", "checker", "dots")


class HierarchicalScenes:
    """Background / parent shape / child appearance scenes, 64x64 RGB.

    Factors, in order (`factor_names`): `background`, `parent`, `child`
    (the child's index within its parent), `position_x`, `position_y`,
    `scale`. Images are float32 `(N, 64, 64, 3)` in `[0, 1]`; masks are
    float32 `(N, 64, 64, 1)` with values 0 or 1; boxes are float32
    `(N, 4)` pixel coordinates `(x_min, y_min, x_max, y_max)` of the
    object (Keras's `"xyxy"` format, max exclusive).

    Args:
        num_backgrounds: number of background textures (1 to 8).
        num_parents: number of parent shapes (1 to 5).
        children_per_parent: number of appearances per parent (1 to 8).
        num_positions: positions along each axis.
        num_scales: object sizes.

    Example:

    >>> scenes = HierarchicalScenes()
    >>> rng = np.random.default_rng(0)
    >>> batch = scenes.render(scenes.sample_factors(4, rng))
    >>> batch["images"].shape, batch["masks"].shape, batch["boxes"].shape
    ((4, 64, 64, 3), (4, 64, 64, 1), (4, 4))
    >>> int(scenes.child_classes(batch["factors"]).max()) < 12
    True
    """

    factor_names = (
        "background",
        "parent",
        "child",
        "position_x",
        "position_y",
        "scale",
    )
    image_shape = (64, 64, 3)

    def __init__(
        self,
        num_backgrounds=4,
        num_parents=4,
        children_per_parent=3,
        num_positions=4,
        num_scales=3,
    ):
        for name, value, top in (
            ("num_backgrounds", num_backgrounds, 8),
            ("num_parents", num_parents, len(PARENT_SHAPES)),
            ("children_per_parent", children_per_parent, 8),
            ("num_positions", num_positions, 32),
            ("num_scales", num_scales, 8),
        ):
            if not 1 <= value <= top:
                raise ValueError(f"{name} must lie in [1, {top}]: {value}.")
        self.num_backgrounds = num_backgrounds
        self.num_parents = num_parents
        self.children_per_parent = children_per_parent
        self.factor_sizes = (
            num_backgrounds,
            num_parents,
            children_per_parent,
            num_positions,
            num_positions,
            num_scales,
        )
        self._centres = np.linspace(20.0, 44.0, num_positions)
        self._radii = np.linspace(10.0, 16.0, num_scales)
        num_children = num_parents * children_per_parent
        self._child_colours = np.array(
            [
                colorsys.hsv_to_rgb(c / num_children, 0.85, 0.95)
                for c in range(num_children)
            ],
            dtype=np.float32,
        )
        self._background_colours = np.array(
            [
                colorsys.hsv_to_rgb((b + 0.5) / num_backgrounds, 0.35, 0.55)
                for b in range(num_backgrounds)
            ],
            dtype=np.float32,
        )

    @property
    def num_child_classes(self):
        """Number of global child classes, `num_parents * children`."""
        return self.num_parents * self.children_per_parent

    def __len__(self):
        return int(np.prod(self.factor_sizes))

    def __getitem__(self, index):
        if isinstance(index, (int, np.integer)):
            return self[[index]][0]
        if isinstance(index, slice):
            index = np.arange(len(self))[index]
        factors = np.stack(
            np.unravel_index(np.asarray(index), self.factor_sizes), axis=1
        )
        return self.render(factors)["images"]

    def child_classes(self, factors):
        """Global child class `parent * children_per_parent + child`."""
        factors = np.asarray(factors)
        return factors[:, 1] * self.children_per_parent + factors[:, 2]

    def sample_factors(self, num, rng):
        return sample_uniform_factors(self.factor_sizes, num, rng)

    def sample_observations_from_factors(self, factors, rng=None):
        return self.render(factors)["images"]

    def sample(self, num, rng):
        """Random scenes: a dict of factors, images, masks and boxes."""
        return self.render(self.sample_factors(num, rng))

    def render(self, factors):
        """Renders factor classes `(N, 6)`.

        Returns:
            dict with `factors`, `child_classes`, `images`, `masks` and
            `boxes` (see the class docstring).
        """
        factors = np.asarray(factors, dtype=np.int64)
        if factors.ndim != 2 or factors.shape[1] != 6:
            raise ValueError(
                f"factors must have shape (N, 6), got {factors.shape}."
            )
        if np.any(factors < 0) or np.any(factors >= self.factor_sizes):
            raise ValueError(
                f"factor classes out of range; sizes are {self.factor_sizes}."
            )
        num = len(factors)
        grid = np.arange(64, dtype=np.float32) + 0.5
        xs = grid[None, None, :]
        ys = grid[None, :, None]
        background = self._backgrounds(factors[:, 0], xs, ys)
        radius = self._radii[factors[:, 5]].astype(np.float32)[:, None, None]
        u = (xs - self._centres[factors[:, 3]][:, None, None]) / radius
        v = (self._centres[factors[:, 4]][:, None, None] - ys) / radius
        mask = np.zeros((num, 64, 64), dtype=bool)
        for p, shape_name in enumerate(PARENT_SHAPES[: self.num_parents]):
            rows = factors[:, 1] == p
            if np.any(rows):
                mask[rows] = _inside(shape_name, u[rows], v[rows])
        child = self.child_classes(factors)
        colour = self._child_colours[child][:, None, None, :]
        texture = np.ones((num, 64, 64), dtype=np.float32)
        for k in range(self.children_per_parent):
            rows = factors[:, 2] == k
            if not np.any(rows):
                continue
            pattern = _PATTERNS[k % len(_PATTERNS)]
            # Children beyond the fourth reuse a pattern at a finer pitch.
            pitch = 6.0 / (1 + k // len(_PATTERNS))
            texture[rows] = _pattern(pattern, xs, ys, pitch)
        shade = 0.45 + 0.55 * texture[..., None]
        obj = colour * shade
        images = np.where(mask[..., None], obj, background)
        boxes = _boxes(mask)
        return {
            "factors": factors,
            "child_classes": child,
            "images": images.astype(np.float32),
            "masks": mask[..., None].astype(np.float32),
            "boxes": boxes,
        }

    def _backgrounds(self, kinds, xs, ys):
        colour = self._background_colours[kinds][:, None, None, :]
        # Each background has its own low-frequency wave direction.
        angle = (kinds * 2.4)[:, None, None]
        wave = np.sin(
            (np.cos(angle) * xs + np.sin(angle) * ys) * (2 * np.pi / 24.0)
        )
        light = (0.75 + 0.25 * wave).astype(np.float32)
        return np.clip(colour * light[..., None] + 0.08, 0.0, 1.0)

    def batches(self, batch_size=64, shuffle=True, seed=None, **kwargs):
        """A `BatchDataset` of `(images, factor_classes)` over the grid."""
        return BatchDataset(
            self,
            _GridFactors(self.factor_sizes),
            batch_size=batch_size,
            shuffle=shuffle,
            seed=seed,
            **kwargs,
        )


class _GridFactors:
    def __init__(self, sizes):
        self.sizes = sizes

    def __len__(self):
        return int(np.prod(self.sizes))

    def __getitem__(self, index):
        return np.stack(np.unravel_index(index, self.sizes), axis=1)


def _inside(shape_name, u, v):
    if shape_name == "disc":
        return u * u + v * v <= 1.0
    if shape_name == "square":
        return np.maximum(np.abs(u), np.abs(v)) <= 0.8
    if shape_name == "triangle":
        return (v >= -0.5) & (np.sqrt(3.0) * np.abs(u) + v <= 1.0)
    if shape_name == "diamond":
        return np.abs(u) + np.abs(v) <= 1.0
    arm = 0.35
    return ((np.abs(u) <= arm) & (np.abs(v) <= 1.0)) | (
        (np.abs(v) <= arm) & (np.abs(u) <= 1.0)
    )


def _pattern(name, xs, ys, pitch):
    if name == "solid":
        return np.ones((64, 64), dtype=np.float32)
    if name == "stripes":
        return np.broadcast_to(
            (np.floor(ys[0] / pitch) % 2).astype(np.float32), (64, 64)
        )
    if name == "checker":
        return ((np.floor(xs[0] / pitch) + np.floor(ys[0] / pitch)) % 2).astype(
            np.float32
        )
    dx = xs[0] % pitch - pitch / 2
    dy = ys[0] % pitch - pitch / 2
    return (dx * dx + dy * dy > (pitch / 3) ** 2).astype(np.float32)


def _boxes(mask):
    num = len(mask)
    boxes = np.zeros((num, 4), dtype=np.float32)
    cols = mask.any(axis=1)
    rows = mask.any(axis=2)
    has = cols.any(axis=1)
    boxes[has, 0] = np.argmax(cols[has], axis=1)
    boxes[has, 1] = np.argmax(rows[has], axis=1)
    boxes[has, 2] = 64 - np.argmax(cols[has, ::-1], axis=1)
    boxes[has, 3] = 64 - np.argmax(rows[has, ::-1], axis=1)
    return boxes
