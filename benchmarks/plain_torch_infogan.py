"""InfoGAN (28x28 MNIST networks) as a plain PyTorch training loop.

This is the reference that `infogan_training_speed.py` compares
`keras_disentangle.InfoGAN` against. It mirrors the Keras model with its
defaults (`InfoGAN()`, `compile()`):

- G: Linear(74, 1024)-BN-ReLU, Linear(1024, 7*7*128)-BN-ReLU,
  ConvTranspose2d(128, 64, 4, 2, 1)-BN-ReLU, ConvTranspose2d(64, 1, 4, 2, 1)
  -sigmoid.
- D trunk: Conv2d(1, 64, 4, 2, 1)-LeakyReLU(0.1), Conv2d(64, 128, 4, 2, 1)
  -BN-LeakyReLU(0.1), Linear(6272, 1024)-BN-LeakyReLU(0.1); D head
  Linear(1024, 1) (a logit).
- Q: Linear(1024, 128)-BN-LeakyReLU(0.1), then one Linear per code:
  digit (10 logits), c1 (1 mean), c2 (1 mean).
- Every layer has a bias; weights ~ N(0, 0.02) (D's convolutions truncated
  at two standard deviations), biases 0. BatchNorm as the official code's:
  epsilon 1e-5, moving-average decay 0.9 (torch `momentum=0.1`), gamma ~
  N(1, 0.02), beta 0.
- Latents: z ~ U(-1, 1)^62, one-hot Cat(10), c1, c2 ~ U(-1, 1), concatenated
  in that order.
- One training step: the discriminator player (trunk + D head + Q,
  Adam(2e-4, betas=(0.5, 0.999), eps=1e-8)) on
  `mean softplus(-D(real)) + mean softplus(D(fake)) + L_I`, with fake =
  G(fresh latents) without gradient; then the generator
  (Adam(1e-3, betas=(0.5, 0.999), eps=1e-8)) on
  `mean softplus(-D(G(fresh latents))) + L_I`, where
  `L_I = CE(digit logits, digit) + sum_{c1, c2} mean(0.5 (c - mean)^2
  + 0.5 log 2 pi)`. D sees the real and the fake batch in separate calls
  (real first; Q only the fake one), all networks in training mode (batch
  statistics, and the running statistics advance on every call, as in
  Keras).

The generator step differentiates with respect to G's parameters only
(`backward(inputs=...)`), so no gradient of D's weights is computed there, as
in keras_disentangle's engine. Only the Adam epsilon placement differs from
Keras (torch divides by `sqrt(v_hat) + eps`, Keras by `sqrt(v) + eps` with the
bias correction folded into the step size), which changes nothing in cost.

Run directly for a quick figure:

    python benchmarks/plain_torch_infogan.py --steps 200 --synthetic
"""

import argparse
import math
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

_HALF_LOG_TWO_PI = 0.5 * math.log(2.0 * math.pi)
Z_DIM, N_CAT, N_CONT = 62, 10, 2
LATENT_DIM = Z_DIM + N_CAT + N_CONT
BN = {"momentum": 0.1, "eps": 1e-5}  # Keras momentum 0.9, epsilon 1e-5.


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Sequential(
            nn.Linear(LATENT_DIM, 1024),
            nn.BatchNorm1d(1024, **BN),
            nn.ReLU(),
            nn.Linear(1024, 7 * 7 * 128),
            nn.BatchNorm1d(7 * 7 * 128, **BN),
            nn.ReLU(),
        )
        self.deconv = nn.Sequential(
            nn.ConvTranspose2d(128, 64, 4, 2, 1),
            nn.BatchNorm2d(64, **BN),
            nn.ReLU(),
            nn.ConvTranspose2d(64, 1, 4, 2, 1),
            nn.Sigmoid(),
        )

    def forward(self, latents):
        return self.deconv(self.fc(latents).view(-1, 128, 7, 7))


class Trunk(nn.Module):
    def __init__(self, slope=0.1):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 64, 4, 2, 1),
            nn.LeakyReLU(slope),
            nn.Conv2d(64, 128, 4, 2, 1),
            nn.BatchNorm2d(128, **BN),
            nn.LeakyReLU(slope),
            nn.Flatten(),
            nn.Linear(128 * 7 * 7, 1024),
            nn.BatchNorm1d(1024, **BN),
            nn.LeakyReLU(slope),
        )

    def forward(self, images):
        return self.net(images)


class QNetwork(nn.Module):
    def __init__(self, slope=0.1):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(1024, 128), nn.BatchNorm1d(128, **BN), nn.LeakyReLU(slope)
        )
        self.digit = nn.Linear(128, N_CAT)
        self.c1 = nn.Linear(128, 1)
        self.c2 = nn.Linear(128, 1)

    def forward(self, features):
        h = self.body(features)
        return self.digit(h), self.c1(h), self.c2(h)


def init_weights(module):
    """The official init: N(0, 0.02) kernels (truncated for convolutions),
    zero biases, BN gamma ~ N(1, 0.02) and beta 0."""
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.trunc_normal_(m.weight, 0.0, 0.02, -0.04, 0.04)
            nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.Linear, nn.ConvTranspose2d)):
            nn.init.normal_(m.weight, 0.0, 0.02)
            nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


class PlainInfoGAN:
    """The networks, the optimisers and one alternating training step."""

    def __init__(self, seed=0, fused_adam=False):
        torch.manual_seed(seed)
        self.generator = Generator()
        self.trunk = Trunk()
        self.d_head = nn.Linear(1024, 1)
        self.q_network = QNetwork()
        for net in (self.generator, self.trunk, self.d_head, self.q_network):
            init_weights(net)
            net.train()
        self.d_params = [
            p
            for net in (self.trunk, self.d_head, self.q_network)
            for p in net.parameters()
        ]
        self.g_params = list(self.generator.parameters())
        extra = {"fused": True} if fused_adam else {}
        self.d_opt = torch.optim.Adam(
            self.d_params, lr=2e-4, betas=(0.5, 0.999), eps=1e-8, **extra
        )
        self.g_opt = torch.optim.Adam(
            self.g_params, lr=1e-3, betas=(0.5, 0.999), eps=1e-8, **extra
        )

    @staticmethod
    def sample_latents(batch):
        z = torch.rand(batch, Z_DIM) * 2.0 - 1.0
        digit = torch.randint(0, N_CAT, (batch,))
        one_hot = F.one_hot(digit, N_CAT).float()
        cont = torch.rand(batch, N_CONT) * 2.0 - 1.0
        return torch.cat([z, one_hot, cont], dim=1), digit, cont

    def discriminate(self, images):
        features = self.trunk(images)
        return self.d_head(features), self.q_network(features)

    @staticmethod
    def info_loss(posteriors, digit, cont):
        digit_logits, c1_mean, c2_mean = posteriors
        loss = F.cross_entropy(digit_logits, digit)
        for i, mean in enumerate((c1_mean, c2_mean)):
            c = cont[:, i : i + 1]
            loss = loss + torch.mean(
                0.5 * torch.square(c - mean) + _HALF_LOG_TWO_PI
            )
        return loss

    def train_step(self, real):
        batch = real.shape[0]
        # Discriminator player: trunk, D head and Q.
        latents, digit, cont = self.sample_latents(batch)
        with torch.no_grad():
            fake = self.generator(latents)
        real_logits = self.d_head(self.trunk(real))
        fake_logits, posteriors = self.discriminate(fake)
        info = self.info_loss(posteriors, digit, cont)
        d_loss = (
            F.softplus(-real_logits).mean()
            + F.softplus(fake_logits).mean()
            + info
        )
        self.d_opt.zero_grad(set_to_none=True)
        d_loss.backward(inputs=self.d_params)
        self.d_opt.step()

        # Generator player, against the updated discriminator.
        latents, digit, cont = self.sample_latents(batch)
        fake_logits, posteriors = self.discriminate(self.generator(latents))
        g_loss = F.softplus(-fake_logits).mean() + self.info_loss(
            posteriors, digit, cont
        )
        self.g_opt.zero_grad(set_to_none=True)
        g_loss.backward(inputs=self.g_params)
        self.g_opt.step()
        return d_loss.detach(), g_loss.detach()


def batches(images_nchw, batch_size, shuffle_seed=0):
    """Endless shuffled batches of a (n, 1, 28, 28) float32 tensor."""
    rng = np.random.default_rng(shuffle_seed)
    n = images_nchw.shape[0]
    while True:
        order = torch.from_numpy(rng.permutation(n))
        for start in range(0, n - batch_size + 1, batch_size):
            yield images_nchw[order[start : start + batch_size]]


def run(images_nhwc, steps, batch_size, warmup_steps=20, seed=0, **kwargs):
    """Times `steps` training steps after `warmup_steps`; returns steps/s."""
    images = torch.from_numpy(
        np.ascontiguousarray(np.transpose(images_nhwc, (0, 3, 1, 2)))
    )
    model = PlainInfoGAN(seed=seed, **kwargs)
    stream = batches(images, batch_size)
    for _ in range(warmup_steps):
        model.train_step(next(stream))
    start = time.perf_counter()
    for _ in range(steps):
        d_loss, g_loss = model.train_step(next(stream))
    elapsed = time.perf_counter() - start
    if not (torch.isfinite(d_loss) and torch.isfinite(g_loss)):
        raise RuntimeError("Non-finite loss in the plain PyTorch loop.")
    return steps / elapsed, {"d_loss": float(d_loss), "g_loss": float(g_loss)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--warmup-steps", type=int, default=20)
    parser.add_argument("--fused-adam", action="store_true")
    parser.add_argument("--synthetic", action="store_true")
    args = parser.parse_args()
    if args.synthetic:
        rng = np.random.default_rng(0)
        images = rng.random((6400, 28, 28, 1), dtype=np.float32)
    else:
        from infogan_training_speed import load_mnist  # noqa: E402

        images = load_mnist()
    rate, logs = run(
        images,
        args.steps,
        args.batch_size,
        warmup_steps=args.warmup_steps,
        fused_adam=args.fused_adam,
    )
    print(f"plain PyTorch: {rate:.2f} steps/s  {logs}")


if __name__ == "__main__":
    main()
